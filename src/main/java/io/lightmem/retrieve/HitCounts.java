package io.lightmem.retrieve;

import io.lightmem.StorageException;
import io.lightmem.memory.MemoryRef;
import io.lightmem.memory.Owner;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.store.MemoryRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Hit counting (hit_time, SPEC 1.7) off the request path. A Retrieve only adds its hits to counts
 * held in memory; one background writer per instance applies them every
 * {@code lightmem.hit-counts.flush-interval}, in batches whose rows it locks in id order. So reads
 * never write, never wait for each other and cannot deadlock, and the writers of several instances
 * queue on the same rows in the same order. The price (docs/fault-tolerance.md, "Hit counting"): an
 * instance killed without its shutdown loses the hits it had not applied yet (at most about one
 * interval's worth), and hits counted on another instance show up to one interval late.
 */
@ApplicationScoped
public class HitCounts {

    private static final Logger LOG = Logger.getLogger(HitCounts.class);
    /** Entries per transaction of the writer. */
    static final int BATCH = 500;
    /** Re-reads of the stored counts by a retrieval that overlapped the writer (see {@link #count}). */
    private static final int READ_ATTEMPTS = 3;
    /** How long such a retrieval waits at most for a batch the writer is moving; then it answers one batch off. */
    private static final Duration MAX_WAIT_FOR_WRITER = Duration.ofSeconds(1);
    private static final Duration WRITER_POLL = Duration.ofMillis(1);

    private final MemoryRepository memories;
    private final int maxPending;
    private final ConcurrentHashMap<MemoryRef, Integer> pending = new ConcurrentHashMap<>();
    /** Odd while the writer moves counts from {@link #pending} to the database; bumped twice per batch. */
    private final AtomicLong writerRound = new AtomicLong();
    private final ScheduledExecutorService writer;
    private final Counter dropped;

    public HitCounts(MemoryRepository memories, HitCountsConfig config, MeterRegistry registry) {
        this.memories = memories;
        this.maxPending = config.maxPending();
        this.dropped = Counter.builder("lightmem.hit.counts.dropped")
                .description("Retrieval hits not counted because too many were waiting to be applied")
                .register(registry);
        Gauge.builder("lightmem.hit.counts.pending", pending, Map::size)
                .description("Memories whose retrieval hits wait to be applied").register(registry);
        this.writer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "lightmem-hit-counts");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.flushInterval().toMillis();
        writer.scheduleWithFixedDelay(this::applySafely, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs a search of the owner's memories and counts one hit of each entry it found. The entries
     * come back with the hit_time this retrieval makes: the stored count plus this instance's hits not
     * applied yet, this one included. A search that overlapped the writer may have read a count from before or after a
     * batch it moved, so it reads the stored counts again (a few times at most).
     */
    public List<ScoredMemory> count(Owner owner, Supplier<List<ScoredMemory>> search) {
        long round = writerRound.get();
        List<ScoredMemory> found = search.get();
        int[] waiting = new int[found.size()];
        for (int i = 0; i < found.size(); i++) {
            waiting[i] = countOne(new MemoryRef(owner, found.get(i).entry().id()));
        }
        Map<UUID, Integer> stored = null;
        long waitUntil = System.nanoTime() + MAX_WAIT_FOR_WRITER.toNanos();
        int reads = 0;
        while (!stable(round) && reads < READ_ATTEMPTS && System.nanoTime() < waitUntil) {
            round = writerRound.get();
            if ((round & 1) == 1) {
                // The writer is inside its transaction (milliseconds): a spin would run out long before.
                LockSupport.parkNanos(WRITER_POLL.toNanos());
                continue;
            }
            reads++;
            try {
                stored = memories.hitTimes(owner, found.stream().map(s -> s.entry().id()).toList());
            } catch (StorageException e) {
                break; // the counts as first read, maybe one batch off; not worth failing the retrieval
            }
            for (int i = 0; i < found.size(); i++) {
                waiting[i] = pending.getOrDefault(new MemoryRef(owner, found.get(i).entry().id()), 0);
            }
        }
        List<ScoredMemory> counted = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            ScoredMemory scored = found.get(i);
            int before = stored == null ? scored.entry().hitTime()
                    : stored.getOrDefault(scored.entry().id(), scored.entry().hitTime());
            counted.add(new ScoredMemory(scored.entry().withHitTime(before + waiting[i]), scored.similarity()));
        }
        return counted;
    }

    private boolean stable(long round) {
        return (round & 1) == 0 && writerRound.get() == round;
    }

    /** One hit of the entry; the hits of it now waiting, or 0 when dropped because too many wait. */
    private int countOne(MemoryRef id) {
        if (pending.size() >= maxPending && !pending.containsKey(id)) {
            dropped.increment();
            return 0;
        }
        // merge is atomic per key, as is the writer's remove: no hit falls between them.
        return pending.merge(id, 1, Integer::sum);
    }

    private void applySafely() {
        try {
            apply();
        } catch (RuntimeException e) {
            // apply put back what it could not write; the next round tries again.
            LOG.warnf("retrieval hits not applied yet, retrying in the next round: %s", e.getMessage());
        }
    }

    /** Applies every hit counted so far, in batches in id order; what cannot be written now waits. */
    void apply() {
        if (pending.isEmpty()) {
            return;
        }
        List<MemoryRef> ids = new ArrayList<>(new TreeMap<>(pending).keySet());
        for (int from = 0; from < ids.size(); from += BATCH) {
            applyBatch(ids.subList(from, Math.min(ids.size(), from + BATCH)));
        }
    }

    private void applyBatch(List<MemoryRef> ids) {
        writerRound.incrementAndGet();
        TreeMap<MemoryRef, Integer> taken = new TreeMap<>();
        try {
            for (MemoryRef id : ids) {
                Integer hits = pending.remove(id);
                if (hits != null) {
                    taken.put(id, hits);
                }
            }
            write(taken);
        } catch (RuntimeException e) {
            taken.forEach((id, hits) -> pending.merge(id, hits, Integer::sum));
            throw e;
        } finally {
            writerRound.incrementAndGet();
        }
    }

    /** One transaction; a deadlock with another instance's writer is retried by the repository. */
    private void write(TreeMap<MemoryRef, Integer> counts) {
        if (!counts.isEmpty()) {
            memories.addHits(List.copyOf(counts.keySet()), List.copyOf(counts.values()));
        }
    }

    /**
     * At shutdown, once the calls in flight have finished (the drains observe first, at a lower
     * priority), applies what is left. Only if this instance counted anything.
     */
    void applyAtShutdown(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(100) ShutdownEvent event) {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
            apply();
        } catch (RuntimeException e) {
            LOG.warnf("%d memories' retrieval hits not applied at shutdown: %s", pending.size(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        writer.shutdownNow();
    }
}
