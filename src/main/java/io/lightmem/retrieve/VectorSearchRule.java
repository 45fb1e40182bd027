package io.lightmem.retrieve;

import io.lightmem.store.VectorSearch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.OptionalInt;

/**
 * How the nearest memories of a scope are searched (docs/design.md, "Retrieval"): exactly when the
 * scope is small, else on the HNSW index with an ef_search that grows with the scope and the limit.
 * Decided by the service from the scope's size (the count the BM25 statistics keep), not by the
 * planner's view of the whole table.
 */
@ApplicationScoped
public class VectorSearchRule {

    /** Default of lightmem.embedding-retriever.exact-search-max-memories. */
    static final String DEFAULT_EXACT_MAX_MEMORIES = "5000";

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
        int ef = requestedEfSearch > 0 ? requestedEfSearch : fixedEfSearch.orElseGet(() -> efSearch(scopeSize, limit));
        // ef_search below the limit would cap the result size.
        return VectorSearch.hnsw(Math.min(VectorSearch.MAX_EF_SEARCH, Math.max(ef, limit)));
    }

    /** The rule's ef_search for an index search of {@code limit} results in a scope of {@code scopeSize}. */
    public int efSearch(long scopeSize, int limit) {
        return Math.min(VectorSearch.MAX_EF_SEARCH, Math.max(limit, 200)); // provisional: measured next
    }
}
