package io.lightmem.model.remote;

import java.time.Duration;

/**
 * Exponential backoff between retries: {@code initial} before the first retry, doubled for each
 * next one, capped at {@code max}, then scaled by a jitter factor in [0.8, 1.2) so that many API
 * instances retrying after the same outage do not hit the model service in step.
 */
record Backoff(Duration initial, Duration max) {

    Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got " + initial + " and " + max);
        }
    }

    /**
     * The wait before retry number {@code retry} (1 = the first retry).
     *
     * @param random a uniform number in [0, 1)
     */
    Duration before(int retry, double random) {
        long base = initial.toNanos();
        for (int i = 1; i < retry && base < max.toNanos(); i++) {
            base *= 2;
        }
        base = Math.min(base, max.toNanos());
        return Duration.ofNanos((long) (base * (0.8 + 0.4 * random)));
    }
}
