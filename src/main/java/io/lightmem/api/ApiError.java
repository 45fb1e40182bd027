package io.lightmem.api;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.lightmem.BusyException;
import io.lightmem.FailedPreconditionException;
import io.lightmem.InvalidArgumentException;
import io.lightmem.NotFoundException;
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
        Status downstream = downstreamStatus(failure);
        if (downstream != null && isUnavailable(downstream.getCode())) {
            // A gRPC dependency (the model service in role `api`) that cannot answer now.
            LOG.warn("model service: " + downstream);
            return new ApiError(ErrorKind.UNAVAILABLE, "model service is unavailable, retry later: "
                    + downstream.getCode() + (downstream.getDescription() == null ? "" : " " + downstream.getDescription()),
                    null);
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(failure, "request failed (reference %s)", reference);
        return new ApiError(ErrorKind.INTERNAL, "internal error (reference " + reference
                + "); the server log has the details", null);
    }

    private static Status downstreamStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status.getStatus();
        }
        if (failure instanceof StatusException status) {
            return status.getStatus();
        }
        return null;
    }

    private static boolean isUnavailable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED;
    }
}
