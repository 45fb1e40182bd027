package io.lightmem.auth;

import io.lightmem.RateLimitedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-credential request rate on this instance: a token bucket per credential id, refilled at
 * lightmem.auth.rate-limit.requests-per-second up to burst. With N replicas a credential gets up to N
 * times the rate; the limit is there to keep one caller from starving the others, not to bill.
 */
@ApplicationScoped
public class RateLimiter {

    /** Buckets kept at most; beyond it, full (idle) buckets are dropped, which forgets nothing that matters. */
    static final int MAX_BUCKETS = 10_000;

    private final double perSecond;
    private final int burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(AuthConfig config) {
        this.perSecond = config.rateLimit().requestsPerSecond();
        this.burst = config.rateLimit().burst();
    }

    /** @throws RateLimitedException when the caller's bucket is empty, saying when the next request may pass */
    public void admit(Caller caller) {
        if (perSecond <= 0) {
            return;
        }
        if (buckets.size() > MAX_BUCKETS) {
            long now = System.nanoTime();
            buckets.values().removeIf(bucket -> bucket.fullAt(now));
        }
        long wait = buckets.computeIfAbsent(caller.credentialId(), id -> new Bucket()).take(System.nanoTime());
        if (wait > 0) {
            throw new RateLimitedException("credential " + caller.credentialId() + " sent more than "
                    + format(perSecond) + " requests per second (bursts of " + burst + ")", Duration.ofNanos(wait));
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private final class Bucket {
        private double tokens = burst;
        private long refilledAt = System.nanoTime();

        /** Takes a token; returns 0, or the nanoseconds until one is there. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perSecond * 1e9);
        }

        synchronized boolean fullAt(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
        }
    }
}
