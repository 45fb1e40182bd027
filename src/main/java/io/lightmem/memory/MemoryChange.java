package io.lightmem.memory;

import java.time.Instant;
import java.util.UUID;

/**
 * One recorded update or delete of a memory (memory_history); {@code undoneAt} null while in effect,
 * {@code runId} null when made outside a consolidation run.
 */
public record MemoryChange(long changeId, UUID memoryId, String action, String oldMemory, String newMemory,
        Instant changedAt, Instant undoneAt, Long runId) {
}
