package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.testing.ScriptedLlmServer.Reply;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM, as Kubernetes and Knative send it to a pod they scale away: the call in flight (gRPC or
 * HTTP) finishes, with its memories stored, before the service exits; a new gRPC call is turned away
 * with UNAVAILABLE so the client retries it on another instance.
 */
class GracefulShutdownIT {

    private ScriptedLlmServer llm;
    private PackagedService service;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        llm = new ScriptedLlmServer();
        service = PackagedService.start(Map.of(
                "lightmem.memory-manager.model-name", "openai",
                "lightmem.memory-manager.configs.api-key", "sk-test",
                "lightmem.memory-manager.configs.base-url", llm.baseUrl()), "graceful-shutdown-it");
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow();
        service.kill();
        llm.close();
    }

    @Test
    void aCallInFlightAtSigtermFinishesWithItsMemoriesStoredAndNewCallsAreTurnedAway() throws Exception {
        // The LLM takes a while, so the call is still in flight when the signal arrives.
        llm.respond(request -> {
            sleep(Duration.ofSeconds(5));
            return Reply.answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User keeps bees.\"}]}");
        });
        CompletableFuture<AddMemoryResponse> call = CompletableFuture.supplyAsync(() -> memory()
                .addMemory(AddMemoryRequest.newBuilder().setUserId(newUser())
                        .addMessages(user("I keep bees in my garden.", "2024-06-01T09:00:00"))
                        .setForceExtract(true).build()));
        llm.awaitRequest(Duration.ofSeconds(30));

        service.terminate();

        Status refused = awaitRefusal();
        assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused.getDescription()).isEqualTo("this instance is shutting down; retry the call");
        AddMemoryResponse response = call.get(60, TimeUnit.SECONDS);
        assertThat(response.getEntriesList()).extracting(entry -> entry.getMemory()).containsExactly("User keeps bees.");
        assertThat(response.getDeferredReason()).isEmpty();
        assertThat(service.awaitExit(Duration.ofSeconds(60))).as("the service exits once the call is done").isTrue();
    }

    @Test
    void anHttpFunctionCallInFlightAtSigtermFinishesToo() throws Exception {
        llm.respond(request -> {
            sleep(Duration.ofSeconds(5));
            return Reply.answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User plays the oboe.\"}]}");
        });
        HttpRequest add = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/AddMemory"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"user_id": "%s", "force_extract": true, "messages": [
                          {"role": "user", "content": "I play the oboe.", "time_stamp": "2024-06-01T09:00:00"}]}"""
                        .formatted(newUser()))).build();
        CompletableFuture<HttpResponse<String>> call = HttpClient.newHttpClient()
                .sendAsync(add, HttpResponse.BodyHandlers.ofString());
        llm.awaitRequest(Duration.ofSeconds(30));

        service.terminate();

        HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("User plays the oboe.");
        assertThat(service.awaitExit(Duration.ofSeconds(60))).isTrue();
    }

    private MemoryServiceBlockingStub memory() {
        return MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** Calls GetTimestamp until the draining service turns it away; the status it answered. */
    private Status awaitRefusal() {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                memory().getTimestamp(GetTimestampRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                return e.getStatus();
            }
            assertThat(Instant.now()).as("a new call was turned away while draining").isBefore(deadline);
            sleep(Duration.ofMillis(20));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
