package io.lightmem.ingest;

import io.lightmem.extract.Extraction;
import io.lightmem.extract.MemoryManager;
import io.lightmem.extract.Segment;
import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.NewMemory;
import io.lightmem.memory.Owner;
import io.lightmem.model.Embedder;
import io.lightmem.observe.Spans;
import io.opentelemetry.api.common.Attributes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Turns one batch of buffered topic segments into stored memories: extract (one LLM call for the
 * batch), embed, then store the memories and mark their messages processed in one transaction.
 */
@ApplicationScoped
public class BatchExtractor {

    /** What one batch produced. */
    public record Stored(List<MemoryEntry> memories, int llmCalls) {
    }

    private final MemoryManager memoryManager;
    private final Embedder embedder;
    private final MemoryWriter writer;
    private final Spans spans;

    public BatchExtractor(MemoryManager memoryManager, Embedder embedder, MemoryWriter writer, Spans spans) {
        this.memoryManager = memoryManager;
        this.embedder = embedder;
        this.writer = writer;
        this.spans = spans;
    }

    /** Whether extraction costs an LLM call, which makes batching messages across adds worthwhile. */
    public boolean callsLlm() {
        return memoryManager.callsLlm();
    }

    /**
     * @throws io.lightmem.extract.ExtractionException when the memory manager fails; nothing is stored
     *         and the batch's messages stay pending
     */
    public Stored extract(Owner owner, List<Segment> batch) {
        List<Long> messageIds = messageIds(batch);
        Extraction extraction = spans.run("extract", Attributes.builder()
                .put("lightmem.messages", messageIds.size()).build(), () -> memoryManager.extract(owner, batch));
        List<NewMemory> memories = extraction.memories();
        List<float[]> vectors = spans.run("embed", Attributes.builder().put("lightmem.texts", memories.size()).build(),
                () -> embedder.embedPassages(memories.stream().map(NewMemory::memory).toList()));
        List<MemoryEntry> stored = spans.run("store", () -> writer.store(owner, memories, vectors, messageIds));
        return new Stored(stored, extraction.llmCalls());
    }

    static List<Long> messageIds(List<Segment> batch) {
        return batch.stream().flatMap(s -> s.messages().stream()).map(LoggedMessage::id).toList();
    }
}
