package io.lightmem.memory;

import java.util.List;
import java.util.UUID;

/**
 * Fired (synchronously) after an add stored new memories of a user, so that work downstream of
 * ingest (online consolidation) — runs without ingest calling up into it. Observers report the
 * LLM calls they made, which the add counts as its own.
 */
public final class MemoriesStored {

    private final Owner owner;
    private final List<UUID> memoryIds;
    private int llmCalls;

    public MemoriesStored(Owner owner, List<UUID> memoryIds) {
        this.owner = owner;
        this.memoryIds = List.copyOf(memoryIds);
    }

    public Owner owner() {
        return owner;
    }

    public List<UUID> memoryIds() {
        return memoryIds;
    }

    /** Called by an observer for the LLM calls it made while handling the event. */
    public synchronized void addLlmCalls(int calls) {
        llmCalls += calls;
    }

    public synchronized int llmCalls() {
        return llmCalls;
    }
}
