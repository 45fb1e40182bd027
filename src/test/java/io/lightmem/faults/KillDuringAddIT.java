package io.lightmem.faults;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.TestDatabase;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.FlushRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * kill -9 while clients add memories: every add a client retries (same request_id) until it is
 * acknowledged, across the kill and the restart, ends up stored exactly once, message and memory;
 * nothing acknowledged is lost. Clients retry only what the README says to retry.
 */
class KillDuringAddIT {

    private static final int CLIENTS = 4;
    private static final int ADDS_PER_CLIENT = 40;
    /** What a client may meet around a restart and retries: the instance away or shutting down. */
    private static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.ABORTED,
            Status.Code.DEADLINE_EXCEEDED);

    @Test
    void everyAcknowledgedAddIsStoredExactlyOnceAcrossAKill() throws Exception {
        List<String> users = List.of(newUser(), newUser());
        int grpcPort = PackagedService.freePort();
        int httpPort = PackagedService.freePort();
        // The same ports and key after the restart, so the clients' channel reaches the new process.
        String key = "kill-during-add-" + UUID.randomUUID();
        Map<String, String> ports = Map.of("quarkus.grpc.server.port", Integer.toString(grpcPort),
                "quarkus.http.port", Integer.toString(httpPort), "lightmem.auth.bootstrap-key", key);
        AtomicReference<PackagedService> service = new AtomicReference<>(PackagedService.start(ports, "kill-during-add-it"));
        ManagedChannel channel = Credentials.channel(grpcPort, key);
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    for (int i = 0; i < ADDS_PER_CLIENT; i++) {
                        String text = "Client %d note %d: the %s heron came back.".formatted(client, i, i % 2 == 0 ? "grey" : "white");
                        AddMemoryRequest add = AddMemoryRequest.newBuilder().setUserId(users.get(client % users.size()))
                                .setRequestId("client-%d-add-%d".formatted(client, i))
                                .addMessages(user(text, "2024-07-01T%02d:%02d:00".formatted(client, i))).build();
                        retried.addAndGet(addUntilAcknowledged(channel, add));
                        acknowledged.incrementAndGet();
                    }
                    return null;
                }));
            }
            awaitAcknowledged(acknowledged, CLIENTS * ADDS_PER_CLIENT / 3);
            service.get().kill(); // like kill -9, while the clients are adding
            int atTheKill = acknowledged.get();
            service.set(PackagedService.start(ports, "kill-during-add-it"));
            for (Future<?> client : running) {
                client.get(300, TimeUnit.SECONDS);
            }
            for (String userId : users) {
                // Messages accepted just before the kill and not yet made memories are processed now.
                MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .flush(FlushRequest.newBuilder().setUserId(userId).build());
            }

            int expected = CLIENTS * ADDS_PER_CLIENT;
            long messages = 0;
            long distinctMessages = 0;
            long memories = 0;
            long distinctMemories = 0;
            for (String userId : users) {
                messages += TestDatabase.count("SELECT count(*) FROM message_log WHERE user_id = ?", userId);
                distinctMessages += TestDatabase.count("SELECT count(DISTINCT content) FROM message_log WHERE user_id = ?",
                        userId);
                memories += TestDatabase.count("SELECT count(*) FROM memory_entry WHERE user_id = ?", userId);
                distinctMemories += TestDatabase.count("SELECT count(DISTINCT memory) FROM memory_entry WHERE user_id = ?",
                        userId);
            }
            System.out.printf("KillDuringAddIT: %d acknowledged (%d before the kill, %d retries), %d messages stored"
                    + " (%d distinct), %d memories (%d distinct)%n", acknowledged.get(), atTheKill, retried.get(), messages,
                    distinctMessages, memories, distinctMemories);
            assertThat(atTheKill).as("the kill came while clients were adding").isLessThan(expected);
            assertThat(acknowledged.get()).isEqualTo(expected);
            assertThat(messages).as("messages stored").isEqualTo(expected);
            assertThat(distinctMessages).isEqualTo(expected);
            assertThat(memories).as("memories stored").isEqualTo(expected);
            assertThat(distinctMemories).isEqualTo(expected);
        } finally {
            clients.shutdownNow();
            channel.shutdownNow();
            service.get().close();
        }
    }

    /** Sends the add until it is acknowledged, retrying retryable failures; returns the retries. */
    private static int addUntilAcknowledged(ManagedChannel channel, AddMemoryRequest add) throws InterruptedException {
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(180));
        for (int retries = 0;; retries++) {
            try {
                MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).addMemory(add);
                return retries;
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isIn(RETRYABLE);
                assertThat(Instant.now()).as("acknowledged in time").isBefore(giveUp);
                channel.resetConnectBackoff(); // the restarted service is there as soon as it listens
                Thread.sleep(200);
            }
        }
    }

    private static void awaitAcknowledged(AtomicInteger acknowledged, int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (acknowledged.get() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
    }
}
