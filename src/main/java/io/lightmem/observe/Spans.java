package io.lightmem.observe;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * One OpenTelemetry span per pipeline stage ({@code lightmem.<stage>}), nested under the
 * request's server span. With the SDK disabled (the default) the tracer is a no-op.
 */
@ApplicationScoped
public class Spans {

    private final Tracer tracer;

    public Spans(Tracer tracer) {
        this.tracer = tracer;
    }

    public <T> T run(String stage, Supplier<T> work) {
        return run(stage, Attributes.empty(), work);
    }

    /** Runs the stage in its own span; a failure is recorded on the span and rethrown. */
    public <T> T run(String stage, Attributes attributes, Supplier<T> work) {
        Span span = tracer.spanBuilder("lightmem." + stage).setAllAttributes(attributes).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    /** Adds an attribute known only once the stage has run (e.g. how many memories it produced). */
    public void annotate(String key, long value) {
        Span.current().setAttribute(key, value);
    }
}
