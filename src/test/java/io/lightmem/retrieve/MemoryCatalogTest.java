package io.lightmem.retrieve;

import static io.lightmem.testing.Conversations.fiveFacts;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.GrpcStatuses.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.lightmem.v1.GetMemoryRequest;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.ListMemoriesResponse;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stored memories looked up: one by its id, only in its owner's scope; all of a user's, page by page. */
@QuarkusTest
class MemoryCatalogTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    private List<MemoryEntry> fiveMemories(String userId) {
        return memory.addMemory(fiveFacts(userId)).getEntriesList();
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
}
