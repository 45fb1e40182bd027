package io.lightmem.erase;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.MemoryIds;
import io.lightmem.memory.Owner;
import io.lightmem.store.ErasureRepository;
import io.lightmem.store.UserLock;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/**
 * Where memories end for good: deletes chosen memories, or erases everything held about a user
 * (memories, history, queues, consolidation records, the message log, usage records). Takes the
 * user's ingest and consolidation locks first, so no add or run of that user writes halfway through.
 */
@ApplicationScoped
public class MemoryEraser {

    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);

    /** What an erasure removed. */
    public record Erased(int memories, int messages) {
    }

    private final ErasureRepository erasure;
    private final UserLock userLock;
    private final Event<Erasure> erasures;
    /** Memories one DeleteMemories names at most (as many as a page of ListMemories holds). */
    static final int MAX_MEMORY_IDS = 1000;

    public MemoryEraser(ErasureRepository erasure, UserLock userLock, Event<Erasure> erasures) {
        this.erasure = erasure;
        this.userLock = userLock;
        this.erasures = erasures;
    }

    /** Exactly one of {@code memoryIds} (non-empty) and {@code everything} must be given. */
    public Erased delete(Owner owner, List<String> memoryIds, boolean everything) {
        if (everything == !memoryIds.isEmpty()) {
            throw new InvalidArgumentException("memory_ids", everything
                    ? "must be empty when all is set"
                    : "name at least one memory, or set all to erase everything of the user");
        }
        if (memoryIds.size() > MAX_MEMORY_IDS) {
            throw new InvalidArgumentException("memory_ids", "at most " + MAX_MEMORY_IDS + " per call, got "
                    + memoryIds.size());
        }
        List<UUID> ids = new ArrayList<>(memoryIds.size());
        for (int i = 0; i < memoryIds.size(); i++) {
            ids.add(MemoryIds.parse("memory_ids[" + i + "]", memoryIds.get(i)));
        }
        Erased erased = everything ? eraseUser(owner)
                : userLock.underLocks(EnumSet.allOf(UserLock.Namespace.class), owner, LOCK_TIMEOUT,
                        () -> new Erased(erasure.deleteMemories(owner, ids), 0));
        erasures.fire(new Erasure(owner, everything, erased.memories(), erased.messages()));
        return erased;
    }

    /** Erases everything of the user, under the user's locks; fires no event (the caller accounts for it). */
    Erased eraseUser(Owner owner) {
        return userLock.underLocks(EnumSet.allOf(UserLock.Namespace.class), owner, LOCK_TIMEOUT, () -> {
            int[] erased = erasure.eraseUser(owner);
            return new Erased(erased[0], erased[1]);
        });
    }
}
