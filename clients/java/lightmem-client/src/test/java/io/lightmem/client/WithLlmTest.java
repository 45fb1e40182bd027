package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.lightmem.client.testing.ScriptedChatServer;
import io.lightmem.client.testing.ServiceProcess;
import io.lightmem.client.testing.Users;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service with an LLM (a scripted one on loopback): the client returns extracted facts from the add,
 * usage counts the calls, and a consolidation run that finds the user busy ({@code ABORTED}) is retried
 * until the other run is done.
 */
class WithLlmTest {

    private static final Instant MONDAY = Instant.parse("2024-01-15T10:30:00Z");

    /** Released once a second attempt of a consolidation run has begun: the model then answers the first run. */
    private static final CountDownLatch secondAttempt = new CountDownLatch(1);

    private static ScriptedChatServer llm;
    private static ServiceProcess service;
    private static LightMemClient memory;

    @BeforeAll
    static void start() throws Exception {
        llm = new ScriptedChatServer(WithLlmTest::answer);
        service = ServiceProcess.start("llm", Map.of(
                "lightmem.memory-manager.model-name", "openai",
                "lightmem.memory-manager.configs.base-url", llm.baseUrl(),
                "lightmem.memory-manager.configs.api-key", "sk-scripted",
                "lightmem.consolidation.lock-timeout", "1s"));
        memory = service.client().build();
    }

    @AfterAll
    static void stop() throws Exception {
        memory.close();
        service.close();
        llm.close();
    }

    @Test
    void anAddThatExtractsReturnsTheFactsAndUsageCountsTheLlmCall() {
        String user = Users.fresh("extract");
        List<Message> turn = List.of(Message.user("My favorite color is blue.", MONDAY),
                Message.assistant("Blue is a great color!", MONDAY.plusSeconds(5)));

        AddResult added = memory.addMemory(user, turn, AddOptions.defaults().forceExtract(true));

        assertThat(added.llmCalls()).isEqualTo(1);
        assertThat(added.pendingMessages()).isZero();
        assertThat(added.deferredReason()).isEmpty();
        assertThat(added.memories()).singleElement().satisfies(fact -> {
            assertThat(fact.text()).isEqualTo("User's favorite color is blue.");
            assertThat(fact.originalText()).contains("My favorite color is blue.");
            assertThat(fact.formatted()).isEqualTo("2024-01-15T10:30:00.000 Mon User's favorite color is blue.");
        });
        assertThat(memory.retrieve(user, "What is the user's favorite color?", 3))
                .extracting(RetrievedMemory::formatted)
                .containsExactly("2024-01-15T10:30:00.000 Mon User's favorite color is blue.");
        assertThat(memory.getUsage(user)).singleElement().satisfies(usage -> {
            assertThat(usage.operation()).isEqualTo("extract");
            assertThat(usage.calls()).isEqualTo(1);
            assertThat(usage.totalTokens()).isPositive();
        });
        assertThat(memory.showInstance().memoryManager()).isEqualTo("openai");
    }

    @Test
    void withoutForceExtractTheTurnWaitsInTheBufferUntilFlushed() {
        String user = Users.fresh("buffer");

        AddResult added = memory.addMemory(user, List.of(Message.user("My favorite color is blue.", MONDAY)),
                AddOptions.defaults());
        FlushResult flushed = memory.flush(user);

        assertThat(added.memories()).isEmpty();
        assertThat(added.pendingMessages()).isEqualTo(1);
        assertThat(flushed.memories()).extracting(Memory::text).containsExactly("User's favorite color is blue.");
        assertThat(flushed.pendingMessages()).isZero();
    }

    @Test
    void aConsolidationRunThatFindsTheUserBusyIsRetriedUntilTheOtherRunEnds() throws Exception {
        String user = Users.fresh("busy");
        memory.addMemory(user, List.of(Message.user("I live in New York.", MONDAY)),
                AddOptions.defaults().forceExtract(true));
        memory.addMemory(user, List.of(Message.user("I moved to San Francisco.", MONDAY.plusSeconds(86_400))),
                AddOptions.defaults().forceExtract(true));
        memory.constructUpdateQueue(user);
        AtomicInteger attempts = new AtomicInteger();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", service.grpcPort()).usePlaintext()
                .build();
        ClientInterceptor countingAttempts = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                    Channel next) {
                if (attempts.incrementAndGet() == 2) {
                    secondAttempt.countDown();
                }
                return next.newCall(method, options);
            }
        };
        try (LightMemClient other = LightMemClient.builder()
                .channel(ClientInterceptors.intercept(channel, countingAttempts))
                .bearerToken(service.apiKey())
                .retryPolicy(new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(500), 2.0, 0.2))
                .build()) {
            // the first run holds the user's consolidation lock while the model takes its time
            CompletableFuture<OfflineUpdateResult> first = memory.offlineUpdateAsync(user, -1.0);
            llm.awaitRequestContaining("Target memory", Duration.ofSeconds(30));

            // the second waits lightmem.consolidation.lock-timeout (1 s), is ABORTED, retries; its second
            // attempt lets the model answer the first run, after which it gets the lock
            OfflineUpdateResult second = other.offlineUpdate(user, -1.0);

            assertThat(first.get(30, TimeUnit.SECONDS).decisions()).singleElement()
                    .satisfies(decision -> assertThat(decision.action()).isEqualTo(ConsolidationAction.IGNORE));
            assertThat(attempts.get()).isGreaterThanOrEqualTo(2);
            assertThat(second.alreadyDecided()).isEqualTo(1); // the first run's decision stands
        } finally {
            channel.shutdownNow();
        }
    }

    /** The model: facts for the extraction prompts, and consolidation decisions held until a second attempt began. */
    private static String answer(JsonNode request) {
        String prompt = ScriptedChatServer.prompt(request);
        if (prompt.contains("Target memory")) {
            try {
                secondAttempt.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "{\"action\": \"ignore\", \"new_memory\": \"\"}";
        }
        for (String[] fact : FACTS) {
            if (prompt.contains(fact[0])) {
                return "{\"data\": [{\"source_id\": 0, \"fact\": \"" + fact[1] + "\"}]}";
            }
        }
        return "{\"data\": []}";
    }

    private static final String[][] FACTS = {
        {"My favorite color is blue.", "User's favorite color is blue."},
        {"I live in New York.", "User lives in New York."},
        {"I moved to San Francisco.", "User moved to San Francisco."},
    };
}
