package io.lightmem.consolidate;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Conversations;
import io.lightmem.testing.Rows;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.ConstructUpdateQueueResponse;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.Message;
import io.lightmem.v1.OfflineUpdateRequest;
import io.lightmem.v1.UndoChangeRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Queue construction (docs/design.md, "Consolidation", step 1) and the consolidation RPCs' contract, with the default
 * `none` manager.
 */
@QuarkusTest
class UpdateQueueTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Inject
    AgroalDataSource dataSource;

    private static final String[] FACTS = {
        "I like coffee.", "I drink cappuccino with oat milk.", "My sister lives in Berlin.",
        "I moved to San Francisco.", "I used to live in New York.", "My dog is called Rex.",
        "Rex is a golden retriever.", "I play tennis on Sundays.", "I drink espresso after lunch.",
        "My sister Anna visited me in San Francisco.", "I work as a nurse.", "Tennis keeps me fit.",
    };

    private String storeTwelveFactsAtDistinctTimes() {
        String userId = newUser();
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < FACTS.length; i++) {
            messages.add(user(FACTS[i], "2024-01-%02dT09:00:00".formatted(i + 1)));
        }
        memory.addMemory(add(userId, messages.toArray(Message[]::new)));
        return userId;
    }

    @Test
    void eachEntryQueuesItsMostSimilarOlderEntriesNeverANewerOne() {
        String userId = storeTwelveFactsAtDistinctTimes();

        ConstructUpdateQueueResponse built = memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder()
                .setUserId(userId).setTopK(5).setKeepTopN(3).build());

        assertThat(built.getEntries()).isEqualTo(12);
        // Entry i has i older entries: 0 + 1 + 2 + 3 + 3 * 8.
        assertThat(built.getQueueRows()).isEqualTo(30);
        assertThat(count("""
                SELECT count(*) FROM update_queue q
                JOIN memory_entry e ON e.id = q.entry_id JOIN memory_entry c ON c.id = q.candidate_id
                WHERE q.user_id = ? AND c.float_time_stamp >= e.float_time_stamp""", userId)).isZero();
        // The stored score is 1 - cosine distance, and ranks follow it, best first.
        assertThat(count("""
                SELECT count(*) FROM update_queue q
                JOIN memory_entry e ON e.id = q.entry_id JOIN memory_entry c ON c.id = q.candidate_id
                WHERE q.user_id = ? AND abs(q.score - (1 - (c.embedding <=> e.embedding))) > 1e-5""", userId)).isZero();
        assertThat(count("""
                SELECT count(*) FROM update_queue a JOIN update_queue b ON a.entry_id = b.entry_id AND a.rank < b.rank
                WHERE a.user_id = ? AND a.score < b.score""", userId)).isZero();
        // The kept candidates are the best older ones: no older entry outside the queue scores higher.
        assertThat(count("""
                SELECT count(*) FROM memory_entry e JOIN memory_entry c
                  ON c.user_id = e.user_id AND c.float_time_stamp < e.float_time_stamp
                WHERE e.user_id = ?
                  AND NOT EXISTS (SELECT 1 FROM update_queue q WHERE q.entry_id = e.id AND q.candidate_id = c.id)
                  AND 1 - (c.embedding <=> e.embedding) >
                      (SELECT min(score) + 1e-5 FROM update_queue q WHERE q.entry_id = e.id)""", userId)).isZero();
        // "I drink espresso after lunch." queues the coffee facts before unrelated ones.
        assertThat(Rows.strings(dataSource, """
                SELECT c.memory FROM update_queue q JOIN memory_entry e ON e.id = q.entry_id
                JOIN memory_entry c ON c.id = q.candidate_id
                WHERE q.user_id = ? AND e.memory = 'I drink espresso after lunch.' ORDER BY q.rank LIMIT 2""", userId))
                .containsExactlyInAnyOrder("I like coffee.", "I drink cappuccino with oat milk.");
    }

    @Test
    void rebuildingReplacesTheQueueInsteadOfAddingToIt() {
        String userId = storeTwelveFactsAtDistinctTimes();
        memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder().setUserId(userId).build());

        ConstructUpdateQueueResponse again = memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder()
                .setUserId(userId).setTopK(2).setKeepTopN(1).build());

        assertThat(again.getQueueRows()).isEqualTo(11);
        assertThat(count("SELECT count(*) FROM update_queue WHERE user_id = ?", userId)).isEqualTo(11);
    }

    @Inject
    ConsolidationScheduler scheduler;

    @Test
    void theSchedulerPicksUsersWhoseEntriesChangedSinceTheirLastRun() {
        String userId = storeTwelveFactsAtDistinctTimes();
        assertThat(scheduler.usersDue(null, Integer.MAX_VALUE)).contains(Conversations.owner(userId));

        scheduler.consolidate(Conversations.owner(userId)); // what a tick does per user (without an LLM: the queues only)

        assertThat(count("SELECT count(*) FROM update_queue WHERE user_id = ?", userId)).isEqualTo(65); // keep-top-n 10: 0 + 1 + … + 9 + 10 + 10
        assertThat(scheduler.usersDue(null, Integer.MAX_VALUE)).doesNotContain(Conversations.owner(userId));
        memory.addMemory(add(userId, user("I started learning Portuguese.", "2024-02-01T09:00:00")));
        assertThat(scheduler.usersDue(null, Integer.MAX_VALUE)).contains(Conversations.owner(userId));
    }

    @Test
    void offlineUpdateNeedsAnLlm() {
        String userId = storeTwelveFactsAtDistinctTimes();

        assertThatThrownBy(() -> memory.offlineUpdate(OfflineUpdateRequest.newBuilder().setUserId(userId).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("memory manager is 'none'");
                });
    }

    @Test
    void invalidParametersAreRejectedNamingTheField() {
        assertThat(code(() -> memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder()
                .setUserId(newUser()).setTopK(5).setKeepTopN(6).build()))).contains("keep_top_n");
        assertThat(code(() -> memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder()
                .setUserId(newUser()).setTopK(-1).build()))).contains("top_k");
        assertThat(code(() -> memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder()
                .setUserId("").build()))).contains("user_id");
        assertThat(code(() -> memory.offlineUpdate(OfflineUpdateRequest.newBuilder()
                .setUserId(newUser()).setScoreThreshold(1.5).build()))).contains("score_threshold");
        assertThat(code(() -> memory.listHistory(ListHistoryRequest.newBuilder()
                .setUserId(newUser()).setMemoryId("not-a-uuid").build()))).contains("memory_id");
        assertThat(code(() -> memory.undoChange(UndoChangeRequest.newBuilder()
                .setUserId(newUser()).build()))).contains("change_id");
    }

    @Test
    void undoingAnUnknownChangeIsNotFound() {
        assertThatThrownBy(() -> memory.undoChange(UndoChangeRequest.newBuilder().setUserId(newUser())
                .setChangeId(Long.MAX_VALUE).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    /** The description of the INVALID_ARGUMENT status the call fails with. */
    private static String code(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            return e.getStatus().getDescription();
        }
        throw new AssertionError("the call succeeded");
    }

    private int count(String sql, String userId) {
        return Integer.parseInt(Rows.strings(dataSource, sql, userId).get(0));
    }

}
