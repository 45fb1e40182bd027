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

    /** The user's total hit_time once it reaches {@code expected}, or what it is after a bounded wait. */
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
                "SELECT coalesce(sum(hit_time), 0) FROM memory_entry WHERE user_id = ?", userId).get(0));
    }
}
