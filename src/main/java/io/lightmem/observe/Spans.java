package io.lightmem.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One OpenTelemetry span per pipeline stage ({@code lightmem.<stage>}), nested under the
 * request's server span. With the SDK disabled (the default) the tracer is a no-op. Every stage is
 * also timed in the metric {@code lightmem.stage} (tag {@code stage}; count, sum and max), whatever
 * the tracing setting: the latency breakdown of the scale benchmark reads it (BENCHMARKS.md).
 */
@ApplicationScoped
public class Spans {

    private final Tracer tracer;
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public Spans(Tracer tracer, MeterRegistry registry) {
        this.tracer = tracer;
        this.registry = registry;
    }

    public <T> T run(String stage, Supplier<T> work) {
        return run(stage, Attributes.empty(), work);
    }

    /** Runs the stage in its own span; a failure is recorded on the span and rethrown. */
    public <T> T run(String stage, Attributes attributes, Supplier<T> work) {
        Span span = tracer.spanBuilder("lightmem." + stage).setAllAttributes(attributes).startSpan();
        long started = System.nanoTime();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            timer(stage).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            span.end();
        }
    }

    /** Adds an attribute known only once the stage has run (e.g. how many memories it produced). */
    public void annotate(String key, long value) {
        Span.current().setAttribute(key, value);
    }

    /** Adds an attribute known only once the stage has run (e.g. how it searched). */
    public void annotate(String key, String value) {
        Span.current().setAttribute(key, value);
    }

    private Timer timer(String stage) {
        return timers.computeIfAbsent(stage, name -> Timer.builder("lightmem.stage")
                .description("Time spent in one pipeline stage (the spans lightmem.<stage>)").tag("stage", name)
                .register(registry));
    }
}
