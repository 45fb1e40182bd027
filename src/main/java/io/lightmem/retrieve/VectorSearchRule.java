package io.lightmem.retrieve;

import io.lightmem.store.VectorSearch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.OptionalInt;

/**
 * How the nearest memories of a scope are searched (docs/design.md, "Retrieval"): exactly when the
 * scope is small, else on the HNSW index with an ef_search that grows with the limit.
 * Decided by the service from the scope's size (the count the BM25 statistics keep), not by the
 * planner's view of the whole table.
 */
@ApplicationScoped
public class VectorSearchRule {

    /**
     * Default of lightmem.embedding-retriever.exact-search-max-memories. Exact search cost 1.7–2.9 µs per
     * memory of the scope (26–29 ms at 10k, 171–218 ms at 100k) and an index search at ef_search 200 3.4–9.8 ms
     * in the same runs, so the two meet near 1,000–2,000 memories (BENCHMARKS.md, "ef_search and exact search").
     */
    static final String DEFAULT_EXACT_MAX_MEMORIES = "2000";
    /**
     * The least ef_search of an index search: recall@10 0.991–0.999 in the quiet runs of 2026-12-06 (200 gave
     * 0.976 and 0.978 for a 10k scope beside 100k near-duplicates of its vectors, 300 cost about 1 ms more).
     */
    static final int BASE_EF_SEARCH = 300;
    /** Candidates per requested result beyond BASE_EF_SEARCH / this many results (not measured above limit 10). */
    static final int EF_PER_RESULT = 3;

    private final int exactMaxMemories;
    private final OptionalInt fixedEfSearch;

    @Inject
    public VectorSearchRule(RetrievalConfig config) {
        this(config.embeddingRetriever().exactSearchMaxMemories(), config.embeddingRetriever().efSearch());
    }

    /** The rule with the service's default settings (for the benchmark, which reports what it chooses). */
    public static VectorSearchRule withDefaults() {
        return new VectorSearchRule(Integer.parseInt(DEFAULT_EXACT_MAX_MEMORIES), OptionalInt.empty());
    }

    VectorSearchRule(int exactMaxMemories, OptionalInt fixedEfSearch) {
        this.exactMaxMemories = exactMaxMemories;
        this.fixedEfSearch = fixedEfSearch;
    }

    /**
     * @param scopeSize memories of the scope searched
     * @param limit results wanted
     * @param requestedEfSearch a request's own ef_search, 0 for none
     */
    public VectorSearch choose(long scopeSize, int limit, int requestedEfSearch) {
        if (scopeSize <= exactMaxMemories) {
            return VectorSearch.exact();
        }
        int ef = requestedEfSearch > 0 ? requestedEfSearch : efSearch(scopeSize, limit);
        // ef_search below the limit would cap the result size.
        return VectorSearch.hnsw(Math.min(VectorSearch.MAX_EF_SEARCH, Math.max(ef, limit)));
    }

    /**
     * The ef_search of an index search of {@code limit} results in a scope of {@code scopeSize} (also
     * consolidation's): the configured {@code ef-search} when set, else {@value #BASE_EF_SEARCH}, or
     * {@value #EF_PER_RESULT} candidates per result when more. Measured at limit 10 (BENCHMARKS.md,
     * "ef_search and exact search"): recall@10 against exact search at 200 was 0.976–0.992 for a 10k scope
     * beside 100k near-duplicates of its vectors (four question sets), 0.991–1.000 for the 100k scope; at
     * 300, 0.991–0.998 and 0.996–1.000. Recall did not fall with the scope's
     * size (the 100k scope needed no more than the 10k one): what costs recall is a scope being a small
     * part of the shared index, so the size alone does not raise ef_search; {@code scopeSize} is kept
     * for a rule that measures that share.
     */
    public int efSearch(long scopeSize, int limit) {
        int ef = fixedEfSearch.orElseGet(() -> Math.max(BASE_EF_SEARCH, EF_PER_RESULT * limit));
        return Math.min(VectorSearch.MAX_EF_SEARCH, Math.max(ef, limit));
    }
}
