package io.lightmem;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/** The database failed; {@link #unavailable()} tells a caller whether retrying later may help. */
public final class StorageException extends LightMemException {

    private final boolean unavailable;

    public StorageException(String what, SQLException cause) {
        super(what + ": " + cause.getMessage(), cause);
        this.unavailable = isUnavailable(cause);
    }

    public boolean unavailable() {
        return unavailable;
    }

    /** Unavailable when retrying later may help; any other database error is a fault of the server. */
    @Override
    public ErrorKind kind() {
        return unavailable ? ErrorKind.UNAVAILABLE : ErrorKind.INTERNAL;
    }

    /**
     * Connection failures (SQLSTATE class 08), server shutdown (57P0x), too many connections
     * (53300), and the pool giving up waiting for a connection.
     */
    static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e instanceof SQLTransientException || String.valueOf(e.getMessage()).contains("Acquisition timeout");
        }
        return state.startsWith("08") || state.startsWith("57P") || state.equals("53300");
    }
}
