package io.lightmem.retrieve;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.lightmem.testing.Rows;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many clients retrieving one user's memories at once: every call succeeds (the hit counts they
 * cause are applied off the request path, in one ordered writer, so reads never wait on or deadlock
 * with each other), and every returned memory is counted exactly once in the end.
 */
@QuarkusTest
class ConcurrentRetrievalTest {

    private static final int MEMORIES = 120;
    private static final int CLIENTS = 8;
    private static final int CALLS_PER_CLIENT = 8;
    private static final List<String> QUERIES = List.of("pottery", "my sister", "the cat", "hiking trails",
            "what did I read", "work launch", "languages", "coffee");

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void concurrentRetrievesOfOneUserAllSucceedAndEveryHitIsCountedOnce() throws Exception {
        String userId = newUser();
        AddMemoryRequest.Builder add = AddMemoryRequest.newBuilder().setUserId(userId);
        for (int i = 0; i < MEMORIES; i++) {
            add.addMessages(user("Note %d about %s and day %d.".formatted(i, QUERIES.get(i % QUERIES.size()), i),
                    "2024-02-%02dT09:%02d:00".formatted(1 + i % 28, i % 60)));
        }
        assertThat(memory.addMemory(add.build()).getEntriesCount()).isEqualTo(MEMORIES);

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Integer>> returned = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Callable<Integer> calls = () -> {
                    int entries = 0;
                    for (int i = 0; i < CALLS_PER_CLIENT; i++) {
                        RetrieveResponse found = memory.withDeadlineAfter(60, TimeUnit.SECONDS)
                                .retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                                        .setQuery(QUERIES.get((client + i) % QUERIES.size())).setLimit(100).build());
                        entries += found.getMemoriesCount();
                    }
                    return entries;
                };
                returned.add(clients.submit(calls));
            }
            int total = 0;
            for (Future<Integer> client : returned) {
                total += client.get(120, TimeUnit.SECONDS); // throws if any call failed
            }
            assertThat(total).isEqualTo(CLIENTS * CALLS_PER_CLIENT * 100);
            assertThat(awaitCountedHits(userId, total)).as("hits counted in the database").isEqualTo(total);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void countingHitsNeverRewritesTheMemoryRows() throws Exception {
        String userId = newUser();
        AddMemoryRequest.Builder add = AddMemoryRequest.newBuilder().setUserId(userId);
        for (int i = 0; i < 5; i++) {
            add.addMessages(user("Note %d about %s.".formatted(i, QUERIES.get(i)), "2024-02-01T09:0%d:00".formatted(i)));
        }
        memory.addMemory(add.build());
        // A row's physical place and writing transaction: both change when the row is rewritten.
        String versions = "SELECT string_agg(ctid::text || '/' || xmin::text, ',' ORDER BY id) FROM memory_entry WHERE user_id = ?";
        String before = Rows.strings(dataSource, versions, userId).get(0);

        int returned = memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("pottery").build())
                .getMemoriesCount();

        assertThat(awaitCountedHits(userId, returned)).isEqualTo(returned);
        // A rewritten memory row would also add a new entry to the vector index for each hit (V15).
        assertThat(Rows.strings(dataSource, versions, userId).get(0)).isEqualTo(before);
    }

    /** The user's total hit count once it reaches {@code expected}, or what it is after a bounded wait. */
    private long awaitCountedHits(String userId, long expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        long counted;
        while ((counted = countedHits(userId)) < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        return counted;
    }

    private long countedHits(String userId) {
        return Long.parseLong(Rows.strings(dataSource,
                "SELECT coalesce(sum(m.hit_time + coalesce(h.hits, 0)), 0) FROM memory_entry m"
                        + " LEFT JOIN memory_hit_count h ON h.id = m.id WHERE m.user_id = ?", userId).get(0));
    }
}
