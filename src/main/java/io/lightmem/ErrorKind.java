package io.lightmem;

/**
 * The kinds of failure every protocol front reports the same way: gRPC maps them to statuses, plain
 * HTTP to status codes with a problem body, CloudEvents to error reply events.
 */
public enum ErrorKind {
    /** The request cannot be served as given; the message names the field. */
    INVALID_ARGUMENT(false),
    /** The request names something that does not exist in the caller's scope. */
    NOT_FOUND(false),
    /** Valid, but the system is not in a state to serve it (e.g. no LLM configured, change already undone). */
    FAILED_PRECONDITION(false),
    /** Another operation holds what this one needs (e.g. a consolidation run of the same user). */
    BUSY(true),
    /** A backing service (the database, the model service) cannot be reached. */
    UNAVAILABLE(true),
    /** A fault of the server. */
    INTERNAL(true);

    private final boolean retryable;

    ErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether the same request may succeed later; false means retrying it is pointless. */
    public boolean retryable() {
        return retryable;
    }
}
