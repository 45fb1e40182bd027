package io.lightmem.llm;

import io.lightmem.memory.Owner;
import io.lightmem.memory.UsageTotals;
import io.lightmem.observe.ServiceMetrics;
import io.lightmem.store.UsageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Token accounting of LLM calls: every call is recorded per user and operation, and counted in the metrics. */
@ApplicationScoped
public class LlmUsage {

    private final UsageRepository repository;
    private final ServiceMetrics metrics;

    public LlmUsage(UsageRepository repository, ServiceMetrics metrics) {
        this.repository = repository;
        this.metrics = metrics;
    }

    /** Totals per operation for one user, by operation name. */
    public List<UsageTotals> totals(Owner owner) {
        return repository.totals(owner);
    }

    void record(Owner owner, String operation, String model, int promptTokens, int completionTokens,
            int totalTokens) {
        repository.record(owner, operation, model, promptTokens, completionTokens, totalTokens);
        metrics.llmCall(operation, promptTokens, completionTokens);
    }
}
