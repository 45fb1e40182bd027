package io.lightmem.retrieve;

import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.observe.Spans;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.context.ManagedExecutor;

/**
 * The {@code hybrid} strategy: the embedding and context lists fused by reciprocal rank fusion. The
 * two lists are searched side by side while cores are free, else one after the other
 * ({@link #parallel}).
 */
@ApplicationScoped
public class HybridRetriever implements Retriever {

    private final EmbeddingRetriever embedding;
    private final ContextRetriever context;
    private final ReciprocalRankFusion fusion;
    private final int candidates;
    private final ManagedExecutor executor;
    private final Spans spans;
    private final int cores = Runtime.getRuntime().availableProcessors();
    /** Hybrid retrievals running now. */
    private final AtomicInteger running = new AtomicInteger();

    public HybridRetriever(EmbeddingRetriever embedding, ContextRetriever context, RetrievalConfig config,
            ManagedExecutor executor, Spans spans) {
        this.executor = executor;
        this.embedding = embedding;
        this.context = context;
        this.spans = spans;
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
                Math.max(request.limit(), candidates), request.filter(), request.efSearch(), request.queryTime());
        List<ScoredMemory> semantic;
        List<ScoredMemory> lexical;
        try {
            if (parallel(running.incrementAndGet(), cores)) {
                // The lexical query runs in the database while this thread embeds the query and searches.
                CompletableFuture<List<ScoredMemory>> lexicalList = executor.supplyAsync(() -> context.retrieve(deeper));
                semantic = embedding.retrieve(deeper);
                lexical = join(lexicalList);
            } else {
                semantic = embedding.retrieve(deeper);
                lexical = context.retrieve(deeper);
            }
        } finally {
            running.decrementAndGet();
        }
        return spans.run("fuse", () -> fusion.fuse(List.of(semantic, lexical), request.limit()));
    }

    /**
     * Whether a hybrid retrieval, one of {@code running} now, searches its two lists side by side: when
     * each of them can have two cores (one for the query embedding and the search, one for the lexical
     * query). With more retrievals than that, the cores are busy anyway and handing the lexical list
     * to another thread only adds the hand-over (BENCHMARKS.md, "Scale and latency", runs A and B).
     */
    static boolean parallel(int running, int cores) {
        return running * 2 <= cores;
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
