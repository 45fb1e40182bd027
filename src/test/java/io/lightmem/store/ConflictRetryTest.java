package io.lightmem.store;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A transaction PostgreSQL ends with "deadlock detected" is run again by the service
 * ({@link RetriedOnConflict}) instead of failing its call: two transactions lock the same two rows
 * in opposite orders, a real deadlock; the database aborts one, which then runs again and succeeds.
 */
@QuarkusTest
class ConflictRetryTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Inject
    RowLocker locker;

    @Test
    void aTransactionEndedByADeadlockIsRunAgainAndSucceeds() throws Exception {
        List<MemoryEntry> entries = memory.addMemory(add(newUser(), user("I keep bees.", "2024-01-01T08:00:00"),
                user("I sail on weekends.", "2024-01-02T08:00:00"))).getEntriesList();
        UUID a = UUID.fromString(entries.get(0).getId());
        UUID b = UUID.fromString(entries.get(1).getId());
        CyclicBarrier bothHoldTheirFirstRow = new CyclicBarrier(2);

        CompletableFuture<Void> ab = CompletableFuture.runAsync(() -> locker.lockInOrder(a, b, bothHoldTheirFirstRow));
        CompletableFuture<Void> ba = CompletableFuture.runAsync(() -> locker.lockInOrder(b, a, bothHoldTheirFirstRow));
        ab.get(60, TimeUnit.SECONDS);
        ba.get(60, TimeUnit.SECONDS);

        assertThat(locker.deadlocks()).as("deadlocks the database reported").isEqualTo(1);
        assertThat(locker.attempts()).as("two transactions, one run again").isEqualTo(3);
    }

    /** Locks two memory rows, one after the other, in one transaction. */
    @ApplicationScoped
    static class RowLocker {

        private final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger deadlocks = new AtomicInteger();
        private final AgroalDataSource dataSource;

        RowLocker(AgroalDataSource dataSource) {
            this.dataSource = dataSource;
        }

        public int attempts() {
            return attempts.get();
        }

        public int deadlocks() {
            return deadlocks.get();
        }

        @RetriedOnConflict
        @Transactional
        public void lockInOrder(UUID first, UUID second, CyclicBarrier meet) {
            // The two first attempts meet once both hold their first row; the attempt run again does not.
            boolean meetTheOther = attempts.incrementAndGet() <= 2;
            try (Connection connection = dataSource.getConnection()) {
                lock(connection, first);
                if (meetTheOther) {
                    meet.await(30, TimeUnit.SECONDS);
                }
                lock(connection, second);
            } catch (SQLException e) {
                StorageException failure = new StorageException("cannot lock", e);
                if (failure.conflict()) {
                    deadlocks.incrementAndGet();
                }
                throw failure;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static void lock(Connection connection, UUID id) throws SQLException {
            try (PreparedStatement lock = connection.prepareStatement(
                    "SELECT id FROM memory_entry WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, id);
                lock.executeQuery().close();
            }
        }
    }
}
