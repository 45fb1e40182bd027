package io.lightmem.client;

import java.time.Instant;
import java.util.Optional;

/**
 * One recorded change of a memory by consolidation.
 *
 * @param newText the text after an update; empty for a deletion
 * @param undoneAt when the change was undone; empty while it is in effect
 * @param runId the consolidation run that made it; 0 if none
 */
public record MemoryChange(long changeId, String memoryId, ConsolidationAction action, String oldText,
        String newText, Instant changedAt, Optional<Instant> undoneAt, long runId) {
}
