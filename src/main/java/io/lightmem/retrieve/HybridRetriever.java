package io.lightmem.retrieve;

import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.context.ManagedExecutor;

/** The {@code hybrid} strategy: the embedding and context lists fused by reciprocal rank fusion. */
@ApplicationScoped
public class HybridRetriever implements Retriever {

    private final EmbeddingRetriever embedding;
    private final ContextRetriever context;
    private final ReciprocalRankFusion fusion;
    private final int candidates;

    private final ManagedExecutor executor;

    public HybridRetriever(EmbeddingRetriever embedding, ContextRetriever context, RetrievalConfig config,
            ManagedExecutor executor) {
        this.executor = executor;
        this.embedding = embedding;
        this.context = context;
        this.fusion = new ReciprocalRankFusion(config.hybridRetriever().rrfK());
        this.candidates = config.hybridRetriever().candidates();
    }

    @Override
    public RetrievalStrategy strategy() {
        return RetrievalStrategy.hybrid;
    }

    @Override
    public List<ScoredMemory> retrieve(SearchRequest request) {
        // Deeper lists than the limit let an entry ranked modestly by both strategies rise above
        // one ranked high by only one of them.
        SearchRequest deeper = new SearchRequest(request.owner(), request.query(),
                Math.max(request.limit(), candidates), request.filter(), request.efSearch());
        // The lexical query runs in the database while this thread embeds the query and searches HNSW.
        CompletableFuture<List<ScoredMemory>> lexical = executor.supplyAsync(() -> context.retrieve(deeper));
        List<ScoredMemory> semantic = embedding.retrieve(deeper);
        return fusion.fuse(List.of(semantic, join(lexical)), request.limit());
    }

    private static List<ScoredMemory> join(CompletableFuture<List<ScoredMemory>> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            // Rethrow the cause so callers see the same exception types as from the other strategies.
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
