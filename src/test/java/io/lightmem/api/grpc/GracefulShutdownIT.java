package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.Probes;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.testing.ScriptedLlmServer.Reply;
import io.lightmem.testing.TestDatabase;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM, as Kubernetes and Knative send it to a pod they scale away: the call in flight (gRPC or
 * HTTP) finishes, with its memories stored, before the service exits; a new call is turned away
 * before it runs (gRPC UNAVAILABLE, HTTP 503) so the client retries it on another instance.
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
        channel = service.channel();
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
                .header("Authorization", "Bearer " + service.apiKey())
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

    @Test
    void httpCallsArrivingAfterSigtermAreTurnedAwayBeforeTheyRun() throws Exception {
        // A slow call in flight keeps the service draining for a while.
        llm.respond(request -> {
            sleep(Duration.ofSeconds(4));
            return Reply.answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User sails.\"}]}");
        });
        // HTTP/1.1, as brokers and most clients speak it. (Over h2c the JDK client fails a request on a
        // connection that received GOAWAY instead of sending it again, JDK-8335181.)
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        Instant[] inFlightDone = {Instant.MAX};
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(addRequest(newUser(), true),
                HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> inFlightDone[0] = Instant.now());
        llm.awaitRequest(Duration.ofSeconds(30));

        service.terminate();
        // The signal is taken once readiness says DOWN (or, at the latest, after a moment).
        Probes.eventually(Duration.ofSeconds(2),
                () -> Probes.get(service.httpPort(), "/q/health/ready", Duration.ofSeconds(3)) == 503);

        List<String> acknowledged = new ArrayList<>();
        List<String> turnedAway = new ArrayList<>();
        List<String> cutOff = new ArrayList<>();
        List<Instant> cutOffAt = new ArrayList<>();
        Instant until = Instant.now().plusSeconds(30);
        while (service.isAlive() && Instant.now().isBefore(until)) {
            String userId = newUser();
            try {
                HttpResponse<String> response = http.send(addRequest(userId, false), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    acknowledged.add(userId);
                } else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    assertThat(response.body()).contains("\"code\":\"UNAVAILABLE\"");
                    turnedAway.add(userId);
                }
            } catch (java.net.ConnectException e) {
                turnedAway.add(userId); // the port is closed: nothing was sent
            } catch (java.io.IOException e) {
                cutOff.add(userId + ": " + e);
                cutOffAt.add(Instant.now());
            }
            sleep(Duration.ofMillis(50));
        }

        HttpResponse<String> finished = inFlight.get(60, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(service.awaitExit(Duration.ofSeconds(60))).isTrue();
        assertThat(acknowledged).as("calls run after SIGTERM").isEmpty();
        assertThat(turnedAway).as("calls turned away while draining").isNotEmpty();
        // While the call in flight ran, every new call got a whole answer. A call can still meet the
        // moment the server closes its port at the very end (a connection the kernel accepted just
        // before): that one was never run, as nothing it sent was stored.
        assertThat(cutOffAt).as("calls cut off while the service drained: " + cutOff)
                .allMatch(at -> at.isAfter(inFlightDone[0]));
        for (String userId : acknowledged) {
            assertThat(storedMessages(userId)).as("acknowledged " + userId).isEqualTo(1);
        }
        for (String userId : turnedAway) {
            assertThat(storedMessages(userId)).as("turned away " + userId).isZero();
        }
        for (String call : cutOff) {
            assertThat(storedMessages(call.substring(0, call.indexOf(':')))).as("cut off " + call).isZero();
        }
    }

    private HttpRequest addRequest(String userId, boolean forceExtract) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/AddMemory"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + service.apiKey())
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"user_id": "%s", "force_extract": %s, "messages": [
                          {"role": "user", "content": "I sail on weekends.", "time_stamp": "2024-06-01T09:00:00"}]}"""
                        .formatted(userId, forceExtract))).build();
    }

    private static long storedMessages(String userId) {
        return TestDatabase.count("SELECT count(*) FROM message_log WHERE user_id = ?", userId);
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
