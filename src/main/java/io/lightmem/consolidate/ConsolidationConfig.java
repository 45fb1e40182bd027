package io.lightmem.consolidate;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code lightmem.update} and {@code lightmem.consolidation.*}: offline and online consolidation (docs/design.md,
 * "Consolidation").
 */
@ConfigMapping(prefix = "lightmem")
public interface ConsolidationConfig {

    /**
     * When consolidation decisions are taken: {@code offline} (by ConstructUpdateQueue + OfflineUpdate
     * or the scheduler) or {@code online} (for each new entry right after it is stored, too).
     */
    @WithDefault("offline")
    UpdateMode update();

    Consolidation consolidation();

    enum UpdateMode {
        offline, online
    }

    /** Offline consolidation (docs/design.md, "Consolidation"): defaults of the RPCs' parameters, and its resources. */
    interface Consolidation {
        /** Nearest earlier entries searched per entry when building the update queue. */
        @WithDefault("20")
        @Min(1)
        @Max(1000)
        int topK();

        /** Of those, how many are kept in the entry's queue; at most top-k. */
        @WithDefault("10")
        @Min(1)
        @Max(1000)
        int keepTopN();

        /**
         * Cosine similarity a queued pair needs for the newer entry to count as a source of the older.
         * Unset: the embedding model's own ({@link io.lightmem.model.SimilarityScale#sameFact()}; 0.8, LightMem's,
         * for all-MiniLM-L6-v2 and models given by path).
         */
        Optional<@DecimalMin("-1.0") @DecimalMax("1.0") Double> scoreThreshold();

        /** Decisions (LLM calls) in flight at once per run. */
        @WithDefault("4")
        @Min(1)
        @Max(64)
        int parallelism();

        /** Entries whose queues are built by one SQL statement (and committed together). */
        @WithDefault("200")
        @Min(1)
        @Max(10000)
        int batchSize();

        /** How long a run waits for another run of the same user to finish before giving up (ABORTED). */
        @WithDefault("30s")
        Duration lockTimeout();

        ScheduleConfig schedule();

        /** Periodic construct + update for users whose entries changed since their last run. */
        interface ScheduleConfig {
            /** Interval between runs, e.g. {@code 1h}; {@code off} disables it. */
            @WithDefault("off")
            String every();

            /** Quartz cron expression instead of an interval, e.g. {@code 0 0 3 * * ?}; {@code off} disables it. */
            @WithDefault("off")
            String cron();

            /** Users consolidated per scheduled tick at most (the rest wait for the next tick). */
            @WithDefault("100")
            @Min(1)
            int maxUsersPerRun();
        }
    }
}
