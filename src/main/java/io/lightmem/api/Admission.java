package io.lightmem.api;

import io.lightmem.UnavailableException;
import io.lightmem.store.EmbeddingModelGuard;
import io.lightmem.store.SchemaMigration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Load shedding in front of the connection pool: at most {@code max-concurrent-calls} memory calls
 * run at once, up to {@code max-queued} more wait at most {@code max-wait} for a turn (first come,
 * first served), and any other call is turned away at once with UNAVAILABLE and a retry hint. An
 * overloaded instance so answers "retry" quickly instead of letting calls time out inside the pool,
 * and never holds more connections than its pool has (docs/fault-tolerance.md, "Load shedding").
 * Every front enters here: gRPC and MCP calls block their worker thread for the turn, HTTP functions
 * wait without a thread ({@link #enter()}). While the stored vectors are being re-embedded
 * ({@link EmbeddingModelGuard#ensureServing()}) every call is turned away with UNAVAILABLE.
 */
@ApplicationScoped
public class Admission {

    /** A turn to run; give it back exactly once, when the call has ended. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final int limit;
    private final int maxQueued;
    private final Duration maxWait;
    private final ArrayDeque<CompletableFuture<Permit>> queue = new ArrayDeque<>();
    private final ScheduledExecutorService timeouts;
    private final Counter shed;
    private final SchemaMigration schema;
    private final EmbeddingModelGuard modelGuard;
    private int running;

    public Admission(AdmissionConfig config, @ConfigProperty(name = "quarkus.datasource.jdbc.max-size") int poolSize,
            SchemaMigration schema, EmbeddingModelGuard modelGuard, MeterRegistry registry) {
        this.schema = schema;
        this.modelGuard = modelGuard;
        this.limit = config.maxConcurrentCalls().orElse(Math.max(1, poolSize / 2));
        this.maxQueued = config.maxQueued();
        this.maxWait = config.maxWait();
        this.timeouts = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "lightmem-admission");
            thread.setDaemon(true);
            return thread;
        });
        this.shed = Counter.builder("lightmem.calls.shed")
                .description("Calls turned away because the instance was at capacity").register(registry);
        Gauge.builder("lightmem.calls.running", this, Admission::running)
                .description("Memory calls running now").register(registry);
        Gauge.builder("lightmem.calls.queued", this, Admission::queued)
                .description("Memory calls waiting for a turn").register(registry);
    }

    /** Runs {@code work} in a turn, waiting (bounded) for one. */
    public <T> T call(Supplier<T> work) {
        try (Permit permit = await(enter())) {
            return work.get();
        } catch (RuntimeException e) {
            throw (RuntimeException) schema.explain(e);
        }
    }

    /**
     * A turn, now or when one frees up; fails with {@link UnavailableException} when the queue is
     * full or the wait exceeds {@code max-wait}, and at once while the stored vectors are re-embedded.
     */
    public CompletableFuture<Permit> enter() {
        CompletableFuture<Permit> turn = new CompletableFuture<>();
        try {
            modelGuard.ensureServing();
        } catch (UnavailableException e) {
            turn.completeExceptionally(e);
            return turn;
        }
        synchronized (this) {
            if (running < limit && queue.isEmpty()) {
                running++;
                turn.complete(newPermit());
                return turn;
            }
            if (queue.size() >= maxQueued) {
                shed.increment();
                turn.completeExceptionally(overloaded());
                return turn;
            }
            queue.add(turn);
        }
        timeouts.schedule(() -> {
            boolean waiting;
            synchronized (this) {
                waiting = queue.remove(turn);
            }
            if (waiting) {
                shed.increment();
                turn.completeExceptionally(overloaded());
            }
        }, maxWait.toMillis(), TimeUnit.MILLISECONDS);
        return turn;
    }

    private Permit newPermit() {
        AtomicBoolean returned = new AtomicBoolean();
        return () -> {
            if (returned.compareAndSet(false, true)) {
                release();
            }
        };
    }

    private void release() {
        CompletableFuture<Permit> next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                running--;
                return;
            }
        }
        // The turn passes to the first waiter; running stays the same.
        if (!next.complete(newPermit())) {
            release(); // it gave up meanwhile (cancelled): the next one
        }
    }

    private UnavailableException overloaded() {
        return new UnavailableException("this instance is at capacity (" + limit + " calls running, " + maxQueued
                + " waiting); retry the call", null);
    }

    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return queue.size();
    }

    private static Permit await(CompletableFuture<Permit> turn) {
        try {
            return turn.get();
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn.cancel(false);
            turn.thenAccept(Permit::close); // a turn granted meanwhile goes back
            throw new UnavailableException("interrupted while waiting for a turn; retry the call", e);
        }
    }

    @PreDestroy
    void stop() {
        timeouts.shutdownNow();
    }
}
