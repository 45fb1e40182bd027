package io.lightmem.retrieve;

import io.lightmem.InvalidArgumentException;
import io.lightmem.UserIds;
import io.lightmem.config.LightMemConfig;
import io.lightmem.observe.ServiceMetrics;
import io.lightmem.store.MemoryRepository.Filter;
import io.lightmem.store.MemoryRepository.Scored;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Where memories are found: validates a retrieve request and runs the configured strategy. */
@ApplicationScoped
public class MemorySearch {

    static final int MAX_QUERY_CHARS = 4096;

    private final Retriever retriever;
    private final LightMemConfig.RetrieveConfig limits;
    private final ServiceMetrics metrics;

    public MemorySearch(Retriever retriever, LightMemConfig config, ServiceMetrics metrics) {
        this.retriever = retriever;
        this.metrics = metrics;
        this.limits = config.retrieve();
    }

    /** @param limit 0 for the default */
    public List<Scored> retrieve(String userId, String query, int limit, Filter filter) {
        UserIds.require("user_id", userId);
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
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw new InvalidArgumentException("filter.time_from", "must be before filter.time_to");
        }
        int effectiveLimit = limit == 0 ? limits.defaultLimit() : limit;
        return metrics.timeRetrieve("embedding", () -> retriever.retrieve(userId, query.strip(), effectiveLimit, filter));
    }
}
