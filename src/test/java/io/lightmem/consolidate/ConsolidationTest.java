package io.lightmem.consolidate;

import static io.lightmem.testing.ConsolidationScript.DELETE;
import static io.lightmem.testing.ConsolidationScript.IGNORE;
import static io.lightmem.testing.ConsolidationScript.decisions;
import static io.lightmem.testing.ConsolidationScript.update;
import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static io.lightmem.testing.ScriptedLlmServer.Reply.httpError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.ConsolidationScript;
import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.Probes;
import io.lightmem.testing.Rows;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.testing.ScriptedLlmServer.Reply;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.ConsolidationAction;
import io.lightmem.v1.ConsolidationDecision;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.ListHistoryResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.OfflineUpdateRequest;
import io.lightmem.v1.OfflineUpdateResponse;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.UndoChangeRequest;
import io.lightmem.v1.UndoChangeResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Offline consolidation (docs/design.md, "Consolidation") with the openai memory manager against a scripted LLM. */
@QuarkusTest
@TestProfile(LlmProfile.class)
class ConsolidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @InjectLlm
    ScriptedLlmServer llm;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void resetScript() {
        llm.reset();
    }

    @Test
    void aNewerDetailIsMergedIntoTheOlderMemoryWhichIsReEmbeddedAndKeepsItsOldTextInHistory() throws Exception {
        String userId = newUser();
        String coffee = remember(userId, "User likes coffee.", "2024-01-10T08:00:00");
        remember(userId, "User prefers cappuccino with oat milk in the morning.", "2024-02-10T08:00:00");
        String merged = "User likes coffee, especially cappuccino with oat milk in the morning.";
        llm.respond(decisions(target -> target.contains("User likes coffee.") ? update(merged) : IGNORE));

        construct(userId);
        // The default model puts these two at a cosine of about 0.73: below its default threshold, 0.905.
        OfflineUpdateResponse run = offlineUpdate(userId, 0.4);

        assertThat(run.getDecisionsList()).singleElement().satisfies(decision -> {
            assertThat(decision.getTargetId()).isEqualTo(coffee);
            assertThat(decision.getAction()).isEqualTo(ConsolidationAction.CONSOLIDATION_ACTION_UPDATE);
            assertThat(decision.getNewMemory()).isEqualTo(merged);
        });
        assertThat(run.getLlmCalls()).isEqualTo(1);
        // The prompt lists the target and its newer source with their times.
        assertThat(ScriptedLlmServer.lastUserMessage(consolidationRequests().get(0))).contains(
                "[2024-01-10T08:00:00.000, Wed] User likes coffee.",
                "[2024-02-10T08:00:00.000, Sat] User prefers cappuccino with oat milk in the morning.");
        assertThat(memories(userId)).containsExactly(merged, "User prefers cappuccino with oat milk in the morning.");
        // Re-embedded: the stored vector is the merged text's, so a query about it finds it first.
        assertThat(distanceToText(coffee, merged)).isLessThan(1e-5);
        assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                .setQuery("Does the user like coffee?").setLimit(1).build()).getMemories(0).getEntry().getMemory())
                .isEqualTo(merged);
        ListHistoryResponse history = memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId)
                .setMemoryId(coffee).build());
        assertThat(history.getChangesList()).singleElement().satisfies(change -> {
            assertThat(change.getAction()).isEqualTo(ConsolidationAction.CONSOLIDATION_ACTION_UPDATE);
            assertThat(change.getOldMemory()).isEqualTo("User likes coffee.");
            assertThat(change.getNewMemory()).isEqualTo(merged);
            assertThat(change.hasUndoneAt()).isFalse();
            assertThat(change.getRunId()).isEqualTo(run.getRunId());
        });
        assertThat(usageRows(userId, "update")).isEqualTo(1);
    }

    @Test
    void aContradictedOlderMemoryIsDeletedAndTheNewerOneStays() {
        String userId = newUser();
        String newYork = remember(userId, "User lives in New York.", "2023-03-01T09:00:00");
        remember(userId, "User moved to San Francisco.", "2024-06-01T09:00:00");
        llm.respond(decisions(target -> target.contains("New York") ? DELETE : IGNORE));

        construct(userId);
        OfflineUpdateResponse run = offlineUpdate(userId, 0.4);

        assertThat(run.getDecisionsList()).extracting(ConsolidationDecision::getTargetId, ConsolidationDecision::getAction)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(newYork, ConsolidationAction.CONSOLIDATION_ACTION_DELETE));
        assertThat(memories(userId)).containsExactly("User moved to San Francisco.");
        assertThat(memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId).build()).getChangesList())
                .singleElement().satisfies(change -> {
                    assertThat(change.getMemoryId()).isEqualTo(newYork);
                    assertThat(change.getAction()).isEqualTo(ConsolidationAction.CONSOLIDATION_ACTION_DELETE);
                    assertThat(change.getOldMemory()).isEqualTo("User lives in New York.");
                });
    }

    @Test
    void unrelatedMemoriesCostNoLlmCall() {
        String userId = newUser();
        remember(userId, "User's dog is named Rex.", "2024-01-01T10:00:00");
        remember(userId, "User plays tennis every Sunday.", "2024-01-02T10:00:00");
        remember(userId, "User works as a nurse in Boston.", "2024-01-03T10:00:00");
        llm.reset();

        assertThat(construct(userId)).isEqualTo(3); // 0 + 1 + 2 older candidates
        OfflineUpdateResponse run = offlineUpdate(userId, null); // the default threshold, 0.8

        assertThat(run.getTargets()).isZero();
        assertThat(run.getLlmCalls()).isZero();
        assertThat(llm.requests()).isEmpty();
        assertThat(memories(userId)).hasSize(3);
    }

    @Test
    void aRunStoppedByLlmFailuresIsFinishedByTheNextRunWithoutRepeatingADecision() throws Exception {
        String interrupted = newUser();
        String uninterrupted = newUser();
        for (String userId : List.of(interrupted, uninterrupted)) {
            rememberNearDuplicates(userId);
            construct(userId);
        }
        Function<String, Reply> verdicts = target -> target.contains("sister") ? update("User's sister Anna lives in Berlin with her husband Tom.")
                : target.contains("marathon") ? DELETE : IGNORE;

        llm.reset();
        llm.respond(decisions(verdicts));
        OfflineUpdateResponse reference = offlineUpdate(uninterrupted, null);
        assertThat(reference.getTargets()).isEqualTo(4);
        assertThat(reference.getAbortedReason()).isEmpty();

        // The LLM answers two decisions, then fails every call (HTTP 500) and the run stops.
        llm.reset();
        AtomicInteger answered = new AtomicInteger();
        Function<JsonNode, Reply> decide = decisions(verdicts);
        llm.respond(request -> answered.incrementAndGet() <= 2 ? decide.apply(request) : httpError(500));
        OfflineUpdateResponse first = offlineUpdate(interrupted, null);
        assertThat(first.getAbortedReason()).contains("call failed");
        assertThat(first.getDecisionsCount()).isEqualTo(2);
        assertThat(first.getRemaining()).isEqualTo(2);

        llm.reset();
        llm.respond(decisions(verdicts));
        OfflineUpdateResponse second = offlineUpdate(interrupted, null);

        assertThat(second.getAbortedReason()).isEmpty();
        // A deleted target is no longer anyone's candidate, so it is not counted as already decided.
        long deletedFirst = first.getDecisionsList().stream()
                .filter(d -> d.getAction() == ConsolidationAction.CONSOLIDATION_ACTION_DELETE).count();
        assertThat(second.getAlreadyDecided()).isEqualTo(2 - deletedFirst);
        assertThat(second.getTargets()).isEqualTo(2);
        assertThat(consolidationRequests()).hasSize(2); // only what was left is asked
        assertThat(memoriesWithTimes(interrupted)).isEqualTo(memoriesWithTimes(uninterrupted));
        assertThat(decisionRows(interrupted)).isEqualTo(decisionRows(uninterrupted)).isEqualTo(4);
        assertThat(usageRows(interrupted, "update")).isEqualTo(usageRows(uninterrupted, "update")).isEqualTo(4);

        // Nothing changed since: a third run has nothing to ask.
        OfflineUpdateResponse third = offlineUpdate(interrupted, null);
        assertThat(third.getTargets()).isZero();
        assertThat(third.getAlreadyDecided()).isEqualTo(3); // the marathon target was deleted
        assertThat(consolidationRequests()).hasSize(2);
    }

    @Test
    void twoConcurrentRunsForOneUserDecideEachTargetOnce() throws Exception {
        String userId = newUser();
        rememberNearDuplicates(userId);
        construct(userId);
        llm.reset();
        Function<JsonNode, Reply> decide = decisions(target -> target.contains("marathon") ? DELETE
                : target.contains("sister") ? update("User's sister Anna lives in Berlin with her husband.") : IGNORE);
        llm.respond(request -> {
            sleep(150); // keep the first run busy while the second one arrives
            return decide.apply(request);
        });

        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = callers.submit(() -> offlineUpdate(userId, null));
            var second = callers.submit(() -> offlineUpdate(userId, null));
            OfflineUpdateResponse a = first.get();
            OfflineUpdateResponse b = second.get();

            assertThat(a.getDecisionsCount() + b.getDecisionsCount()).isEqualTo(4);
            assertThat(consolidationRequests()).hasSize(4);
            assertThat(decisionRows(userId)).isEqualTo(4);
            assertThat(memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId).build())
                    .getChangesCount()).isEqualTo(2); // one update, one delete: nothing applied twice
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aTargetDeletedWhileItIsBeingDecidedIsSkipped() {
        String userId = newUser();
        String older = remember(userId, "User's sister Anna lives in Berlin.", "2024-01-01T10:00:00");
        remember(userId, "User's sister Anna lives in Berlin with her husband.", "2024-02-01T10:00:00");
        construct(userId);
        llm.reset();
        // Another operation (e.g. an erasure) removes the target while the LLM is thinking about it.
        llm.respond(request -> {
            Rows.strings(dataSource, "DELETE FROM memory_entry WHERE id = ?::uuid RETURNING id", older);
            return update("User's sister Anna lives in Berlin with her husband.");
        });

        OfflineUpdateResponse run = offlineUpdate(userId, null);

        assertThat(run.getTargets()).isEqualTo(1);
        assertThat(run.getSkipped()).isEqualTo(1);
        assertThat(run.getDecisionsList()).isEmpty();
        assertThat(memories(userId)).containsExactly("User's sister Anna lives in Berlin with her husband.");
        assertThat(memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId).build()).getChangesList())
                .isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void undoRestoresAnUpdatedAndADeletedMemoryExactlyAndOnlyOnce() throws Exception {
        String userId = newUser();
        String sister = remember(userId, "User's sister Anna lives in Berlin.", "2024-01-01T10:00:00");
        remember(userId, "User's sister Anna lives in Berlin with her husband.", "2024-02-01T10:00:00");
        String marathon = remember(userId, "User is training for the Boston marathon.", "2024-01-05T10:00:00");
        remember(userId, "User is training for the Boston marathon in April.", "2024-03-05T10:00:00");
        memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("sister").setLimit(1).build());
        awaitHitsStored(userId, 1);
        Map<String, Object> sisterBefore = rowWithHits(sister);
        Map<String, Object> marathonBefore = rowWithHits(marathon);
        llm.respond(decisions(target -> target.contains("sister") ? update("User's sister Anna lives in Berlin with her husband.")
                : target.contains("marathon") ? DELETE : IGNORE));
        construct(userId);
        offlineUpdate(userId, null);
        assertThat(row(sister)).isNotEqualTo(sisterBefore);
        assertThat(row(marathon)).isNull();
        List<Long> changes = memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId).build())
                .getChangesList().stream().map(c -> c.getChangeId()).toList();
        assertThat(changes).hasSize(2);

        for (long changeId : changes) {
            UndoChangeResponse undone = memory.undoChange(UndoChangeRequest.newBuilder().setUserId(userId)
                    .setChangeId(changeId).build());
            assertThat(undone.getChange().hasUndoneAt()).isTrue();
        }

        // Every column, times, metadata, hit count and the vector, as before the change.
        assertThat(rowWithHits(sister)).isEqualTo(sisterBefore);
        assertThat(rowWithHits(marathon)).isEqualTo(marathonBefore);
        assertThatThrownBy(() -> memory.undoChange(UndoChangeRequest.newBuilder().setUserId(userId)
                .setChangeId(changes.get(0)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("already undone");
                });
        // Another user cannot see or undo these changes.
        assertThatThrownBy(() -> memory.undoChange(UndoChangeRequest.newBuilder().setUserId(newUser())
                .setChangeId(changes.get(0)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        // The restored memories are not decided again: the same questions were answered.
        llm.reset();
        assertThat(offlineUpdate(userId, null).getTargets()).isZero();
        assertThat(llm.requests()).isEmpty();
    }

    @Test
    void malformedDecisionsAreAskedAgainWithTheProblemStated() {
        String userId = newUser();
        remember(userId, "User's sister Anna lives in Berlin.", "2024-01-01T10:00:00");
        remember(userId, "User's sister Anna lives in Berlin with her husband.", "2024-02-01T10:00:00");
        construct(userId);
        llm.reset();
        llm.enqueue(answer("{\"action\": \"merge\", \"new_memory\": \"x\"}"),
                answer("{\"action\": \"update\", \"new_memory\": \"\"}"),
                answer("{\"action\": \"ignore\", \"new_memory\": \"\"}"));

        OfflineUpdateResponse run = offlineUpdate(userId, null);

        assertThat(run.getLlmCalls()).isEqualTo(3);
        assertThat(run.getDecisionsList()).extracting(ConsolidationDecision::getAction)
                .containsExactly(ConsolidationAction.CONSOLIDATION_ACTION_IGNORE);
        assertThat(ScriptedLlmServer.lastUserMessage(llm.requests().get(1))).contains("got \"merge\"");
        assertThat(ScriptedLlmServer.lastUserMessage(llm.requests().get(2))).contains("must be the merged statement");
        assertThat(usageRows(userId, "update")).isEqualTo(3);
    }

    // ---- helpers

    private List<JsonNode> consolidationRequests() {
        return llm.requests().stream().filter(ConsolidationScript::isConsolidation).toList();
    }

    /** Stores one memory through AddMemory (the scripted extraction returns it as the fact); returns its id. */
    private String remember(String userId, String fact, String time) {
        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"" + fact + "\"}]}"));
        AddMemoryResponse added = memory.addMemory(add(userId, user(fact, time)).toBuilder().setForceExtract(true).build());
        assertThat(added.getEntriesCount()).isEqualTo(1);
        return added.getEntries(0).getId();
    }

    /** Four older facts, each with a near-duplicate newer one (cosine above 0.8), unrelated to each other. */
    private void rememberNearDuplicates(String userId) {
        remember(userId, "User's sister Anna lives in Berlin.", "2024-01-01T10:00:00");
        remember(userId, "User is training for the Boston marathon.", "2024-01-02T10:00:00");
        remember(userId, "User's favorite book is Dune by Frank Herbert.", "2024-01-03T10:00:00");
        remember(userId, "User is allergic to peanuts.", "2024-01-04T10:00:00");
        remember(userId, "User's sister Anna lives in Berlin with her husband.", "2024-02-01T10:00:00");
        remember(userId, "User is training for the Boston marathon in April.", "2024-02-02T10:00:00");
        remember(userId, "User's favorite book is Dune, by Frank Herbert.", "2024-02-03T10:00:00");
        remember(userId, "User is severely allergic to peanuts.", "2024-02-04T10:00:00");
    }

    private int construct(String userId) {
        return memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder().setUserId(userId).build())
                .getQueueRows();
    }

    private OfflineUpdateResponse offlineUpdate(String userId, Double threshold) {
        OfflineUpdateRequest.Builder request = OfflineUpdateRequest.newBuilder().setUserId(userId);
        if (threshold != null) {
            request.setScoreThreshold(threshold);
        }
        return memory.offlineUpdate(request.build());
    }

    private List<String> memories(String userId) {
        return Rows.strings(dataSource, "SELECT memory FROM memory_entry WHERE user_id = ? ORDER BY float_time_stamp", userId);
    }

    private List<String> memoriesWithTimes(String userId) {
        return Rows.strings(dataSource, "SELECT time_stamp || ' ' || memory || ' ' || consolidated FROM memory_entry WHERE user_id = ?"
                + " ORDER BY float_time_stamp", userId);
    }

    private int decisionRows(String userId) {
        List<String> rows = Rows.strings(dataSource, "SELECT count(*) || '/' || count(DISTINCT target_id) FROM consolidation_decision"
                + " WHERE user_id = ?", userId);
        String[] counts = rows.get(0).split("/");
        assertThat(counts[0]).as("one decision per target").isEqualTo(counts[1]);
        return Integer.parseInt(counts[0]);
    }

    private int usageRows(String userId, String operation) {
        return Integer.parseInt(Rows.strings(dataSource, "SELECT count(*) FROM llm_usage WHERE user_id = ? AND operation = '"
                + operation + "' AND total_tokens > 0", userId).get(0));
    }

    /** The whole stored row, vector included (as text), or null when absent. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> row(String id) {
        return Rows.memory(dataSource, id);
    }

    /**
     * The row with hit_time as the memory's whole hit count: the row's own and memory_hit_count's (V15), which
     * an undo puts back together into the row.
     */
    private Map<String, Object> rowWithHits(String id) {
        Map<String, Object> row = new java.util.HashMap<>(row(id));
        row.put("hit_time", Rows.strings(dataSource, "SELECT (m.hit_time + COALESCE(c.hits, 0))::text FROM memory_entry m"
                + " LEFT JOIN memory_hit_count c ON c.id = m.id WHERE m.id = ?::uuid", id).get(0));
        return row;
    }

    /** Waits until the background writer stored the user's counted hits (every flush-interval, 1 s in tests). */
    private void awaitHitsStored(String userId, int hits) {
        assertThat(Probes.eventually(Duration.ofSeconds(30), () -> Rows.strings(dataSource,
                "SELECT COALESCE(SUM(c.hits), 0)::text FROM memory_hit_count c JOIN memory_entry m ON m.id = c.id"
                        + " WHERE m.user_id = ?", userId).get(0).equals(Integer.toString(hits))))
                .as("the hits of %s stored within 30 s", userId).isTrue();
    }

    @Inject
    io.lightmem.model.Embedder embedder;

    /** Largest per-dimension difference between the stored vector and a fresh embedding of {@code text}. */
    private double distanceToText(String id, String text) {
        float[] stored = parseVector(Rows.strings(dataSource, "SELECT embedding::text FROM memory_entry WHERE id = ?::uuid", id).get(0));
        float[] expected = embedder.embedPassage(text);
        assertThat(stored).hasSize(expected.length);
        double max = 0;
        for (int i = 0; i < stored.length; i++) {
            max = Math.max(max, Math.abs(stored[i] - expected[i]));
        }
        return max;
    }

    private static float[] parseVector(String text) {
        String[] parts = text.substring(1, text.length() - 1).split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Float.parseFloat(parts[i]);
        }
        return v;
    }

}
