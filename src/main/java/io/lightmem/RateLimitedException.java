package io.lightmem;

import java.time.Duration;

/** The credential used up its request rate; {@link #retryAfter()} says when the next request may pass. */
public final class RateLimitedException extends LightMemException {

    private final Duration retryAfter;

    public RateLimitedException(String message, Duration retryAfter) {
        super(message, null);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds, at least 1: the unit of HTTP's Retry-After. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.RESOURCE_EXHAUSTED;
    }
}
