package io.lightmem.model.remote;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.PackagedService;
import io.lightmem.v1.GetModelInfoRequest;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.ModelServiceGrpc;
import io.lightmem.v1.RetrieveRequest;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deployment of the GPU topology, from the packaged jar: an instance in role models (no
 * database) and an instance in role api whose models are that service; a real MemoryService
 * client talks to the api instance only.
 */
class SplitRolesIT {

    /** The model service's bootstrap key, which the api instance presents to it. */
    private static final String MODELS_KEY = "models-service-key-" + UUID.randomUUID();

    private PackagedService models;
    private PackagedService api;

    @AfterEach
    void stopBoth() throws InterruptedException {
        if (api != null) {
            api.close();
        }
        if (models != null) {
            models.close();
        }
    }

    @Test
    void theModelServiceDoesNotRateLimitTheApiInstancesThatCallIt() throws Exception {
        // An api instance's key carries the model calls of all its users (several per AddMemory); a
        // per-credential limit (100 at once, 50/s by default) made its adds fail under load.
        int modelsPort = PackagedService.freePort();
        models = PackagedService.startModels(modelsPort, MODELS_KEY, "split-roles-models");
        ManagedChannel channel = Credentials.channel(modelsPort, MODELS_KEY);
        try {
            var stub = ModelServiceGrpc.newBlockingStub(channel);
            for (int i = 0; i < 300; i++) {
                assertThat(stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getModelInfo(GetModelInfoRequest.getDefaultInstance()).getEmbeddingDimension())
                        .as("call %d", i).isEqualTo(384);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anApiInstanceStoresAndFindsMemoriesWithTheModelsOfAnotherInstance() throws Exception {
        int modelsPort = PackagedService.freePort();
        models = PackagedService.startModels(modelsPort, MODELS_KEY, "split-roles-models");
        api = PackagedService.start(Map.of(
                "lightmem.role", "api",
                "lightmem.models.endpoint", "127.0.0.1:" + modelsPort,
                "lightmem.models.api-key", MODELS_KEY,
                "lightmem.models.initial-backoff", "100ms"), "split-roles-api");
        String userId = newUser();

        withClient(memory -> {
            memory.addMemory(add(userId, user("My favorite color is blue.", "2024-01-15T10:30:00")));

            assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                    .setQuery("What is the user's favorite color?").build()).getFormattedList())
                    .containsExactly("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
        });
        assertThat(readiness(api)).isEqualTo(200);
        // The model service answers only callers with its key.
        ManagedChannel anonymous = Credentials.channel(modelsPort);
        try {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ModelServiceGrpc.newBlockingStub(anonymous).getModelInfo(GetModelInfoRequest.getDefaultInstance()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        } finally {
            anonymous.shutdownNow();
        }

        // The model service goes away: model calls fail clearly and write nothing; no fallback.
        models.kill();
        withClient(memory -> {
            StatusRuntimeException add = catchThrowableOfType(StatusRuntimeException.class,
                    () -> memory.addMemory(add(userId, user("I moved to Lisbon in March.", "2024-03-01T09:00:00"))));
            assertThat(add.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(add.getStatus().getDescription()).contains("model service at 127.0.0.1:" + modelsPort);

            StatusRuntimeException retrieve = catchThrowableOfType(StatusRuntimeException.class,
                    () -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("color").build()));
            assertThat(retrieve.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

            assertThat(memories(memory, userId)).containsExactly("My favorite color is blue.");
        });
        assertThat(readiness(api)).isEqualTo(503);

        // It comes back where the api instance expects it: the next call goes through.
        models = PackagedService.startModels(modelsPort, MODELS_KEY, "split-roles-models");
        withClient(memory -> {
            memory.addMemory(add(userId, user("I moved to Lisbon in March.", "2024-03-01T09:00:00")));

            assertThat(memories(memory, userId)).containsExactly("My favorite color is blue.",
                    "I moved to Lisbon in March.");
            assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("Where does the user live?")
                    .setLimit(1).build()).getFormattedList())
                    .containsExactly("2024-03-01T09:00:00.000 Fri I moved to Lisbon in March.");
        });
        assertThat(readiness(api)).isEqualTo(200);
    }

    private void withClient(java.util.function.Consumer<MemoryServiceBlockingStub> calls) throws InterruptedException {
        ManagedChannel channel = api.channel();
        try {
            calls.accept(MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static List<String> memories(MemoryServiceBlockingStub memory, String userId) {
        return memory.listMemories(ListMemoriesRequest.newBuilder().setUserId(userId).build()).getEntriesList().stream()
                .map(entry -> entry.getMemory()).toList();
    }

    private static int readiness(PackagedService service) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + service.httpPort()
                + "/q/health/ready").toURL().openConnection();
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(10000);
        return connection.getResponseCode();
    }
}
