package io.lightmem.portability;

import io.lightmem.memory.Owner;
import io.lightmem.memory.PortableMemory;
import io.lightmem.memory.PortableMemory.PortableChange;
import io.lightmem.model.Embedder;
import io.lightmem.store.EmbeddingModelGuard;
import io.lightmem.store.PortabilityRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * Reads a user's memories out, oldest first, page by page, each with its history; then the memories
 * consolidation deleted that undo can still restore, as their history alone (docs/design.md, "Export and import").
 */
@ApplicationScoped
public class MemoryExporter {

    static final int PAGE_SIZE = 200;

    /** An export as it is read: the memories, and the model that computed their vectors. */
    public record Export(Iterator<PortableMemory> memories, String embeddingModel) {
    }

    private final PortabilityRepository repository;
    private final Embedder embedder;
    private final EmbeddingModelGuard modelGuard;

    public MemoryExporter(PortabilityRepository repository, Embedder embedder, EmbeddingModelGuard modelGuard) {
        this.repository = repository;
        this.embedder = embedder;
        this.modelGuard = modelGuard;
    }

    /**
     * The user's memories, read lazily as the iterator is consumed (a failure to read surfaces as a
     * {@link io.lightmem.StorageException} from {@code hasNext}).
     *
     * @param withVectors carry each memory's vector, and the vectors undo restores
     */
    public Export export(Owner owner, boolean withVectors) {
        // The vectors in the database are this instance's model's (the database keeps one model),
        // unless they are being re-embedded: then they are mixed and nothing is exported.
        modelGuard.ensureServing();
        return new Export(new Pages(owner, withVectors), withVectors ? embedder.modelId() : null);
    }

    private final class Pages implements Iterator<PortableMemory> {

        private final Owner owner;
        private final boolean withVectors;
        private final Deque<PortableMemory> ready = new ArrayDeque<>();
        private UUID afterId;
        private double afterTime;
        private boolean livePagesDone;
        private boolean deletedDone;

        Pages(Owner owner, boolean withVectors) {
            this.owner = owner;
            this.withVectors = withVectors;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && !deletedDone) {
                if (!livePagesDone) {
                    readLivePage();
                } else {
                    readDeleted();
                }
            }
            return !ready.isEmpty();
        }

        @Override
        public PortableMemory next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.removeFirst();
        }

        private void readLivePage() {
            PortabilityRepository.Page page = repository.page(owner, afterId, afterTime, PAGE_SIZE, withVectors);
            List<PortableMemory> memories = page.memories();
            if (memories.size() < PAGE_SIZE) {
                livePagesDone = true;
            }
            if (memories.isEmpty()) {
                return;
            }
            afterId = memories.get(memories.size() - 1).id();
            afterTime = page.lastTime();
            Map<UUID, List<PortableChange>> history = repository.history(owner,
                    memories.stream().map(PortableMemory::id).toList(), withVectors);
            for (PortableMemory memory : memories) {
                ready.add(new PortableMemory(memory.id(), memory.entry(), memory.consolidated(), memory.embedding(),
                        history.getOrDefault(memory.id(), List.of())));
            }
        }

        private void readDeleted() {
            deletedDone = true;
            List<UUID> deleted = repository.deletedWithHistory(owner);
            for (int from = 0; from < deleted.size(); from += PAGE_SIZE) {
                List<UUID> ids = deleted.subList(from, Math.min(deleted.size(), from + PAGE_SIZE));
                Map<UUID, List<PortableChange>> history = repository.history(owner, ids, withVectors);
                for (UUID id : ids) {
                    ready.add(new PortableMemory(id, null, false, null, history.getOrDefault(id, List.of())));
                }
            }
        }
    }
}
