package io.lightmem.retrieve;

import io.lightmem.config.LightMemConfig;
import io.lightmem.model.Embedder;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.MemoryRepository.Filter;
import io.lightmem.store.MemoryRepository.Scored;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code embedding} strategy: cosine nearest neighbours of the query vector (pgvector HNSW). */
@ApplicationScoped
public class EmbeddingRetriever implements Retriever {

    private final Embedder embedder;
    private final MemoryRepository memories;
    private final int efSearch;

    public EmbeddingRetriever(Embedder embedder, MemoryRepository memories, LightMemConfig config) {
        this.embedder = embedder;
        this.memories = memories;
        this.efSearch = config.embeddingRetriever().efSearch();
    }

    @Override
    public List<Scored> retrieve(String userId, String query, int limit, Filter filter) {
        // ef_search below limit would cap the result size.
        return memories.nearest(userId, embedder.embed(query), limit, filter, Math.max(efSearch, limit));
    }
}
