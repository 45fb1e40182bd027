package io.lightmem.ingest;

import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.NewMemory;
import io.lightmem.memory.Owner;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.MessageLogRepository;
import jakarta.enterprise.context.ApplicationScoped;
import io.lightmem.store.RetriedOnConflict;
import jakarta.transaction.Transactional;
import java.util.List;

/** Stores a batch's memories and marks its messages processed in one transaction: both happen or neither. */
@ApplicationScoped
public class MemoryWriter {

    private final MemoryRepository memories;
    private final MessageLogRepository messageLog;

    public MemoryWriter(MemoryRepository memories, MessageLogRepository messageLog) {
        this.memories = memories;
        this.messageLog = messageLog;
    }

    @RetriedOnConflict
    @Transactional
    public List<MemoryEntry> store(Owner owner, List<NewMemory> batch, List<float[]> vectors, List<Long> messageIds) {
        List<MemoryEntry> stored = batch.isEmpty() ? List.of() : memories.insert(owner, batch, vectors);
        messageLog.markProcessed(owner, messageIds);
        return stored;
    }
}
