package io.lightmem.api;

import io.lightmem.ErrorKind;
import io.lightmem.InvalidArgumentException;
import io.lightmem.LightMemException;
import io.lightmem.StorageException;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A failure as a caller sees it: its kind, a message safe to show, and the offending field for
 * invalid arguments. The one place that decides which exception is which kind.
 *
 * @param field the request field at fault, or null
 */
public record ApiError(ErrorKind kind, String message, String field) {

    private static final Logger LOG = Logger.getLogger(ApiError.class);

    public ApiError {
        if (kind == null || message == null) {
            throw new IllegalArgumentException("kind and message are required");
        }
    }

    /** How long the caller should wait before retrying: set for transient failures only. */
    public java.time.Duration retryAfter() {
        return kind.retryAfter();
    }

    /** {@link #retryAfter()} in whole seconds, at least 1, for Retry-After headers; null when not transient. */
    public Long retryAfterSeconds() {
        java.time.Duration after = retryAfter();
        return after == null ? null : Math.max(1, (after.toMillis() + 999) / 1000);
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
            default -> new ApiError(known.kind(), known.getMessage(), null);
        };
    }
}
