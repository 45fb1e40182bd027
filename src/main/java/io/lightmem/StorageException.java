package io.lightmem;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Locale;

/**
 * The database failed. Its {@link #kind()} says whether retrying may help (docs/fault-tolerance.md,
 * "Which failures are transient"): the database away or too slow is {@link ErrorKind#UNAVAILABLE},
 * a conflict with concurrent work that outlasted the service's own retries is {@link ErrorKind#BUSY},
 * anything else a fault of the server.
 */
public final class StorageException extends LightMemException {

    private final ErrorKind kind;
    private final boolean conflict;

    public StorageException(String what, SQLException cause) {
        super(what + ": " + cause.getMessage(), cause);
        this.kind = kindOf(cause);
        String state = cause.getSQLState();
        this.conflict = SERIALIZATION_FAILURE.equals(state) || DEADLOCK_DETECTED.equals(state);
    }

    /** A deadlock or serialization failure: the transaction was rolled back and may simply be run again. */
    public boolean conflict() {
        return conflict;
    }

    @Override
    public ErrorKind kind() {
        return kind;
    }

    private static final String SERIALIZATION_FAILURE = "40001";
    private static final String DEADLOCK_DETECTED = "40P01";
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final String QUERY_CANCELED = "57014";
    private static final String IDLE_IN_TRANSACTION_TIMEOUT = "25P03";

    /**
     * By SQLSTATE (PostgreSQL's appendix A): connection failures (class 08), server shutdown or
     * restart (57P0x), insufficient resources (class 53: too many connections, disk or memory full),
     * a statement or session cut off by the timeouts (57014, 25P03) and the pool giving up waiting for
     * a connection are UNAVAILABLE; transaction conflicts (class 40) and lock timeouts (55P03) are
     * BUSY; everything else (a constraint, a syntax error) is a bug.
     */
    static ErrorKind kindOf(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            return e instanceof SQLTransientException || message.contains("acquisition timeout")
                    ? ErrorKind.UNAVAILABLE : ErrorKind.INTERNAL;
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || state.equals(QUERY_CANCELED) || state.equals(IDLE_IN_TRANSACTION_TIMEOUT)) {
            return ErrorKind.UNAVAILABLE;
        }
        if (state.startsWith("40") || state.equals(LOCK_NOT_AVAILABLE)) {
            return ErrorKind.BUSY;
        }
        return ErrorKind.INTERNAL;
    }
}
