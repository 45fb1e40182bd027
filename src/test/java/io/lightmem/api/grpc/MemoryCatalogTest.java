package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Rows;
import io.lightmem.testing.TestDatabase;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.DeleteMemoriesResponse;
import io.lightmem.v1.GetMemoryRequest;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.ListMemoriesResponse;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The product surface around retrieval: get one memory, list them all, delete some, erase a user. */
@QuarkusTest
class MemoryCatalogTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    final DataSource dataSource = TestDatabase.dataSource();

    private List<MemoryEntry> fiveMemories(String userId) {
        AddMemoryResponse added = memory.addMemory(add(userId,
                user("I run every morning.", "2024-01-01T07:00:00"),
                user("My sister lives in Porto.", "2024-01-02T07:00:00"),
                user("I am learning the cello.", "2024-01-03T07:00:00"),
                user("I bought a red bicycle.", "2024-01-04T07:00:00"),
                user("I work night shifts.", "2024-01-05T07:00:00")).toBuilder().setRequestId("five-memories").build());
        return added.getEntriesList();
    }

    @Test
    void aMemoryIsFoundByItsIdOnlyInItsOwnersScope() {
        String owner = newUser();
        MemoryEntry stored = fiveMemories(owner).get(1);

        assertThat(memory.getMemory(GetMemoryRequest.newBuilder().setUserId(owner).setMemoryId(stored.getId()).build())
                .getEntry().getMemory()).isEqualTo("My sister lives in Porto.");
        assertStatus(() -> memory.getMemory(GetMemoryRequest.newBuilder().setUserId(newUser())
                .setMemoryId(stored.getId()).build()), Status.Code.NOT_FOUND, "does not exist");
        assertStatus(() -> memory.getMemory(GetMemoryRequest.newBuilder().setUserId(owner).setMemoryId("42").build()),
                Status.Code.INVALID_ARGUMENT, "memory_id: '42' is not a memory id");
    }

    @Test
    void listingPagesThroughEveryMemoryInTimeOrderWithoutCountingHits() {
        String userId = newUser();
        List<MemoryEntry> stored = fiveMemories(userId);

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = "";
        do {
            ListMemoriesResponse page = memory.listMemories(ListMemoriesRequest.newBuilder().setUserId(userId)
                    .setPageSize(2).setPageToken(token).build());
            page.getEntriesList().forEach(e -> seen.add(e.getId()));
            pageSizes.add(page.getEntriesCount());
            assertThat(page.getEntriesList()).allMatch(e -> e.getHitTime() == 0);
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(pageSizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyElementsOf(stored.stream().map(MemoryEntry::getId).toList());
        assertStatus(() -> memory.listMemories(ListMemoriesRequest.newBuilder().setUserId(userId)
                .setPageToken("not-a-token").build()), Status.Code.INVALID_ARGUMENT, "page_token");
        assertStatus(() -> memory.listMemories(ListMemoriesRequest.newBuilder().setUserId(userId)
                .setPageSize(1001).build()), Status.Code.INVALID_ARGUMENT, "page_size");
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

    /** Asserts that the call fails with this status and a description containing the message. */
    static void assertStatus(Runnable call, Status.Code code, String message) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).as("expected " + code).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(code);
        assertThat(error.getStatus().getDescription()).contains(message);
    }
}
