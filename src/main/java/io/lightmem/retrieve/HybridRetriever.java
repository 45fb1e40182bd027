package io.lightmem.retrieve;

import io.lightmem.config.LightMemConfig;
import io.lightmem.config.LightMemConfig.Strategy;
import io.lightmem.store.MemoryRepository.Scored;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code hybrid} strategy: the embedding and context lists fused by reciprocal rank fusion. */
@ApplicationScoped
public class HybridRetriever implements Retriever {

    private final EmbeddingRetriever embedding;
    private final ContextRetriever context;
    private final ReciprocalRankFusion fusion;
    private final int candidates;

    public HybridRetriever(EmbeddingRetriever embedding, ContextRetriever context, LightMemConfig config) {
        this.embedding = embedding;
        this.context = context;
        this.fusion = new ReciprocalRankFusion(config.hybridRetriever().rrfK());
        this.candidates = config.hybridRetriever().candidates();
    }

    @Override
    public Strategy strategy() {
        return Strategy.hybrid;
    }

    @Override
    public List<Scored> retrieve(SearchRequest request) {
        // Deeper lists than the limit let an entry ranked modestly by both strategies rise above
        // one ranked high by only one of them.
        SearchRequest deeper = new SearchRequest(request.userId(), request.query(),
                Math.max(request.limit(), candidates), request.filter(), request.efSearch());
        return fusion.fuse(List.of(embedding.retrieve(deeper), context.retrieve(deeper)), request.limit());
    }
}
