package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.BusyException;
import io.lightmem.StorageException;
import io.lightmem.memory.Owner;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Per-user mutual exclusion across all instances: PostgreSQL advisory locks on namespaced keys,
 * held by a transaction of a connection that does nothing else while the work runs in transactions
 * of its own, so the work's progress commits as it goes and the database releases the locks when
 * the holder ends, even if its JVM dies (docs/design.md, "Concurrency").
 */
@ApplicationScoped
public class UserLock {

    /** What a lock serializes; the namespaces keep ingest and consolidation from blocking each other. */
    public enum Namespace {
        /** The processing of one user's buffered messages, so none is extracted twice. */
        INGEST("lightmem.ingest:"),
        /** Consolidation runs (queue construction, decisions) of one user. */
        CONSOLIDATE("lightmem.consolidate:");

        private final String prefix;

        Namespace(String prefix) {
            this.prefix = prefix;
        }
    }

    /** SQLSTATE lock_not_available: lock_timeout expired. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final AgroalDataSource dataSource;

    public UserLock(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code work} while holding the user's lock of {@code namespace}.
     *
     * @throws BusyException when another holder keeps the lock longer than {@code timeout}
     */
    public <T> T underLock(Namespace namespace, Owner owner, Duration timeout, Supplier<T> work) {
        return underLocks(Set.of(namespace), owner, timeout, work);
    }

    /** Runs {@code work} while holding all the user's locks of {@code namespaces}, taken in a fixed order. */
    public <T> T underLocks(Set<Namespace> namespaces, Owner owner, Duration timeout, Supplier<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            // The pool does not restore a connection's socket timeout: this one's goes back as it came.
            int socketTimeout = connection.getNetworkTimeout();
            try {
                holdWithoutIdleTimeout(connection, timeout);
                for (Namespace namespace : Namespace.values()) {
                    if (namespaces.contains(namespace)) {
                        lock(connection, namespace, owner, timeout);
                    }
                }
                return work.get();
            } finally {
                connection.rollback();
                if (connection.getNetworkTimeout() != socketTimeout) {
                    connection.setNetworkTimeout(Runnable::run, socketTimeout);
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot take the user's lock", e);
        }
    }

    /**
     * The holder's transaction stays idle while the work runs, for as long as the work takes (LLM
     * calls included): the database must not end it (idle_in_transaction_session_timeout), or the lock
     * would go while the work goes on. If this process dies, its connection closes and the lock goes
     * with it; if its host vanishes, the server's TCP keepalive probes (application.properties) end
     * the session within about a minute. Waiting for the lock may take up to {@code timeout}, longer
     * than the statement and socket timeouts of ordinary calls allow: both are raised for this
     * connection, the statement timeout for this transaction only, the socket timeout until
     * {@link #underLocks} puts it back.
     */
    private static void holdWithoutIdleTimeout(Connection connection, Duration timeout) throws SQLException {
        Duration statement = timeout.plusSeconds(5);
        try (PreparedStatement settings = connection.prepareStatement(
                "SELECT set_config('idle_in_transaction_session_timeout', '0', true),"
                        + " set_config('statement_timeout', ?, true)")) {
            settings.setString(1, statement.toMillis() + "ms");
            settings.execute();
        }
        int socket = (int) statement.plusSeconds(5).toMillis();
        if (connection.getNetworkTimeout() != 0 && connection.getNetworkTimeout() < socket) {
            connection.setNetworkTimeout(Runnable::run, socket);
        }
    }

    private static void lock(Connection connection, Namespace namespace, Owner owner, Duration timeout)
            throws SQLException {
        try (PreparedStatement setTimeout = connection.prepareStatement("SELECT set_config('lock_timeout', ?, true)");
                PreparedStatement lock = connection.prepareStatement(
                        "SELECT pg_advisory_xact_lock(hashtextextended(? || ? || '/' || ?, 0))")) {
            setTimeout.setString(1, timeout.toMillis() + "ms");
            setTimeout.execute();
            lock.setString(1, namespace.prefix);
            // '/' appears in neither id, so no two owners share a key.
            lock.setString(2, owner.tenantId());
            lock.setString(3, owner.userId());
            lock.execute();
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new BusyException("another " + namespace.prefix + " operation of this user held its lock longer"
                        + " than " + timeout.toSeconds() + " s; retry when it has finished");
            }
            throw e;
        }
    }
}
