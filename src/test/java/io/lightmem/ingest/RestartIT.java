package io.lightmem.ingest;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.testing.ScriptedLlmServer.Reply;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.FlushRequest;
import io.lightmem.v1.FlushResponse;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Killing the packaged service in the middle of a conversation, or of an extraction, loses nothing:
 * the buffered messages wait in PostgreSQL, and the restarted service makes exactly the extraction
 * calls an uninterrupted one makes.
 */
class RestartIT {

    private static final List<String> TURNS = List.of(
            "I just signed up for a pottery class that starts next Tuesday.",
            "My sister Ana is visiting from Porto for the whole of June.",
            "We plan to hike the Seven Hanging Valleys trail together.",
            "I have been learning Portuguese on my commute every morning.",
            "My cat Miso knocked my favourite mug off the desk yesterday.",
            "I finally finished reading The Left Hand of Darkness.",
            "Work has been busy because we are launching the new app in July.",
            "I am thinking about adopting a second cat to keep Miso company.");

    private ScriptedLlmServer llm;
    private PackagedService service;
    private int grpcPort;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void startLlm() throws IOException {
        llm = new ScriptedLlmServer();
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        channels.forEach(ManagedChannel::shutdownNow);
        if (service != null) {
            service.kill();
        }
        llm.close();
    }

    /** A channel to the running service, closed after the test. */
    private ManagedChannel channel() {
        ManagedChannel channel = service.channel();
        channels.add(channel);
        return channel;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aKilledServiceContinuesTheConversationExactlyWhereItStopped() throws Exception {
        String interrupted = newUser();
        String uninterrupted = newUser();

        start();
        int bufferedAtTheKill = addTurns(interrupted, 0, 5);
        assertThat(bufferedAtTheKill).as("messages waiting in the buffer when the service dies").isPositive();
        service.kill(); // like kill -9: no shutdown hooks
        start();
        addTurns(interrupted, 5, TURNS.size());
        List<String> promptsAcrossTheRestart = prompts();

        llm.reset();
        addTurns(uninterrupted, 0, TURNS.size());
        List<String> promptsInOneRun = prompts();

        assertThat(promptsInOneRun).isNotEmpty();
        assertThat(promptsInOneRun.size()).isLessThan(TURNS.size()); // turns were batched, not one call each
        assertThat(promptsAcrossTheRestart).isEqualTo(promptsInOneRun);
    }

    @Test
    void aServiceKilledInTheMiddleOfAnExtractionExtractsTheBatchOnceAfterItsRestart() throws Exception {
        String userId = newUser();
        CountDownLatch killed = new CountDownLatch(1);
        llm.respond(request -> {
            await(killed); // still thinking when the process dies
            return null;
        });
        start();
        MemoryServiceBlockingStub memory = MemoryServiceGrpc.newBlockingStub(channel());
        CompletableFuture<AddMemoryResponse> call = CompletableFuture.supplyAsync(() -> memory
                .withDeadlineAfter(60, TimeUnit.SECONDS).addMemory(AddMemoryRequest.newBuilder().setUserId(userId)
                        .addMessages(user(TURNS.get(1), "2024-06-02T09:00:00")).setForceExtract(true).build()));
        llm.awaitRequest(Duration.ofSeconds(30));

        service.kill(); // like kill -9, while the batch is with the LLM
        killed.countDown();
        assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        llm.reset();
        llm.enqueue(Reply.answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User's sister Ana visits in June.\"}]}"));
        start();
        FlushResponse flushed = MemoryServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                .flush(FlushRequest.newBuilder().setUserId(userId).build());

        assertThat(flushed.getEntriesList()).extracting(entry -> entry.getMemory())
                .containsExactly("User's sister Ana visits in June.");
        assertThat(flushed.getPendingMessages()).isZero();
        assertThat(MemoryServiceGrpc.newBlockingStub(channel()).listMemories(ListMemoriesRequest.newBuilder()
                .setUserId(userId).build()).getEntriesCount()).isEqualTo(1);
        assertThat(llm.requests()).hasSize(1);
    }

    /** Adds the turns one call each; returns the pending message count after the last. */
    private int addTurns(String userId, int from, int to) {
        ManagedChannel channel = service.channel();
        try {
            MemoryServiceBlockingStub memory = MemoryServiceGrpc.newBlockingStub(channel);
            int pending = 0;
            for (int i = from; i < to; i++) {
                pending = memory.withDeadlineAfter(30, TimeUnit.SECONDS).addMemory(AddMemoryRequest.newBuilder()
                        .setUserId(userId)
                        .addMessages(user(TURNS.get(i), "2024-06-%02dT09:00:00".formatted(i + 1)))
                        .setForceExtract(i == TURNS.size() - 1)
                        .build()).getPendingMessages();
            }
            return pending;
        } finally {
            channel.shutdownNow();
        }
    }

    /** The extraction prompts the scripted LLM received, in order; they hold only message text, no user id. */
    private List<String> prompts() {
        List<String> prompts = new ArrayList<>();
        for (JsonNode request : llm.requests()) {
            prompts.add(ScriptedLlmServer.lastUserMessage(request));
        }
        return prompts;
    }

    private void start() throws Exception {
        service = PackagedService.start(Map.of(
                // A small budget so eight short turns make several batches.
                "lightmem.extract-threshold", "40",
                "lightmem.memory-manager.model-name", "openai",
                "lightmem.memory-manager.configs.api-key", "sk-test",
                "lightmem.memory-manager.configs.base-url", llm.baseUrl()), "restart-it");
        grpcPort = service.grpcPort();
    }
}
