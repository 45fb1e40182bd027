package io.lightmem.retrieve;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * {@code lightmem.hit-counts.*}: how the hits of Retrieve calls (hit_time) reach the database. They
 * are counted in memory and applied by one writer in the background, so a Retrieve never writes
 * (docs/fault-tolerance.md, "Hit counting").
 */
@ConfigMapping(prefix = "lightmem.hit-counts")
public interface HitCountsConfig {

    /** How often the counted hits are applied; also the most an instance's hit_time lags behind. */
    @WithDefault("1s")
    Duration flushInterval();

    /**
     * Memories with hits not yet applied, at most; hits of further memories are dropped (and
     * counted in lightmem_hit_counts_dropped_total) until the writer catches up. Bounds the memory
     * held while the database is away: about 100 bytes each.
     */
    @WithDefault("100000")
    @Min(100)
    @Max(10000000)
    int maxPending();
}
