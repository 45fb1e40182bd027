package io.lightmem.memory;

import java.util.List;
import java.util.UUID;

/**
 * A memory with everything the service holds about it, as it leaves the service (export) or enters
 * it (import): the entry, whether consolidation rewrote it, its vector when carried, and its history.
 *
 * @param entry the memory; null for a memory consolidation deleted, carried for its history (undo can
 *        restore it)
 * @param embedding its vector, or null when not carried
 * @param history its recorded changes, oldest first; empty for the previous state inside a change
 */
public record PortableMemory(UUID id, MemoryEntry entry, boolean consolidated, float[] embedding,
        List<PortableChange> history) {

    /** One recorded change with the memory as it was before it: what undo restores. */
    public record PortableChange(MemoryChange change, PortableMemory previous) {
    }

    public boolean deleted() {
        return entry == null;
    }
}
