package io.lightmem.api;

import io.lightmem.BusyException;
import io.lightmem.FailedPreconditionException;
import io.lightmem.InvalidArgumentException;
import io.lightmem.NotFoundException;
import io.lightmem.UnavailableException;
import io.lightmem.store.StorageException;
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

    /**
     * Classifies a failure of the service layer. Logs what an operator needs to see: unavailability as
     * a warning, anything unexpected as an error with its stack trace under a reference the caller gets.
     */
    public static ApiError of(Throwable failure) {
        if (failure instanceof InvalidArgumentException invalid) {
            return new ApiError(ErrorKind.INVALID_ARGUMENT, invalid.getMessage(), invalid.field());
        }
        if (failure instanceof NotFoundException notFound) {
            return new ApiError(ErrorKind.NOT_FOUND, notFound.getMessage(), null);
        }
        if (failure instanceof FailedPreconditionException precondition) {
            return new ApiError(ErrorKind.FAILED_PRECONDITION, precondition.getMessage(), null);
        }
        if (failure instanceof BusyException busy) {
            return new ApiError(ErrorKind.BUSY, busy.getMessage(), null);
        }
        if (failure instanceof StorageException storage && storage.unavailable()) {
            LOG.warn(storage.getMessage());
            return new ApiError(ErrorKind.UNAVAILABLE, "storage is unavailable, retry later: " + storage.getMessage(),
                    null);
        }
        if (failure instanceof UnavailableException unavailable) {
            // The model service of role `api`, after the client's retries.
            LOG.warn(unavailable.getMessage());
            return new ApiError(ErrorKind.UNAVAILABLE, unavailable.getMessage() + "; retry later", null);
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(failure, "request failed (reference %s)", reference);
        return new ApiError(ErrorKind.INTERNAL, "internal error (reference " + reference
                + "); the server log has the details", null);
    }
}
