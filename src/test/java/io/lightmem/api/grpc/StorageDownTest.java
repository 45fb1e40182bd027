package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.DatabaseDownProfile;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** With the database unreachable, calls fail with UNAVAILABLE (retry later), not INTERNAL. */
@QuarkusTest
@TestProfile(DatabaseDownProfile.class)
class StorageDownTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Test
    void addMemoryIsUnavailable() {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> memory.addMemory(add(newUser(), user("hello", "2024-01-15T10:30:00"))));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(error.getStatus().getDescription()).contains("storage is unavailable");
        // The pushback a retry policy honours (gRPC A6); clients without one can read it too.
        assertThat(error.getTrailers().get(Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("1000");
    }

    @Test
    void retrieveIsUnavailable() {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(newUser()).setQuery("hello").build()));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void theServiceIsNotReadyButAlive() {
        given().when().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void invalidInputIsStillReportedAsSuch() {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> memory.addMemory(add("", user("hello", "2024-01-15T10:30:00"))));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
}
