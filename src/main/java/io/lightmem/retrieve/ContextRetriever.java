package io.lightmem.retrieve;

import io.lightmem.config.LightMemConfig;
import io.lightmem.config.LightMemConfig.Strategy;
import io.lightmem.store.LexicalRepository;
import io.lightmem.store.MemoryRepository.Scored;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code context} strategy: BM25 over the memory text, in PostgreSQL (formula in {@link LexicalRepository}). */
@ApplicationScoped
public class ContextRetriever implements Retriever {

    private final LexicalRepository lexical;
    private final double k1;
    private final double b;
    private final int maxCandidates;

    public ContextRetriever(LexicalRepository lexical, LightMemConfig config) {
        this.lexical = lexical;
        this.k1 = config.contextRetriever().k1();
        this.b = config.contextRetriever().b();
        this.maxCandidates = config.contextRetriever().maxCandidates();
    }

    @Override
    public Strategy strategy() {
        return Strategy.context;
    }

    @Override
    public List<Scored> retrieve(SearchRequest request) {
        return lexical.bm25(request.userId(), request.query(), request.limit(), request.filter(), k1, b,
                maxCandidates);
    }
}
