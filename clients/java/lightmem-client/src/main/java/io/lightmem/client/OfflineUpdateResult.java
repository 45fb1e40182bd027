package io.lightmem.client;

import java.util.List;

/**
 * What an offline update did (consolidation step 2).
 *
 * @param targets memories that had new sources to decide on
 * @param alreadyDecided memories skipped because an earlier run decided them with the same sources
 * @param skipped targets left alone because they changed while the run decided them
 * @param remaining targets still undecided because the run stopped early; the next run decides them
 * @param abortedReason why the run stopped early; empty when it finished
 */
public record OfflineUpdateResult(long runId, int targets, int alreadyDecided, List<ConsolidationDecision> decisions,
        int skipped, int llmCalls, int remaining, String abortedReason) {
}
