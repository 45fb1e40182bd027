package io.lightmem.api.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.BusyException;
import io.lightmem.FailedPreconditionException;
import io.lightmem.InvalidArgumentException;
import io.lightmem.NotFoundException;
import io.lightmem.UnavailableException;
import io.lightmem.store.StorageException;
import org.jboss.logging.Logger;

/** Maps service failures to gRPC statuses with messages a caller can act on. */
final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        if (failure instanceof InvalidArgumentException invalid) {
            return Status.INVALID_ARGUMENT.withDescription(invalid.getMessage()).asRuntimeException();
        }
        if (failure instanceof FailedPreconditionException precondition) {
            return Status.FAILED_PRECONDITION.withDescription(precondition.getMessage()).asRuntimeException();
        }
        if (failure instanceof NotFoundException notFound) {
            return Status.NOT_FOUND.withDescription(notFound.getMessage()).asRuntimeException();
        }
        if (failure instanceof BusyException busy) {
            return Status.ABORTED.withDescription(busy.getMessage()).asRuntimeException();
        }
        if (failure instanceof StorageException storage && storage.unavailable()) {
            LOG.warn(storage.getMessage());
            return Status.UNAVAILABLE.withDescription("storage is unavailable, retry later: " + storage.getMessage())
                    .asRuntimeException();
        }
        if (failure instanceof UnavailableException unavailable) {
            LOG.warn(unavailable.getMessage());
            return Status.UNAVAILABLE.withDescription(unavailable.getMessage() + "; retry later").asRuntimeException();
        }
        LOG.error("request failed", failure);
        return Status.INTERNAL.withDescription(failure.getClass().getSimpleName() + ": " + failure.getMessage())
                .asRuntimeException();
    }
}
