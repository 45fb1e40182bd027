package io.lightmem.api.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.api.ApiError;

/** Maps service failures to gRPC statuses with messages a caller can act on (classified by {@link ApiError}). */
final class GrpcErrors {

    private GrpcErrors() {
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status; // already a status, e.g. from a gRPC dependency
        }
        ApiError error = ApiError.of(failure);
        Status status = switch (error.kind()) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case BUSY -> Status.ABORTED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case INTERNAL -> Status.INTERNAL;
        };
        return status.withDescription(error.message()).asRuntimeException();
    }
}
