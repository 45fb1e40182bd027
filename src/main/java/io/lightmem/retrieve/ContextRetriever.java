package io.lightmem.retrieve;

import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.observe.Spans;
import io.lightmem.store.LexicalRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code context} strategy: BM25 over the memory text, in PostgreSQL (formula in {@link LexicalRepository}). */
@ApplicationScoped
public class ContextRetriever implements Retriever {

    private final LexicalRepository lexical;
    private final double k1;
    private final double b;
    private final int maxCandidates;
    private final Spans spans;

    public ContextRetriever(LexicalRepository lexical, RetrievalConfig config, Spans spans) {
        this.lexical = lexical;
        this.spans = spans;
        this.k1 = config.contextRetriever().k1();
        this.b = config.contextRetriever().b();
        this.maxCandidates = config.contextRetriever().maxCandidates();
    }

    @Override
    public RetrievalStrategy strategy() {
        return RetrievalStrategy.context;
    }

    @Override
    public List<ScoredMemory> retrieve(SearchRequest request) {
        return spans.run("lexical_search", () -> lexical.bm25(request.owner(), request.query(), request.limit(),
                request.filter(), k1, b, maxCandidates));
    }
}
