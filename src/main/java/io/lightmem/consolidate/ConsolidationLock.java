package io.lightmem.consolidate;

import io.agroal.api.AgroalDataSource;
import io.lightmem.config.LightMemConfig;
import io.lightmem.store.StorageException;
import io.lightmem.store.UserLocks;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs work while holding the user's consolidation lock, so two runs of one user (on any instance)
 * never decide at the same time. The lock lives in a transaction of its own connection that does
 * nothing else; the work commits in its own transactions, so progress survives a crash.
 */
@ApplicationScoped
public class ConsolidationLock {

    private final AgroalDataSource dataSource;
    private final Duration timeout;

    public ConsolidationLock(AgroalDataSource dataSource, LightMemConfig config) {
        this.dataSource = dataSource;
        this.timeout = config.consolidation().lockTimeout();
    }

    /** @throws io.lightmem.BusyException when another run keeps the lock past lightmem.consolidation.lock-timeout */
    public <T> T underLock(String userId, Supplier<T> work) {
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try {
                UserLocks.lock(lock, UserLocks.CONSOLIDATE, userId, timeout);
                return work.get();
            } finally {
                lock.rollback();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot take the consolidation lock", e);
        }
    }
}
