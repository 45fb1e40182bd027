package io.lightmem.faults;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.Rows;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.testing.ScriptedLlmServer.Reply;
import io.lightmem.testing.TestDatabase;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.OfflineUpdateRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 in the middle of an offline consolidation run: after a restart the run is done again and
 * ends exactly where an uninterrupted run of the same memories ends: the same memories, the same
 * history, one decision per target. No change is lost or applied twice.
 */
class KillDuringConsolidationIT {

    /**
     * Older facts, each with a newer near-duplicate: cosine 0.917-0.996 with the default model (BGE small v1.5
     * int8), above {@link #THRESHOLD}, which no two unrelated facts here reach.
     */
    private static final List<String> OLDER = List.of(
            "User's sister Anna lives in Berlin.",
            "User is training for the Boston marathon.",
            "User's favorite book is Dune by Frank Herbert.",
            "User is allergic to peanuts.",
            "User drives a blue Volvo estate.",
            "User's daughter Mia plays the violin.");
    private static final List<String> NEWER = List.of(
            "User's sister Anna lives in Berlin with her husband.",
            "User is training for the Boston marathon in April.",
            "User's favorite book is Dune, by Frank Herbert.",
            "User is severely allergic to peanuts.",
            "User drives a dark blue Volvo estate.",
            "User's daughter Mia plays the violin in a youth orchestra.");

    /** Explicit, not the model's 0.905: the marathon pair (0.917) is too close to it for an int8 model's drift. */
    private static final double THRESHOLD = 0.85;

    private ScriptedLlmServer llm;
    private PackagedService service;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void startLlm() throws Exception {
        llm = new ScriptedLlmServer();
    }

    @AfterEach
    void stop() throws Exception {
        channels.forEach(ManagedChannel::shutdownNow);
        if (service != null) {
            service.kill();
        }
        llm.close();
    }

    @Test
    void aRunKilledHalfwayEndsLikeAnUninterruptedOneOnceRunAgain() throws Exception {
        String interrupted = newUser();
        String uninterrupted = newUser();
        service = PackagedService.start(Map.of(), "kill-during-consolidation-it"); // verbatim memories, no LLM
        for (String userId : List.of(interrupted, uninterrupted)) {
            remember(userId);
        }
        service.close();

        startWithLlm();
        llm.respond(request -> {
            sleep(Duration.ofMillis(700)); // slow enough to kill the run between its decisions
            return decide(request);
        });
        construct(interrupted);
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> memory().offlineUpdate(
                OfflineUpdateRequest.newBuilder().setUserId(interrupted).setScoreThreshold(THRESHOLD).build()));
        awaitDecisionsApplied(interrupted, 2);
        service.kill(); // like kill -9, with decisions applied and others in flight
        assertThatThrownBy(() -> run.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        long appliedAtTheKill = decisions(interrupted);

        llm.respond(KillDuringConsolidationIT::decide);
        startWithLlm();
        memory().offlineUpdate(OfflineUpdateRequest.newBuilder().setUserId(interrupted).setScoreThreshold(THRESHOLD).build());
        construct(uninterrupted);
        memory().offlineUpdate(OfflineUpdateRequest.newBuilder().setUserId(uninterrupted).setScoreThreshold(THRESHOLD).build());

        System.out.printf("KillDuringConsolidationIT: %d decisions applied at the kill; after the rerun %d"
                + " decisions, %d history rows, %d memories (uninterrupted: %d, %d, %d)%n", appliedAtTheKill,
                decisions(interrupted), historyRows(interrupted), memoryCount(interrupted),
                decisions(uninterrupted), historyRows(uninterrupted), memoryCount(uninterrupted));
        assertThat(decisions(uninterrupted)).as("targets decided").isGreaterThanOrEqualTo(4);
        assertThat(appliedAtTheKill).as("the kill came in the middle of the run").isPositive()
                .isLessThan(decisions(uninterrupted));
        assertThat(memories(interrupted)).isEqualTo(memories(uninterrupted));
        assertThat(history(interrupted)).isEqualTo(history(uninterrupted));
        assertThat(decisions(interrupted)).isEqualTo(decisions(uninterrupted));
        assertThat(TestDatabase.count("SELECT count(*) - count(DISTINCT target_id) FROM consolidation_decision"
                + " WHERE user_id = ?", interrupted)).as("targets decided twice").isZero();
    }

