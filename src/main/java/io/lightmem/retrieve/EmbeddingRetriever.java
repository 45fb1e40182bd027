package io.lightmem.retrieve;

import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.observe.Spans;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.VectorSearch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The {@code embedding} strategy: cosine nearest neighbours of the query vector, searched exactly in
 * a small scope and on the pgvector HNSW index in a large one ({@link VectorSearchRule}).
 */
@ApplicationScoped
public class EmbeddingRetriever implements Retriever {

    private final QueryEmbeddings queries;
    private final MemoryRepository memories;
    private final VectorSearchRule searches;
    private final Spans spans;
    private final Counter exactSearches;
    private final Counter indexSearches;

    public EmbeddingRetriever(QueryEmbeddings queries, MemoryRepository memories, VectorSearchRule searches, Spans spans,
            MeterRegistry registry) {
        this.queries = queries;
        this.memories = memories;
        this.searches = searches;
        this.spans = spans;
        this.exactSearches = searchCounter(registry, "exact");
        this.indexSearches = searchCounter(registry, "hnsw");
    }

    private static Counter searchCounter(MeterRegistry registry, String method) {
        return Counter.builder("lightmem.vector.searches").tag("method", method)
                .description("Nearest-neighbour searches of the embedding strategy, by how they were answered")
                .register(registry);
    }

    @Override
    public RetrievalStrategy strategy() {
        return RetrievalStrategy.embedding;
    }

    @Override
    public List<ScoredMemory> retrieve(SearchRequest request) {
        float[] query = spans.run("embed", () -> queries.embed(request.query()));
        return spans.run("search", () -> {
            VectorSearch search = searches.choose(memories.scopeSize(request.owner()), request.limit(),
                    request.efSearch());
            spans.annotate("lightmem.vector_search", search.toString());
            (search.isExact() ? exactSearches : indexSearches).increment();
            return memories.nearest(request.owner(), query, request.limit(), request.filter(), search);
        });
    }
}
