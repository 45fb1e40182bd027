package io.lightmem.client;

import java.time.Duration;
import java.util.Objects;

/**
 * When the client repeats a call that failed with a transient status ({@code UNAVAILABLE}: the service
 * restarting, its database briefly away, the connection lost; {@code ABORTED}: the user busy in another
 * call). The wait before attempt n+1 is {@code initialBackoff × multiplier^(n-1)}, at most
 * {@code maxBackoff}, spread by ±{@code jitter} so that clients failed together do not return together.
 * Every attempt of a call shares the call's deadline: no retry starts that the deadline would cut off.
 *
 * @param maxAttempts attempts per call, the first included (1 = never retry)
 * @param jitter fraction of the wait randomized, in [0, 1]
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
        double jitter) {

    private static final RetryPolicy DEFAULTS = new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(5), 2.0,
            0.2);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff
                    + " and " + maxBackoff);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1], got " + jitter);
        }
    }

    /** 6 attempts, waits from 200 ms doubling up to 5 s, ±20 %: about 6 s of waiting in all, enough for a restart. */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** Every call is tried once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0);
    }

    /**
     * The wait before the next attempt after {@code failedAttempts} attempts failed.
     *
     * @param random a uniformly distributed number in [0, 1) choosing where in the jitter range the wait falls
     */
    public Duration backoff(int failedAttempts, double random) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, got " + failedAttempts);
        }
        double base = Math.min(maxBackoff.toNanos(),
                initialBackoff.toNanos() * Math.pow(multiplier, failedAttempts - 1));
        double spread = base * jitter * (2 * random - 1);
        return Duration.ofNanos(Math.round(Math.max(0, base + spread)));
    }
}
