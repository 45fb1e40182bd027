package io.lightmem.retrieve;

import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.model.Embedder;
import io.lightmem.observe.Spans;
import io.lightmem.store.MemoryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code embedding} strategy: cosine nearest neighbours of the query vector (pgvector HNSW). */
@ApplicationScoped
public class EmbeddingRetriever implements Retriever {

    private final Embedder embedder;
    private final MemoryRepository memories;
    private final Spans spans;

    public EmbeddingRetriever(Embedder embedder, MemoryRepository memories, Spans spans) {
        this.embedder = embedder;
        this.memories = memories;
        this.spans = spans;
    }

    @Override
    public RetrievalStrategy strategy() {
        return RetrievalStrategy.embedding;
    }

    @Override
    public List<ScoredMemory> retrieve(SearchRequest request) {
        // ef_search below limit would cap the result size.
        float[] query = spans.run("embed", () -> embedder.embed(request.query()));
        return spans.run("search", () -> memories.nearest(request.owner(), query, request.limit(),
                request.filter(), Math.max(request.efSearch(), request.limit())));
    }
}
