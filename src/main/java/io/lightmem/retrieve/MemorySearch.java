package io.lightmem.retrieve;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.InputText;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.Owner;
import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.memory.SessionTimes;
import io.lightmem.observe.ServiceMetrics;
import io.lightmem.observe.Spans;
import io.lightmem.store.VectorSearch;
import io.opentelemetry.api.common.Attributes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Where memories are found: validates a retrieve request, runs its strategy, counts the hits once (off the request path). */
@ApplicationScoped
public class MemorySearch {

    static final int MAX_QUERY_CHARS = 4096;

    private final Retrievers retrievers;
    private final HitCounts hits;
    private final RetrievalConfig.RetrieveConfig limits;
    private final ServiceMetrics metrics;
    private final Spans spans;
    private final Clock clock = Clock.systemUTC();

    public MemorySearch(Retrievers retrievers, HitCounts hits, RetrievalConfig config,
            ServiceMetrics metrics, Spans spans) {
        this.retrievers = retrievers;
        this.hits = hits;
        this.metrics = metrics;
        this.spans = spans;
        this.limits = config.retrieve();
    }

    /**
     * What a search returned, and which strategy served it.
     *
     * @param truncated fewer memories than found, to keep the answer within lightmem.retrieve.max-response-bytes
     */
    public record Result(RetrievalStrategy strategy, List<ScoredMemory> memories, boolean truncated) {
    }

    /**
     * @param limit 0 for the default
     * @param strategy null for the configured default
     * @param efSearch 0 for the service's choice (VectorSearchRule)
     * @param queryTime when the question is asked, for the relative times in it; null for now
     */
    public Result retrieve(Owner owner, String query, int limit, MemoryFilter filter, RetrievalStrategy strategy,
            int efSearch, Instant queryTime) {
        InputText.check("query", query, MAX_QUERY_CHARS);
        if (InputText.blank(query)) {
            throw new InvalidArgumentException("query", "must not be blank");
        }
        if (limit < 0 || limit > limits.maxLimit()) {
            throw new InvalidArgumentException("limit", "must be between 1 and " + limits.maxLimit()
                    + " (0 for the default, " + limits.defaultLimit() + "), got " + limit);
        }
        if (efSearch < 0 || efSearch > VectorSearch.MAX_EF_SEARCH) {
            throw new InvalidArgumentException("ef_search", "must be between " + VectorSearch.MIN_EF_SEARCH + " and "
                    + VectorSearch.MAX_EF_SEARCH + " (0 for the service's choice), got " + efSearch);
        }
        if (filter.from() != null) {
            SessionTimes.requireInRange("filter.time_from", filter.from());
        }
        if (filter.to() != null) {
            SessionTimes.requireInRange("filter.time_to", filter.to());
        }
        if (queryTime != null) {
            SessionTimes.requireInRange("query_time", queryTime);
        }
        InputText.check("filter.speaker_name", filter.speakerName(), InputText.MAX_NAME_CHARS);
        InputText.check("filter.category", filter.category(), InputText.MAX_NAME_CHARS);
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw new InvalidArgumentException("filter.time_from", "must be before filter.time_to");
        }
        Retriever retriever = retrievers.forRequest(strategy, "strategy");
        SearchRequest request = new SearchRequest(owner, query.strip(), limit == 0 ? limits.defaultLimit() : limit,
                filter, efSearch, queryTime == null ? clock.instant() : queryTime);
        return metrics.timeRetrieve(retriever.strategy().name(), () -> spans.run("retrieve", Attributes.builder()
                .put("lightmem.strategy", retriever.strategy().name()).put("lightmem.limit", request.limit()).build(),
                () -> {
                    boolean[] truncated = {false};
                    // Only what the caller gets counts as a hit.
                    List<ScoredMemory> answered = hits.count(owner, () -> {
                        List<ScoredMemory> found = retriever.retrieve(request);
                        // The formatted line travels twice: in the entry and in the answer's list of lines.
                        List<ScoredMemory> within = ResponseBudget.within(found, limits.maxResponseBytes(),
                                scored -> ResponseBudget.bytes(scored.entry()) + scored.entry().formatted().length());
                        truncated[0] = within.size() < found.size();
                        spans.annotate("lightmem.results", within.size());
                        return within;
                    });
                    return new Result(retriever.strategy(), answered, truncated[0]);
                }));
    }
}
