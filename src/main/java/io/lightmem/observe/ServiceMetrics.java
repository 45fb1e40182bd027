package io.lightmem.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * The service's own Micrometer meters (exposed at /q/metrics). Latencies are histograms so that
 * Prometheus can compute percentiles across replicas.
 */
@ApplicationScoped
public class ServiceMetrics {

    private final MeterRegistry registry;

    public ServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Times one add (accept + extraction it triggers). */
    public <T> T timeAdd(Supplier<T> add) {
        return time("lightmem.add", "AddMemory latency, extraction included", add);
    }

    /** Times one retrieve. */
    public <T> T timeRetrieve(String strategy, Supplier<T> retrieve) {
        return Timer.builder("lightmem.retrieve").description("Retrieve latency").tag("strategy", strategy)
                .publishPercentileHistogram().register(registry).record(retrieve);
    }

    /**
     * One authentication: which kind of credential (bootstrap, api_key, token, none, unknown; never the
     * credential), whether it was accepted, and how long checking it took.
     */
    public void authentication(String credential, boolean accepted, long nanos) {
        Timer.builder("lightmem.authentication").description("Time to check a request's credential")
                .tag("credential", credential).tag("outcome", accepted ? "accepted" : "refused")
                .register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One LLM call and the tokens it used. */
    public void llmCall(String operation, int promptTokens, int completionTokens) {
        Counter.builder("lightmem.llm.calls").description("LLM calls").tag("operation", operation)
                .register(registry).increment();
        Counter.builder("lightmem.llm.tokens").description("LLM tokens").tag("operation", operation)
                .tag("kind", "prompt").register(registry).increment(promptTokens);
        Counter.builder("lightmem.llm.tokens").description("LLM tokens").tag("operation", operation)
                .tag("kind", "completion").register(registry).increment(completionTokens);
    }

    /** An extraction batch that stayed pending because the LLM or storage failed. */
    public void extractionDeferred() {
        Counter.builder("lightmem.extraction.deferred").description("Extraction batches left pending after a failure")
                .register(registry).increment();
    }

    /** An AddMemory whose request id had been accepted before (a client retry, a redelivered event). */
    public void repeatedRequest() {
        Counter.builder("lightmem.add.repeated").description("AddMemory requests recognized as retries by request_id")
                .register(registry).increment();
    }

    /** Extracted facts whose source_id pointed outside their batch. */
    public void sourceIdsClamped(int count) {
        Counter.builder("lightmem.extraction.clamped.source.ids")
                .description("Extracted facts whose source_id was outside the batch").register(registry)
                .increment(count);
    }

    private <T> T time(String name, String description, Supplier<T> work) {
        return Timer.builder(name).description(description).publishPercentileHistogram().register(registry)
                .record(work);
    }
}
