package io.lightmem.faults;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.TestDatabase;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many more concurrent adds than the connection pool holds: each is either done or turned away at
 * once with UNAVAILABLE and a retry hint (load shedding), never failed inside the pool as an
 * internal error; retried, every add is stored exactly once.
 */
class PoolExhaustionIT {

    private static final int CALLS = 40;
    private static final Metadata.Key<String> PUSHBACK = Metadata.Key.of("grpc-retry-pushback-ms",
            Metadata.ASCII_STRING_MARSHALLER);

    @Test
    void callsBeyondThePoolAreShedAsRetryableAndEveryRetriedAddIsStoredOnce() throws Exception {
        // A pool of 4 connections (an add holds its user's lock on one while it writes on another), so 2
        // calls at once; a queue of 4, so that 40 calls arriving together are shed however fast the
        // machine serves the first (with the default queue of 50 that depended on the machine's speed).
        try (PackagedService service = PackagedService.start(Map.of("quarkus.datasource.jdbc.max-size", "4",
                "lightmem.admission.max-queued", "4"), "pool-exhaustion-it")) {
            ManagedChannel channel = service.channel();
            ExecutorService clients = Executors.newFixedThreadPool(CALLS);
            try {
                List<AddMemoryRequest> adds = new ArrayList<>();
                for (int i = 0; i < CALLS; i++) {
                    adds.add(AddMemoryRequest.newBuilder().setUserId(newUser()).setRequestId("add-" + i)
                            .addMessages(user("Note %d: the tide was low at dawn.".formatted(i), "2024-08-01T06:00:00"))
                            .build());
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> calls = new ArrayList<>();
                for (AddMemoryRequest add : adds) {
                    calls.add(clients.submit(() -> {
                        start.await();
                        int attempts = 0;
                        while (true) {
                            attempts++;
                            try {
                                MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                                        .addMemory(add);
                                return attempts;
                            } catch (StatusRuntimeException e) {
                                assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
                                        .isEqualTo(Status.Code.UNAVAILABLE);
                                assertThat(e.getTrailers().get(PUSHBACK)).as("retry hint").isNotNull();
                                Thread.sleep(Long.parseLong(e.getTrailers().get(PUSHBACK)) / 4);
                            }
                        }
                    }));
                }
                start.countDown();
                int shed = 0;
                for (Future<Integer> call : calls) {
                    shed += call.get(300, TimeUnit.SECONDS) > 1 ? 1 : 0;
                }
                long stored = 0;
                for (AddMemoryRequest add : adds) {
                    stored += TestDatabase.count("SELECT count(*) FROM message_log WHERE user_id = ?", add.getUserId());
                }
                System.out.printf("PoolExhaustionIT: %d adds, %d shed at first and retried, %d messages stored%n",
                        CALLS, shed, stored);
                assertThat(shed).as("calls turned away while the pool was busy").isPositive();
                assertThat(stored).isEqualTo(CALLS);
            } finally {
                clients.shutdownNow();
                channel.shutdownNow();
            }
        }
    }
}
