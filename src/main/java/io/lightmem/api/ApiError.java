package io.lightmem.api;

import io.lightmem.ErrorKind;
import io.lightmem.InvalidArgumentException;
import io.lightmem.LightMemException;
import io.lightmem.RateLimitedException;
import io.lightmem.StorageException;
import io.lightmem.config.Urls;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A failure as a caller sees it: its kind, a message safe to show, the offending field for invalid
 * arguments, and for a rate limit when to retry. The one place that decides which exception is which kind.
 *
 * @param field the request field at fault, or null
 * @param retryAfter how long the caller should wait before retrying: the kind's own time
 *     ({@link ErrorKind#retryAfter()}) unless the failure knows better (a rate limit); null when not transient
 */
public record ApiError(ErrorKind kind, String message, String field, java.time.Duration retryAfter) {

    private static final Logger LOG = Logger.getLogger(ApiError.class);

    public ApiError {
        if (kind == null || message == null) {
            throw new IllegalArgumentException("kind and message are required");
        }
        // Messages quote failures of clients (the LLM's, the database's), which may name URLs with secrets.
        message = Urls.withoutUserInfo(message);
        if (retryAfter == null) {
            retryAfter = kind.retryAfter();
        }
    }

    public ApiError(ErrorKind kind, String message, String field) {
        this(kind, message, field, null);
    }

    /** {@link #retryAfter()} in whole seconds, at least 1, for Retry-After headers; null when not transient. */
    public Long retryAfterSeconds() {
        return wholeSeconds(retryAfter);
    }

    /** A wait in whole seconds, rounded up and at least 1, as Retry-After says it; null for null. */
    public static Long wholeSeconds(java.time.Duration wait) {
        return wait == null ? null : Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /**
     * Classifies a failure of the service layer. Logs what an operator needs to see: unavailability as
     * a warning, anything unexpected as an error with its stack trace under a reference the caller gets.
     */
    public static ApiError of(Throwable failure) {
        if (!(failure instanceof LightMemException known) || known.kind() == ErrorKind.INTERNAL) {
            String reference = UUID.randomUUID().toString();
            LOG.errorf(failure, "request failed (reference %s)", reference);
            return new ApiError(ErrorKind.INTERNAL, "internal error (reference " + reference
                    + "); the server log has the details", null);
        }
        return switch (known.kind()) {
            case INVALID_ARGUMENT -> {
                InvalidArgumentException invalid = (InvalidArgumentException) known;
                yield new ApiError(ErrorKind.INVALID_ARGUMENT, invalid.getMessage(), invalid.field());
            }
            case UNAVAILABLE -> {
                LOG.warn(known.getMessage());
                yield new ApiError(ErrorKind.UNAVAILABLE, known instanceof StorageException
                        ? "storage is unavailable, retry later: " + known.getMessage()
                        : known.getMessage().contains("retry") ? known.getMessage()
                                : known.getMessage() + "; retry later", null);
            }
            case BUSY -> new ApiError(ErrorKind.BUSY, known instanceof StorageException
                    ? "busy with concurrent changes of the same memories, retry later: " + known.getMessage()
                    : known.getMessage(), null);
            case RESOURCE_EXHAUSTED -> new ApiError(ErrorKind.RESOURCE_EXHAUSTED, known.getMessage(), null,
                    ((RateLimitedException) known).retryAfter());
            default -> new ApiError(known.kind(), known.getMessage(), null);
        };
    }
}
