package io.lightmem.api.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.api.ApiError;

/** Maps service failures to gRPC statuses with messages a caller can act on (classified by {@link ApiError}). */
final class GrpcErrors {

    /**
     * The trailer with which a server asks a client's retry policy to wait (gRPC A6, "Pushback");
     * clients without a policy can read it too.
     */
    static final Metadata.Key<String> RETRY_PUSHBACK_MS = Metadata.Key.of("grpc-retry-pushback-ms",
            Metadata.ASCII_STRING_MARSHALLER);
    /** The same wait in seconds, as HTTP's Retry-After says it. */
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {
    }

    /** Trailers that ask for a retry after {@code after}; empty when null. */
    static Metadata retryHint(java.time.Duration after) {
        Metadata trailers = new Metadata();
        if (after != null) {
            trailers.put(RETRY_PUSHBACK_MS, Long.toString(after.toMillis()));
            trailers.put(RETRY_AFTER, Long.toString(ApiError.wholeSeconds(after)));
        }
        return trailers;
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status; // already a status, e.g. from a gRPC dependency
        }
        ApiError error = ApiError.of(failure);
        return status(error).asRuntimeException(trailers(error));
    }

    static Status status(ApiError error) {
        Status status = switch (error.kind()) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case BUSY -> Status.ABORTED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case INTERNAL -> Status.INTERNAL;
        };
        return status.withDescription(error.message());
    }

    static Metadata trailers(ApiError error) {
        return retryHint(error.retryAfter());
    }
}
