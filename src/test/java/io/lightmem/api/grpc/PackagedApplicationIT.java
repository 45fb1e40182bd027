package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.FreeGrpcPortResource;
import io.lightmem.testing.FreeGrpcPortResource.GrpcPort;
import io.lightmem.v1.GetModelInfoRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.ModelServiceGrpc;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, started as a user starts it (production profile), serves the quick start to a
 * caller with its key, refuses one without, and reports ready. Catches what only the packaging can
 * break, such as class loading. Its ports are free ones, so it runs beside a service started by
 * deploy/local/run.sh.
 */
@QuarkusIntegrationTest
@WithTestResource(FreeGrpcPortResource.class)
@TestProfile(PackagedApplicationIT.WithBootstrapKey.class)
class PackagedApplicationIT {

    static final String KEY = "packaged-application-it-bootstrap-key-0123456789";

    public static class WithBootstrapKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightmem.auth.bootstrap-key", KEY);
        }
    }

    @GrpcPort
    int grpcPort;

    @Test
    void servesTheQuickStartOverGrpcAndIsReady() throws InterruptedException {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        ManagedChannel channel = Credentials.channel(grpcPort, KEY);
        try {
            var memory = MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            String userId = newUser();
            memory.addMemory(add(userId, user("My favorite color is blue.", "2024-01-15T10:30:00")));

            assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                    .setQuery("What is the user's favorite color?").build()).getFormattedList())
                    .containsExactly("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void authenticatesByDefault() throws InterruptedException {
        ManagedChannel anonymous = Credentials.channel(grpcPort);
        try {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> MemoryServiceGrpc.newBlockingStub(anonymous).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .retrieve(RetrieveRequest.newBuilder().setUserId("alice").setQuery("color").build()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        } finally {
            anonymous.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        // The model service is internal: not on the public port of role all unless lightmem.models.serve.
        ManagedChannel administrator = Credentials.channel(grpcPort, KEY);
        try {
            StatusRuntimeException unserved = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ModelServiceGrpc.newBlockingStub(administrator).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .getModelInfo(GetModelInfoRequest.getDefaultInstance()));
            assertThat(unserved.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(unserved.getStatus().getDescription()).contains("lightmem.models.serve=true");
        } finally {
            administrator.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        given().contentType("application/json").body("{\"user_id\": \"alice\", \"query\": \"color\"}")
                .when().post("/Retrieve").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer realm=\"lightmem\""));
    }
}
