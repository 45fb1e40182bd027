package io.lightmem.model.remote;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Rows;
import io.lightmem.v1.EmbedRequest;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.ModelServiceGrpc;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveStrategy;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Role api whose model service is down: calls that need a model fail with UNAVAILABLE after the
 * retries, naming the model service, and write nothing; the instance is alive but not ready. No
 * fallback to in-process models.
 */
@QuarkusTest
@TestProfile(ModelServiceDownTest.ApiWithoutModels.class)
class ModelServiceDownTest {

    public static class ApiWithoutModels implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 1 on loopback: nothing listens there, connections are refused at once.
            return Map.of(
                    "lightmem.role", "api",
                    "lightmem.models.endpoint", "127.0.0.1:1",
                    "lightmem.models.max-attempts", "2",
                    "lightmem.models.initial-backoff", "50ms");
        }
    }

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @Test
    void addMemoryIsUnavailableAndNothingIsStored() {
        String userId = newUser();

        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> memory.addMemory(add(userId, user("My favorite color is blue.", "2024-01-15T10:30:00"))));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(error.getStatus().getDescription())
                .startsWith("the model service at 127.0.0.1:1 is unavailable: GetModelInfo failed 2 times, last with UNAVAILABLE")
                .endsWith("; retry later");
        assertThat(Rows.strings(dataSource, "SELECT id FROM message_log WHERE user_id = ?", userId)).isEmpty();
        assertThat(Rows.strings(dataSource, "SELECT id FROM memory_entry WHERE user_id = ?", userId)).isEmpty();
    }

    @Test
    void retrieveByEmbeddingIsUnavailable() {
        // The default strategy, hybrid, embeds the query too.
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(newUser()).setQuery("color").build()));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(error.getStatus().getDescription()).contains("model service at 127.0.0.1:1");
    }

    @Test
    void lexicalRetrievalNeedsNoModelAndStillWorks() {
        var found = memory.retrieve(RetrieveRequest.newBuilder().setUserId(newUser()).setQuery("color")
                .setStrategy(RetrieveStrategy.RETRIEVE_STRATEGY_CONTEXT).build());

        assertThat(found.getMemoriesList()).isEmpty();
    }

    @Test
    void theInstanceIsAliveButNotReadyAndSaysWhy() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'lightmem' }.data.role", equalTo("api"))
                .body("checks.find { it.name == 'lightmem' }.data.models", equalTo("model service at 127.0.0.1:1"))
                .body("checks.find { it.name == 'lightmem' }.data.'models.error'",
                        containsString("model service at 127.0.0.1:1 is unavailable"));
    }

    @Test
    void itServesNoModelsItself() throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .embed(EmbedRequest.newBuilder().addTexts("hello").build()));

            assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(error.getStatus().getDescription())
                    .isEqualTo("this instance runs lightmem.role=api and serves no models; its own model service is at 127.0.0.1:1");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
