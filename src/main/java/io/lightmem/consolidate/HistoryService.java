package io.lightmem.consolidate;

import io.lightmem.FailedPreconditionException;
import io.lightmem.InvalidArgumentException;
import io.lightmem.NotFoundException;
import io.lightmem.memory.MemoryChange;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MemoryIds;
import io.lightmem.memory.Owner;
import io.lightmem.store.HistoryRepository;
import io.lightmem.store.MemoryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import io.lightmem.store.RetriedOnConflict;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;

/** The audit trail of consolidation, and undo of one change. */
@ApplicationScoped
public class HistoryService {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** A change undone, and the memory as restored. */
    public record Undone(MemoryEntry entry, MemoryChange change) {
    }

    private final HistoryRepository history;
    private final MemoryRepository memories;

    public HistoryService(HistoryRepository history, MemoryRepository memories) {
        this.history = history;
        this.memories = memories;
    }

    /** @param memoryId null or empty for all the user's memories; @param limit 0 for the default */
    public List<MemoryChange> list(Owner owner, String memoryId, int limit) {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new InvalidArgumentException("limit", "must be between 1 and " + MAX_LIMIT + " (0 for the default, "
                    + DEFAULT_LIMIT + "), got " + limit);
        }
        UUID id = memoryId == null || memoryId.isEmpty() ? null : MemoryIds.parse("memory_id", memoryId);
        return history.list(owner, id, limit == 0 ? DEFAULT_LIMIT : limit);
    }

    /**
     * Restores the memory exactly as it was before the change, in one transaction. Changes of one
     * memory are undone newest first, so that what is restored is what the change replaced.
     */
    @RetriedOnConflict
    @Transactional
    public Undone undo(Owner owner, long changeId) {
        if (changeId <= 0) {
            throw new InvalidArgumentException("change_id", "required (a positive change id), got " + changeId);
        }
        MemoryChange change = history.lock(owner, changeId);
        if (change == null) {
            throw new NotFoundException("change " + changeId + " not found for this user");
        }
        if (change.undoneAt() != null) {
            throw new FailedPreconditionException("change " + changeId + " was already undone at " + change.undoneAt());
        }
        MemoryChange later = history.laterInEffect(owner, change.memoryId(), changeId);
        if (later != null) {
            throw new FailedPreconditionException("memory " + change.memoryId() + " was changed again by change "
                    + later.changeId() + " (" + later.action() + "); undo that change first");
        }
        MemoryEntry current = memories.lockForChange(owner, change.memoryId());
        boolean restored;
        if ("update".equals(change.action())) {
            if (current == null) {
                throw new FailedPreconditionException("memory " + change.memoryId() + " no longer exists");
            }
            restored = history.restoreUpdated(owner, changeId);
        } else {
            if (current != null) {
                throw new FailedPreconditionException("memory " + change.memoryId() + " exists again");
            }
            restored = history.restoreDeleted(owner, changeId);
        }
        if (!restored) {
            throw new IllegalStateException("change " + changeId + " could not be restored");
        }
        history.markUndone(owner, changeId);
        return new Undone(memories.lockForChange(owner, change.memoryId()), history.lock(owner, changeId));
    }

}
