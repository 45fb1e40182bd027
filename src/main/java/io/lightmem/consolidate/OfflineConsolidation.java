package io.lightmem.consolidate;

import io.lightmem.memory.Owner;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * LightMem's offline update as one operation (its MCP tool {@code offline_update}): rebuild the
 * update queues with top_k / keep_top_n, then decide with score_threshold. Every argument and the
 * LLM precondition are checked before the first step runs, so a bad request changes nothing.
 */
@ApplicationScoped
public class OfflineConsolidation {

    /** What both steps did. */
    public record Result(UpdateQueueBuilder.Built queue, Consolidator.UpdateRun update) {
    }

    private final UpdateQueueBuilder queueBuilder;
    private final Consolidator consolidator;

    public OfflineConsolidation(UpdateQueueBuilder queueBuilder, Consolidator consolidator) {
        this.queueBuilder = queueBuilder;
        this.consolidator = consolidator;
    }

    /**
     * @param topK 0 for the configured default
     * @param keepTopN 0 for the configured default
     * @param scoreThreshold null for the configured default
     * @throws io.lightmem.InvalidArgumentException for a bad argument (nothing done)
     * @throws io.lightmem.FailedPreconditionException without an LLM (nothing done)
     */
    public Result run(Owner owner, int topK, int keepTopN, Double scoreThreshold) {
        queueBuilder.sizes(topK, keepTopN);
        consolidator.checkOfflineUpdate(scoreThreshold);
        UpdateQueueBuilder.Built queue = queueBuilder.construct(owner, topK, keepTopN);
        return new Result(queue, consolidator.offlineUpdate(owner, scoreThreshold));
    }
}
