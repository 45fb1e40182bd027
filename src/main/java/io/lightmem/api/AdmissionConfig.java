package io.lightmem.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * {@code lightmem.admission.*}: how many memory calls this instance runs at once, and how many wait
 * for a turn, before it turns calls away with UNAVAILABLE (docs/fault-tolerance.md, "Load shedding").
 */
@ConfigMapping(prefix = "lightmem.admission")
public interface AdmissionConfig {

    /**
     * Memory calls (every protocol together) running at once. Default: half the connection pool
     * ({@code quarkus.datasource.jdbc.max-size}), since an add holds its user's lock on one connection
     * while it writes on another: more calls than that would wait for connections they cannot get.
     */
    @Min(1)
    @Max(10000)
    OptionalInt maxConcurrentCalls();

    /** Calls waiting for a turn, at most; a call beyond them is turned away at once. */
    @WithDefault("50")
    @Min(0)
    @Max(100000)
    int maxQueued();

    /**
     * How long a call waits for a turn before it is turned away. Shorter than the pool's
     * {@code acquisition-timeout}, so an overloaded instance answers "retry" before its pool fails.
     */
    @WithDefault("2s")
    Duration maxWait();
}
