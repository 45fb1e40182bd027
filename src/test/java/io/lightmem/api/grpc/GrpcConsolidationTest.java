package io.lightmem.api.grpc;

import static io.lightmem.testing.GrpcStatuses.assertStatus;
import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.ConsolidationAction;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.FlushRequest;
import io.lightmem.v1.FlushResponse;
import io.lightmem.v1.GetUsageRequest;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.MemoryChange;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.OfflineUpdateRequest;
import io.lightmem.v1.OfflineUpdateResponse;
import io.lightmem.v1.UndoChangeRequest;
import io.lightmem.v1.UndoChangeResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RPCs that need an LLM memory manager (scripted), as a gRPC client sees them: buffered turns
 * extracted by Flush and counted by GetUsage, and the consolidation cycle — ConstructUpdateQueue,
 * OfflineUpdate, ListHistory, UndoChange — each with the statuses of its errors.
 */
@QuarkusTest
@TestProfile(LlmProfile.class)
class GrpcConsolidationTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @InjectLlm
    ScriptedLlmServer llm;

    @BeforeEach
    void resetScript() {
        llm.reset();
    }

    @Test
    void bufferedTurnsAreExtractedByFlushAndTheirLlmCallsCounted() {
        String userId = newUser();
        AddMemoryResponse buffered = memory.addMemory(add(userId, user("I play the cello.", "2024-05-01T19:00:00")));
        assertThat(buffered.getEntriesList()).isEmpty();
        assertThat(buffered.getPendingMessages()).isEqualTo(1);
        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User plays the cello.\"}]}"));

        FlushResponse flushed = memory.flush(FlushRequest.newBuilder().setUserId(userId).build());

        assertThat(flushed.getEntriesList()).extracting(MemoryEntry::getMemory).containsExactly("User plays the cello.");
        assertThat(flushed.getPendingMessages()).isZero();
        assertThat(flushed.getLlmCalls()).isEqualTo(1);
        assertThat(memory.flush(FlushRequest.newBuilder().setUserId(userId).build()).getLlmCalls()).isZero();
        assertThat(memory.getUsage(GetUsageRequest.newBuilder().setUserId(userId).build()).getOperationsList())
                .singleElement().satisfies(extract -> {
                    assertThat(extract.getOperation()).isEqualTo("extract");
                    assertThat(extract.getCalls()).isEqualTo(1);
                    assertThat(extract.getTotalTokens()).isPositive();
                });
        assertStatus(() -> memory.flush(FlushRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, "user_id");
        assertStatus(() -> memory.getUsage(GetUsageRequest.newBuilder().setUserId("bad user id!").build()),
                Status.Code.INVALID_ARGUMENT, "user_id");
    }

    @Test
    void aMergeIsRecordedInHistoryAndCanBeUndoneOnce() {
        String userId = newUser();
        String coffee = remember(userId, "User likes coffee.", "2024-01-10T08:00:00");
        remember(userId, "User prefers cappuccino in the morning.", "2024-02-10T08:00:00");
        String merged = "User likes coffee, especially cappuccino in the morning.";
        llm.respond(ScriptedLlmServer.mergingInto("User likes coffee.", merged));

        assertThat(memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder().setUserId(userId).build())
                .getEntries()).isEqualTo(2);
        OfflineUpdateResponse run = memory.offlineUpdate(OfflineUpdateRequest.newBuilder().setUserId(userId)
                .setScoreThreshold(0.4).build());

        assertThat(run.getDecisionsList()).singleElement().satisfies(decision -> {
            assertThat(decision.getTargetId()).isEqualTo(coffee);
            assertThat(decision.getAction()).isEqualTo(ConsolidationAction.CONSOLIDATION_ACTION_UPDATE);
            assertThat(decision.getNewMemory()).isEqualTo(merged);
        });
        assertThat(run.getLlmCalls()).isEqualTo(1);
        long changeId = run.getDecisions(0).getChangeId();

        MemoryChange change = memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId).setMemoryId(coffee)
                .build()).getChanges(0);
        assertThat(change.getChangeId()).isEqualTo(changeId);
        assertThat(change.getOldMemory()).isEqualTo("User likes coffee.");
        assertThat(change.getNewMemory()).isEqualTo(merged);
        assertThat(change.getRunId()).isEqualTo(run.getRunId());
        assertThat(change.hasUndoneAt()).isFalse();

        UndoChangeResponse undone = memory.undoChange(UndoChangeRequest.newBuilder().setUserId(userId)
                .setChangeId(changeId).build());
        assertThat(undone.getEntry().getMemory()).isEqualTo("User likes coffee.");
        assertThat(undone.getChange().hasUndoneAt()).isTrue();

        assertStatus(() -> memory.undoChange(UndoChangeRequest.newBuilder().setUserId(userId).setChangeId(changeId)
                .build()), Status.Code.FAILED_PRECONDITION, "already undone");
        assertStatus(() -> memory.undoChange(UndoChangeRequest.newBuilder().setUserId(newUser()).setChangeId(changeId)
                .build()), Status.Code.NOT_FOUND, Long.toString(changeId));
        assertStatus(() -> memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId)
                .setMemoryId("not-a-uuid").build()), Status.Code.INVALID_ARGUMENT, "memory_id");
        assertStatus(() -> memory.offlineUpdate(OfflineUpdateRequest.newBuilder().setUserId(userId)
                .setScoreThreshold(1.5).build()), Status.Code.INVALID_ARGUMENT, "score_threshold");
        assertStatus(() -> memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder().setUserId(userId)
                .setTopK(5).setKeepTopN(6).build()), Status.Code.INVALID_ARGUMENT, "keep_top_n");
    }

    /** Stores one fact through AddMemory (the scripted extraction returns it); returns its id. */
    private String remember(String userId, String fact, String time) {
        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"" + fact + "\"}]}"));
        AddMemoryResponse added = memory.addMemory(add(userId, user(fact, time)).toBuilder().setForceExtract(true).build());
        assertThat(added.getEntriesList()).extracting(MemoryEntry::getMemory).containsExactly(fact);
        return added.getEntries(0).getId();
    }
}
