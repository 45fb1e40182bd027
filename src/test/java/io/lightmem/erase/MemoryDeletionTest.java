package io.lightmem.erase;

import static io.lightmem.testing.Conversations.fiveFacts;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.GrpcStatuses.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.lightmem.testing.Rows;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.DeleteMemoriesResponse;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DeleteMemories: some memories by id, or everything a user left (erasure), and nothing of anyone else. */
@QuarkusTest
class MemoryDeletionTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Inject
    AgroalDataSource dataSource;

    private List<MemoryEntry> fiveMemories(String userId) {
        return memory.addMemory(fiveFacts(userId)).getEntriesList();
    }

    @Test
    void deletedMemoriesAreGoneAndTheOthersStay() {
        String userId = newUser();
        List<MemoryEntry> stored = fiveMemories(userId);

        DeleteMemoriesResponse deleted = memory.deleteMemories(DeleteMemoriesRequest.newBuilder().setUserId(userId)
                .addMemoryIds(stored.get(1).getId()).addMemoryIds(stored.get(3).getId()).build());

        assertThat(deleted.getDeletedMemories()).isEqualTo(2);
        assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("sister Porto bicycle")
                .setLimit(10).build()).getFormattedList())
                .hasSize(3).noneMatch(line -> line.contains("Porto") || line.contains("bicycle"));
    }

    @Test
    void erasingAUserLeavesNothingOfThemInAnyTableAndNothingOfOthersIsTouched() {
        String erased = newUser();
        String kept = newUser();
        MemoryEntry memoryOfErased = fiveMemories(erased).get(0);
        fiveMemories(kept);
        // A history row with the old text, as consolidation would have left it.
        Rows.strings(dataSource, """
                INSERT INTO memory_history (tenant_id, user_id, memory_id, action, old_memory, old_entry)
                SELECT tenant_id, user_id, id, 'delete', memory, to_jsonb(m) - 'embedding' FROM memory_entry m
                WHERE id = ?::uuid RETURNING change_id""", memoryOfErased.getId());

        DeleteMemoriesResponse response = memory.deleteMemories(DeleteMemoriesRequest.newBuilder()
                .setUserId(erased).setAll(true).build());

        assertThat(response.getDeletedMemories()).isEqualTo(5);
        assertThat(response.getDeletedMessages()).isEqualTo(5);
        // Every table that keeps something per user, so a table added later cannot be forgotten here.
        List<String> userTables = Rows.strings(dataSource, """
                SELECT table_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND column_name = ? AND table_name NOT LIKE 'flyway%'""",
                "user_id");
        assertThat(userTables).contains("memory_entry", "message_log", "add_request", "llm_usage");
        for (String table : userTables) {
            assertThat(count(table, erased)).as(table + " rows of the erased user").isZero();
        }
        assertThat(count("add_request", kept)).isEqualTo(1);
        assertThat(count("memory_entry", kept)).isEqualTo(5);
        assertThat(count("message_log", kept)).isEqualTo(5);
    }

    @Test
    void deleteNeedsExactlyOneOfIdsAndAll() {
        String userId = newUser();
        assertStatus(() -> memory.deleteMemories(DeleteMemoriesRequest.newBuilder().setUserId(userId).build()),
                Status.Code.INVALID_ARGUMENT, "memory_ids: name at least one memory");
        assertStatus(() -> memory.deleteMemories(DeleteMemoriesRequest.newBuilder().setUserId(userId).setAll(true)
                .addMemoryIds("00000000-0000-0000-0000-000000000000").build()),
                Status.Code.INVALID_ARGUMENT, "memory_ids: must be empty when all is set");
        assertStatus(() -> memory.deleteMemories(DeleteMemoriesRequest.newBuilder().setUserId(userId)
                .addMemoryIds("nope").build()), Status.Code.INVALID_ARGUMENT, "memory_ids[0]");
    }

    private int count(String table, String userId) {
        return Integer.parseInt(Rows.strings(dataSource, "SELECT count(*) FROM " + table + " WHERE user_id = ?", userId)
                .get(0));
    }
}