    /** Merges the sister, marathon and violin facts, deletes the peanut one, ignores the rest. */
    private static Reply decide(JsonNode request) {
        if (!ScriptedLlmServer.systemMessage(request).contains("Decide what should happen to the target")) {
            return null;
        }
        String prompt = ScriptedLlmServer.lastUserMessage(request);
        String target = prompt.substring(0, prompt.indexOf("Newer memories"));
        Function<String, Reply> update = text -> Reply.answer("{\"action\": \"update\", \"new_memory\": \"" + text + "\"}");
        if (target.contains("Anna")) {
            return update.apply(NEWER.get(0));
        } else if (target.contains("marathon")) {
            return update.apply(NEWER.get(1));
        } else if (target.contains("violin")) {
            return update.apply(NEWER.get(5));
        } else if (target.contains("peanuts")) {
            return Reply.answer("{\"action\": \"delete\", \"new_memory\": \"\"}");
        }
        return Reply.answer("{\"action\": \"ignore\", \"new_memory\": \"\"}");
    }

    private void remember(String userId) {
        AddMemoryRequest.Builder add = AddMemoryRequest.newBuilder().setUserId(userId);
        for (int i = 0; i < OLDER.size(); i++) {
            add.addMessages(user(OLDER.get(i), "2024-01-%02dT10:00:00".formatted(i + 1)));
        }
        for (int i = 0; i < NEWER.size(); i++) {
            add.addMessages(user(NEWER.get(i), "2024-02-%02dT10:00:00".formatted(i + 1)));
        }
        assertThat(memory().addMemory(add.build()).getEntriesCount()).isEqualTo(OLDER.size() + NEWER.size());
    }

    private void construct(String userId) {
        memory().constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder().setUserId(userId).build());
    }

    private void startWithLlm() throws Exception {
        service = PackagedService.start(Map.of(
                "lightmem.memory-manager.model-name", "openai",
                "lightmem.memory-manager.configs.api-key", "sk-test",
                "lightmem.memory-manager.configs.base-url", llm.baseUrl(),
                // One decision at a time, so the kill falls between decisions of one run.
                "lightmem.consolidation.parallelism", "1"), "kill-during-consolidation-it");
    }

    private MemoryServiceBlockingStub memory() {
        ManagedChannel channel = service.channel();
        channels.add(channel);
        return MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    private static void awaitDecisionsApplied(String userId, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (decisions(userId) < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static long decisions(String userId) {
        return TestDatabase.count("SELECT count(*) FROM consolidation_decision WHERE user_id = ?", userId);
    }

    private static long historyRows(String userId) {
        return TestDatabase.count("SELECT count(*) FROM memory_history WHERE user_id = ?", userId);
    }

    private static long memoryCount(String userId) {
        return TestDatabase.count("SELECT count(*) FROM memory_entry WHERE user_id = ?", userId);
    }

    /** The user's memories, text and time, in time order. */
    private static List<String> memories(String userId) {
        return Rows.strings(TestDatabase.dataSource(),
                "SELECT time_stamp || ' ' || memory FROM memory_entry WHERE user_id = ? ORDER BY float_time_stamp", userId);
    }

    /** Each change: action, old text, new text, in the order of the memories' times. */
    private static List<String> history(String userId) {
        return Rows.strings(TestDatabase.dataSource(), "SELECT h.action || ' | ' || h.old_memory || ' | '"
                + " || coalesce(h.new_memory, '') FROM memory_history h WHERE h.user_id = ? ORDER BY h.old_memory", userId);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
