package io.lightmem.client;

import java.util.List;

/**
 * One decision of an offline update.
 *
 * @param targetId the older memory decided on
 * @param sourceIds the newer memories it was compared with
 * @param newText the merged text, for {@link ConsolidationAction#UPDATE}; empty otherwise
 * @param changeId the history entry of an update or deletion (see {@link LightMemClient#undoChange}); 0 otherwise
 */
public record ConsolidationDecision(String targetId, List<String> sourceIds, ConsolidationAction action,
        String newText, long changeId) {
}
