package io.lightmem.portability;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.Owner;
import io.lightmem.memory.PortableMemory;
import io.lightmem.memory.PortableMemory.PortableChange;
import io.lightmem.model.Embedder;
import io.lightmem.store.EmbeddingModelGuard;
import io.lightmem.store.PortabilityRepository;
import io.lightmem.store.PortabilityRepository.ChangeRow;
import io.lightmem.store.PortabilityRepository.Row;
import io.lightmem.store.UserLock;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Writes exported memories into a user (docs/design.md, "Export and import"): idempotent (a memory the user
 * has is left as it is), keeping ids, times and history, with vectors from the export when they are
 * this instance's model's and computed again otherwise. Holds the user's ingest and consolidation
 * locks, so no add, run or erasure of that user interleaves, and writes everything in one transaction.
 */
@ApplicationScoped
public class MemoryImporter {

    /** Memories of one import at most: all are held in memory to be checked before any is written. */
    public static final int MAX_MEMORIES = 100_000;

    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);

    /** One memory as an export carried it, and the model of its vectors (empty when it carried none). */
    public record Incoming(PortableMemory memory, String embeddingModel) {
    }

    /** What an import did. */
    public record Imported(int importedMemories, int existingMemories, int embeddedVectors, int importedChanges,
            int renamedMemories) {
    }

    private final PortabilityRepository repository;
    private final UserLock userLock;
    private final Embedder embedder;
    private final EmbeddingModelGuard modelGuard;

    public MemoryImporter(PortabilityRepository repository, UserLock userLock, Embedder embedder,
            EmbeddingModelGuard modelGuard) {
        this.repository = repository;
        this.userLock = userLock;
        this.embedder = embedder;
        this.modelGuard = modelGuard;
    }

    /**
     * @throws InvalidArgumentException when the import is too large or names one memory twice (field
     *         {@code memories[i].id}); nothing is written
     */
    public Imported importMemories(Owner owner, List<Incoming> incoming) {
        modelGuard.ensureServing(); // no writes while the stored vectors are re-embedded
        if (incoming.size() > MAX_MEMORIES) {
            throw new InvalidArgumentException("memories", "at most " + MAX_MEMORIES + " memories per import, got "
                    + incoming.size() + "; split the export (its JSON lines) into parts");
        }
        Map<UUID, Integer> positions = new HashMap<>();
        for (int i = 0; i < incoming.size(); i++) {
            Integer earlier = positions.putIfAbsent(incoming.get(i).memory().id(), i);
            if (earlier != null) {
                throw new InvalidArgumentException("memories[" + i + "].id", "the memory "
                        + incoming.get(i).memory().id() + " is also memories[" + earlier + "]");
            }
        }
        return userLock.underLocks(EnumSet.allOf(UserLock.Namespace.class), owner, LOCK_TIMEOUT,
                () -> write(owner, incoming));
    }

    private Imported write(Owner owner, List<Incoming> incoming) {
        List<UUID> ids = incoming.stream().map(in -> in.memory().id()).toList();
        Set<UUID> takenElsewhere = ids.isEmpty() ? Set.of() : repository.heldByOthers(owner, ids);
        Map<UUID, UUID> targets = new HashMap<>();
        for (UUID id : ids) {
            targets.put(id, takenElsewhere.contains(id) ? derivedId(owner, id) : id);
        }
        Set<UUID> known = ids.isEmpty() ? Set.of() : repository.known(owner, List.copyOf(targets.values()));

        Vectors vectors = new Vectors();
        List<PendingRow> memories = new ArrayList<>();
        List<PendingChange> changes = new ArrayList<>();
        int existing = 0;
        int renamed = 0;
        for (Incoming in : incoming) {
            PortableMemory memory = in.memory();
            UUID target = targets.get(memory.id());
            if (known.contains(target)) {
                existing += memory.deleted() ? 0 : 1;
                continue;
            }
            renamed += target.equals(memory.id()) ? 0 : 1;
            if (!memory.deleted()) {
                memories.add(new PendingRow(target, memory, vectors.of(memory, in.embeddingModel())));
            }
            for (PortableChange change : memory.history()) {
                changes.add(new PendingChange(target, change, vectors.of(change.previous(), in.embeddingModel())));
            }
        }
        vectors.compute();
        repository.insert(owner, new PortabilityRepository.Rows(
                memories.stream().map(p -> new Row(p.id(), p.memory(), vectors.get(p.vector()))).toList(),
                changes.stream().map(p -> new ChangeRow(p.memoryId(), p.change(), vectors.get(p.vector()))).toList()));
        return new Imported(memories.size(), existing, vectors.computed(), changes.size(), renamed);
    }

    /**
     * The id a memory gets when another user of this instance holds its own (a copy between tenants of
     * one instance): derived from the target user and the original id, so a re-import finds it again.
     */
    static UUID derivedId(Owner owner, UUID original) {
        return UUID.nameUUIDFromBytes(("lightmem-import/" + owner.tenantId() + "/" + owner.userId() + "/" + original)
                .getBytes(StandardCharsets.UTF_8));
    }

    private record PendingRow(UUID id, PortableMemory memory, int vector) {
    }

    private record PendingChange(UUID memoryId, PortableChange change, int vector) {
    }

    /** The vectors of an import: the export's where they are usable, the rest computed in one batch. */
    private final class Vectors {

        private final List<float[]> vectors = new ArrayList<>();
        private final List<String> texts = new ArrayList<>();
        private final List<Integer> slots = new ArrayList<>();

        /** Registers the memory's vector; returns its slot. */
        int of(PortableMemory memory, String model) {
            int slot = vectors.size();
            if (usable(memory.embedding(), model)) {
                vectors.add(memory.embedding());
            } else {
                vectors.add(null);
                texts.add(memory.entry().memory());
                slots.add(slot);
            }
            return slot;
        }

        private boolean usable(float[] vector, String model) {
            if (vector == null || vector.length != embedder.dimension() || !Objects.equals(model, embedder.modelId())) {
                return false;
            }
            for (float value : vector) {
                if (!Float.isFinite(value)) {
                    return false;
                }
            }
            return true;
        }

        void compute() {
            if (texts.isEmpty()) {
                return;
            }
            List<float[]> computed = embedder.embedPassages(texts);
            for (int i = 0; i < slots.size(); i++) {
                vectors.set(slots.get(i), computed.get(i));
            }
        }

        float[] get(int slot) {
            return vectors.get(slot);
        }

        int computed() {
            return texts.size();
        }
    }
}
