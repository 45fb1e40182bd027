package io.lightmem.model.remote;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.restassured.RestAssured.given;
import static io.lightmem.testing.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.v1.EmbedRequest;
import io.lightmem.v1.EmbedResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.ModelServiceGrpc.ModelServiceBlockingStub;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import io.lightmem.model.EmbeddingInput;
import io.lightmem.model.EmbeddingModel;
import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import io.lightmem.model.remote.ModelServiceClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Role models: no database at all, only lightmem.v1.ModelService, ready once its models are loaded.
 * It serves a built-in model other than the default, an asymmetric one (E5, int8), so the tests also
 * show that a query and a passage are embedded as that model wants, whoever asks.
 */
@QuarkusTest
@TestProfile(ModelsRoleTest.ModelsWithoutDatabase.class)
class ModelsRoleTest {

    public static class ModelsWithoutDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // No database: port 1 on loopback refuses every connection, and the role alone keeps
            // migrations and the datasource health check away from it.
            return Map.of(
                    "lightmem.role", "models",
                    "lightmem.text-embedder.model", "e5-small-v2-q",
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/none",
                    "quarkus.datasource.devservices.enabled", "false",
                    // As a ConfigMap shared with the api role would set it.
                    "lightmem.consolidation.schedule.every", "1s");
        }
    }

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @GrpcClient("lightmem")
    ModelServiceBlockingStub models;

    @Inject
    Scheduler scheduler;

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int grpcPort;

    @Test
    void readyWithoutADatabase() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'lightmem' }.data.role", equalTo("models"))
                .body("checks.find { it.name == 'lightmem' }.data.models", equalTo("in process"))
                .body("checks.find { it.name == 'lightmem' }.data.'embedding.dims'", equalTo(384));
    }

    @Test
    void servesEmbeddings() {
        EmbedResponse answer = models.embed(EmbedRequest.newBuilder().addTexts("My favorite color is blue.").build());

        assertThat(answer.getDimension()).isEqualTo(384);
        assertThat(answer.getEmbeddings(0).getValuesCount()).isEqualTo(384);
        assertThat(answer.getModelId()).startsWith("e5-small-v2-q.onnx@sha256:");
    }

    @Test
    void embedsQueriesAndPassagesEachWithTheModelsOwnPrefix() {
        String text = "What did Caroline adopt?";
        try (OnnxEmbedder e5 = new OnnxEmbedder(EmbeddingModel.E5_SMALL_V2_Q,
                OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 1, 256)) {
            float[] query = vector(models.embed(EmbedRequest.newBuilder().addTexts(text)
                    .setInputType(EmbedRequest.InputType.QUERY).build()));
            float[] passage = vector(models.embed(EmbedRequest.newBuilder().addTexts(text)
                    .setInputType(EmbedRequest.InputType.PASSAGE).build()));
            // A client from before input_type existed embedded everything as a passage.
            float[] unspecified = vector(models.embed(EmbedRequest.newBuilder().addTexts(text).build()));

            assertThat(cosine(query, e5.embedQuery(text))).isGreaterThan(0.9999);
            assertThat(cosine(passage, e5.embedPassage(text))).isGreaterThan(0.9999);
            assertThat(unspecified).isEqualTo(passage);
            assertThat(cosine(query, passage)).isLessThan(0.99);

            try (ModelServiceClient client = new ModelServiceClient(new ModelServiceClient.Settings(
                    "127.0.0.1:" + grpcPort, Duration.ofSeconds(30), 1, Duration.ofMillis(100), Duration.ofSeconds(1), 64, null),
                    new ModelServiceClient.Expectations(384, false))) {
                assertThat(client.embed(List.of(text), EmbeddingInput.QUERY).get(0)).isEqualTo(query);
                assertThat(client.embed(List.of(text), EmbeddingInput.PASSAGE).get(0)).isEqualTo(passage);
            }
        }
    }

    @Test
    void anUnknownInputTypeIsRefusedNamingTheField() {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, () -> models.embed(
                EmbedRequest.newBuilder().addTexts("hello").setInputTypeValue(7).build()));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).contains("input_type");
    }

    private static float[] vector(EmbedResponse answer) {
        float[] v = new float[answer.getEmbeddings(0).getValuesCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = answer.getEmbeddings(0).getValues(i);
        }
        return v;
    }


    @Test
    void turnsMemoryCallsAwayWithTheReason() {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> memory.addMemory(add(newUser(), user("hello", "2024-01-15T10:30:00"))));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(error.getStatus().getDescription()).isEqualTo("this instance runs lightmem.role=models and serves only "
                + "lightmem.v1.ModelService; send lightmem.v1.MemoryService calls to an instance in role api or all");
    }

    @Test
    void turnsFunctionAndMcpCallsAwayWithTheReason() {
        for (String path : new String[] {"/AddMemory", "/", "/mcp"}) {
            given().contentType("application/json").body("{}").when().post(path).then().statusCode(404)
                    .contentType("application/problem+json")
                    .body("code", equalTo("UNIMPLEMENTED"))
                    .body("detail", containsString("lightmem.role=models"));
        }
    }

    @Test
    void schedulesNoConsolidation() {
        assertThat(scheduler.getScheduledJobs()).extracting(Trigger::getId)
                .doesNotContain("lightmem-consolidation-every", "lightmem-consolidation-cron");
    }

    @Test
    void metricsHaveNoMessageLogGauge() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("lightmem_compression_failures"))
                .body(not(containsString("lightmem_message_log_pending")));
    }
}
