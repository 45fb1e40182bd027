package io.lightmem.portability;

import static io.lightmem.testing.ConsolidationScript.DELETE;
import static io.lightmem.testing.ConsolidationScript.IGNORE;
import static io.lightmem.testing.ConsolidationScript.decisions;
import static io.lightmem.testing.ConsolidationScript.fact;
import static io.lightmem.testing.ConsolidationScript.update;
import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.Rows;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.ExportMemoriesResponse;
import io.lightmem.v1.ImportMemoriesResponse;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.MemoryChange;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.MutinyPortabilityServiceGrpc.MutinyPortabilityServiceStub;
import io.lightmem.v1.OfflineUpdateRequest;
import io.lightmem.v1.PortabilityServiceGrpc.PortabilityServiceBlockingStub;
import io.lightmem.v1.UndoChangeRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * History travels with the memories: after export, erasure and import, the user's recorded changes
 * are there, and undoing them restores the memories exactly as they were before consolidation —
 * including one that consolidation deleted, which the export carries for its history alone.
 */
@QuarkusTest
@TestProfile(LlmProfile.class)
class PortableHistoryTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @GrpcClient("lightmem")
    PortabilityServiceBlockingStub export;

    @GrpcClient("lightmem")
    MutinyPortabilityServiceStub portability;

    @InjectLlm
    ScriptedLlmServer llm;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void resetScript() {
        llm.reset();
    }

    @Test
    void undoAfterImportRestoresAnUpdatedAndADeletedMemoryExactlyAsBeforeConsolidation() {
        String userId = newUser();
        Consolidated consolidated = consolidate(userId);

        List<ExportMemoriesResponse> exported = exportAll(userId, true);
        erase(userId);
        ImportMemoriesResponse imported = importAll(userId, exported);

        assertThat(exported).hasSize(4);
        ExportMemoriesResponse deleted = exported.get(3);
        assertThat(deleted.getMemory().getId()).isEqualTo(consolidated.marathon());
        assertThat(deleted.getMemory().hasEntry()).as("deleted: carried for its history").isFalse();
        assertThat(imported.getImportedMemories()).isEqualTo(3);
        assertThat(imported.getImportedChanges()).isEqualTo(2);
        assertThat(imported.getEmbeddedVectors()).isZero();
        assertThat(history(userId)).isEqualTo(consolidated.history());
        undoAll(userId);
        assertThat(row(consolidated.sister())).isEqualTo(consolidated.sisterBefore());
        assertThat(row(consolidated.marathon())).isEqualTo(consolidated.marathonBefore());
    }

    @Test
    void withoutVectorsTheSnapshotsUndoRestoresAreEmbeddedAgainToo() {
        String userId = newUser();
        Consolidated consolidated = consolidate(userId);

        List<ExportMemoriesResponse> exported = exportAll(userId, false);
        erase(userId);
        ImportMemoriesResponse imported = importAll(userId, exported);

        // Three memories and the two states before a change.
        assertThat(imported.getEmbeddedVectors()).isEqualTo(5);
        undoAll(userId);
        assertThat(row(consolidated.marathon())).usingRecursiveComparison().ignoringFields("embedding")
                .isEqualTo(consolidated.marathonBefore());
    }

    // ---- helpers

    private record Consolidated(String sister, String marathon, Map<String, Object> sisterBefore,
            Map<String, Object> marathonBefore, List<String> history) {
    }

    /** Four memories; consolidation merges one pair into the older sister memory and deletes the older marathon one. */
    private Consolidated consolidate(String userId) {
        String sister = remember(userId, "User's sister Anna lives in Berlin.", "2024-01-01T10:00:00+01:00");
        remember(userId, "User's sister Anna lives in Berlin with her husband.", "2024-02-01T10:00:00+01:00");
        String marathon = remember(userId, "User is training for the Boston marathon.", "2024-01-05T10:00:00-05:00");
        remember(userId, "User is training for the Boston marathon in April.", "2024-03-05T10:00:00-05:00");
        Map<String, Object> sisterBefore = row(sister);
        Map<String, Object> marathonBefore = row(marathon);
        llm.respond(decisions(target -> target.contains("sister") ? update("User's sister Anna lives in Berlin with her husband.")
                : target.contains("marathon") ? DELETE : IGNORE));
        memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder().setUserId(userId).build());
        memory.offlineUpdate(OfflineUpdateRequest.newBuilder().setUserId(userId).build());
        List<String> history = history(userId);
        assertThat(history).hasSize(2);
        assertThat(row(marathon)).isNull();
        return new Consolidated(sister, marathon, sisterBefore, marathonBefore, history);
    }

    private String remember(String userId, String text, String time) {
        llm.enqueue(fact(text));
        return memory.addMemory(add(userId, user(text, time)).toBuilder().setForceExtract(true).build())
                .getEntries(0).getId();
    }

    /** The user's changes as a caller sees them, without the change and run ids (an instance's own numbers). */
    private List<String> history(String userId) {
        return memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId).build()).getChangesList().stream()
                .map(change -> change.toBuilder().clearChangeId().clearRunId().build().toString()).sorted().toList();
    }

    private void undoAll(String userId) {
        for (MemoryChange change : memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId).build())
                .getChangesList()) {
            memory.undoChange(UndoChangeRequest.newBuilder().setUserId(userId).setChangeId(change.getChangeId()).build());
        }
    }

    private void erase(String userId) {
        memory.deleteMemories(DeleteMemoriesRequest.newBuilder().setUserId(userId).setAll(true).build());
        assertThat(Rows.strings(dataSource, "SELECT count(*) FROM memory_history WHERE user_id = ?", userId))
                .containsExactly("0");
    }

    private List<ExportMemoriesResponse> exportAll(String userId, boolean withVectors) {
        return Transfers.exportAll(export, userId, withVectors);
    }

    private ImportMemoriesResponse importAll(String userId, List<ExportMemoriesResponse> exported) {
        return Transfers.importAll(portability, userId, exported);
    }

    private Map<String, Object> row(String id) {
        return Rows.memory(dataSource, id);
    }
}
