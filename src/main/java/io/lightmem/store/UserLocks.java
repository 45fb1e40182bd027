package io.lightmem.store;

import io.lightmem.BusyException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Per-user mutual exclusion across all instances: a transaction-scoped PostgreSQL advisory lock on
 * a namespaced key, released by the database when the holder's transaction ends, even if its JVM dies.
 * The namespaces keep ingest and consolidation from blocking each other.
 */
public final class UserLocks {

    /** Serializes the processing of one user's buffered messages, so none is extracted twice. */
    public static final String INGEST = "lightmem.ingest:";

    /** Serializes consolidation runs (queue construction, decisions) of one user. */
    public static final String CONSOLIDATE = "lightmem.consolidate:";

    /** SQLSTATE lock_not_available: lock_timeout expired. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private UserLocks() {
    }

    /**
     * Takes the lock in {@code connection}'s open transaction (auto-commit off), waiting up to {@code timeout}.
     *
     * @throws BusyException when another holder keeps it longer than the timeout
     */
    public static void lock(Connection connection, String namespace, String userId, Duration timeout)
            throws SQLException {
        try (PreparedStatement setTimeout = connection.prepareStatement("SELECT set_config('lock_timeout', ?, true)");
                PreparedStatement lock = connection.prepareStatement(
                        "SELECT pg_advisory_xact_lock(hashtextextended(? || ?, 0))")) {
            setTimeout.setString(1, timeout.toMillis() + "ms");
            setTimeout.execute();
            lock.setString(1, namespace);
            lock.setString(2, userId);
            lock.execute();
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new BusyException("another " + namespace + " operation of this user held its lock longer than "
                        + timeout.toSeconds() + " s; retry when it has finished");
            }
            throw e;
        }
    }
}
