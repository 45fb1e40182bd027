package io.lightmem.retrieve;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.Owner;
import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.observe.ServiceMetrics;
import io.lightmem.observe.Spans;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.VectorSearch;
import io.opentelemetry.api.common.Attributes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Where memories are found: validates a retrieve request, runs its strategy, counts the hits once. */
@ApplicationScoped
public class MemorySearch {

    static final int MAX_QUERY_CHARS = 4096;

    private final Retrievers retrievers;
    private final MemoryRepository memories;
    private final RetrievalConfig.RetrieveConfig limits;
    private final ServiceMetrics metrics;
    private final Spans spans;

    public MemorySearch(Retrievers retrievers, MemoryRepository memories, RetrievalConfig config,
            ServiceMetrics metrics, Spans spans) {
        this.retrievers = retrievers;
        this.memories = memories;
        this.metrics = metrics;
        this.spans = spans;
        this.limits = config.retrieve();
    }

    /** What a search returned, and which strategy served it. */
    public record Result(RetrievalStrategy strategy, List<ScoredMemory> memories) {
    }

    /**
     * @param limit 0 for the default
     * @param strategy null for the configured default
     * @param efSearch 0 for the service's choice (VectorSearchRule)
     */
    public Result retrieve(Owner owner, String query, int limit, MemoryFilter filter, RetrievalStrategy strategy, int efSearch) {
        if (query == null || query.isBlank()) {
            throw new InvalidArgumentException("query", "must not be blank");
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw new InvalidArgumentException("query", "at most " + MAX_QUERY_CHARS + " characters, got "
                    + query.length());
        }
        if (limit < 0 || limit > limits.maxLimit()) {
            throw new InvalidArgumentException("limit", "must be between 1 and " + limits.maxLimit()
                    + " (0 for the default, " + limits.defaultLimit() + "), got " + limit);
        }
        if (efSearch < 0 || efSearch > VectorSearch.MAX_EF_SEARCH) {
            throw new InvalidArgumentException("ef_search", "must be between " + VectorSearch.MIN_EF_SEARCH + " and "
                    + VectorSearch.MAX_EF_SEARCH + " (0 for the service's choice), got " + efSearch);
        }
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw new InvalidArgumentException("filter.time_from", "must be before filter.time_to");
        }
        Retriever retriever = retrievers.forRequest(strategy, "strategy");
        SearchRequest request = new SearchRequest(owner, query.strip(), limit == 0 ? limits.defaultLimit() : limit,
                filter, efSearch);
        return metrics.timeRetrieve(retriever.strategy().name(), () -> spans.run("retrieve", Attributes.builder()
                .put("lightmem.strategy", retriever.strategy().name()).put("lightmem.limit", request.limit()).build(),
                () -> {
                    List<ScoredMemory> found = retriever.retrieve(request);
                    spans.annotate("lightmem.results", found.size());
                    return new Result(retriever.strategy(), spans.run("count_hits", () -> memories.countHits(owner, found)));
                }));
    }
}
