package io.lightmem.retrieve;

import io.lightmem.config.LightMemConfig.Strategy;
import io.lightmem.model.Embedder;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.MemoryRepository.Scored;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code embedding} strategy: cosine nearest neighbours of the query vector (pgvector HNSW). */
@ApplicationScoped
public class EmbeddingRetriever implements Retriever {

    private final Embedder embedder;
    private final MemoryRepository memories;

    public EmbeddingRetriever(Embedder embedder, MemoryRepository memories) {
        this.embedder = embedder;
        this.memories = memories;
    }

    @Override
    public Strategy strategy() {
        return Strategy.embedding;
    }

    @Override
    public List<Scored> retrieve(SearchRequest request) {
        // ef_search below limit would cap the result size.
        return memories.nearest(request.userId(), embedder.embed(request.query()), request.limit(), request.filter(),
                Math.max(request.efSearch(), request.limit()));
    }
}
