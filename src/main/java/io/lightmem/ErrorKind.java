package io.lightmem;

import java.time.Duration;

/**
 * The kinds of failure every protocol front reports the same way: gRPC maps them to statuses, plain
 * HTTP to status codes with a problem body, CloudEvents to error reply events, MCP to tool errors.
 * A new kind needs its status in each front (api.grpc.GrpcErrors, api.funqy.Problems) and a row in
 * the README's failure table; the compiler points at every switch that misses it.
 */
public enum ErrorKind {
    /** The request cannot be served as given; the message names the field. */
    INVALID_ARGUMENT(false, null),
    /** The request names something that does not exist in the caller's scope. */
    NOT_FOUND(false, null),
    /** Valid, but the system is not in a state to serve it (e.g. no LLM configured, change already undone). */
    FAILED_PRECONDITION(false, null),
    /**
     * Another operation holds what this one needs (a consolidation run of the same user, rows another
     * transaction locked and the service's own retries could not wait out); transient.
     */
    BUSY(true, Duration.ofSeconds(1)),
    /**
     * This instance cannot serve the call now: a backing service (the database, the model service) is
     * away or too slow, the instance is at capacity or shutting down; transient.
     */
    UNAVAILABLE(true, Duration.ofSeconds(1)),
    /** No credential, or one the service does not accept (unknown, revoked, expired, wrong issuer or audience). */
    UNAUTHENTICATED(false, null),
    /** A valid credential outside its rights: a scope it lacks, a user id outside its prefix, another tenant. */
    PERMISSION_DENIED(false, null),
    /** The credential used up its request rate; the same request may pass after the retry-after time. */
    RESOURCE_EXHAUSTED(true, Duration.ofSeconds(1)),
    /** A fault of the server: a bug. */
    INTERNAL(true, null);

    private final boolean retryable;
    private final Duration retryAfter;

    ErrorKind(boolean retryable, Duration retryAfter) {
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** Whether the same request may succeed later; false means retrying it is pointless. */
    public boolean retryable() {
        return retryable;
    }

    /**
     * For a transient failure, how long a client should wait before it retries (sent as Retry-After
     * and grpc-retry-pushback-ms); null for the others, INTERNAL included: a bug is not transient.
     */
    public Duration retryAfter() {
        return retryAfter;
    }
}
