package io.lightmem.retrieve;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.ListMemoriesResponse;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Large memories make neither Retrieve nor ListMemories answer more than a default gRPC client takes
 * (4 MiB): Retrieve returns the best ones that fit and says it truncated, ListMemories ends its pages
 * early and its tokens still reach every memory once.
 */
@QuarkusTest
class ResponseSizeTest {

    /** What a default gRPC client accepts (the one here is one). */
    static final int DEFAULT_CLIENT_LIMIT = 4 << 20;
    static final int MEMORIES = 40;
    static final int CHARACTERS = 100_000;

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Test
    void largeMemoriesArePagedOrTruncatedToFitADefaultClient() {
        String userId = newUser();
        // Two such messages per call: a call carries at most 262,144 characters of content.
        for (int batch = 0; batch < MEMORIES / 2; batch++) {
            AddMemoryRequest.Builder add = AddMemoryRequest.newBuilder().setUserId(userId);
            for (int i = 0; i < 2; i++) {
                int n = batch * 2 + i;
                add.addMessages(user("Beekeeping note " + n + ": " + "the hive is calm and the honey is sweet. "
                        .repeat(CHARACTERS / 41), String.format("2024-01-%02dT10:%02d:00", 1 + batch, i)));
            }
            memory.addMemory(add.build());
        }

        RetrieveResponse retrieved = memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                .setQuery("beekeeping hive honey").setLimit(MEMORIES).build());
        assertThat(retrieved.getTruncated()).isTrue();
        assertThat(retrieved.getMemoriesCount()).isBetween(1, MEMORIES - 1);
        assertThat(retrieved.getFormattedCount()).isEqualTo(retrieved.getMemoriesCount());
        assertThat(retrieved.getSerializedSize()).isLessThan(DEFAULT_CLIENT_LIMIT);
        RetrieveResponse few = memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                .setQuery("beekeeping hive honey").setLimit(3).build());
        assertThat(few.getTruncated()).isFalse();
        assertThat(few.getMemoriesCount()).isEqualTo(3);

        Set<String> seen = new HashSet<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = "";
        do {
            ListMemoriesResponse page = memory.listMemories(ListMemoriesRequest.newBuilder().setUserId(userId)
                    .setPageSize(1000).setPageToken(token).build());
            assertThat(page.getSerializedSize()).isLessThan(DEFAULT_CLIENT_LIMIT);
            pageSizes.add(page.getEntriesCount());
            page.getEntriesList().stream().map(MemoryEntry::getId).forEach(id -> assertThat(seen.add(id)).isTrue());
            token = page.getNextPageToken();
        } while (!token.isEmpty() && pageSizes.size() < MEMORIES);
        assertThat(seen).hasSize(MEMORIES);
        assertThat(pageSizes).hasSizeGreaterThan(1);
    }
}
