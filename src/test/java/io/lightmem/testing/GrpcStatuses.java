package io.lightmem.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Assertions on the status a gRPC call fails with. */
public final class GrpcStatuses {

    private GrpcStatuses() {
    }

    /** The call fails with this code and a description containing {@code message}. */
    public static void assertStatus(Runnable call, Status.Code code, String message) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).as("expected " + code).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(code);
        assertThat(error.getStatus().getDescription()).contains(message);
    }
}
