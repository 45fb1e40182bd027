package io.lightmem.consolidate;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.Owner;
import io.lightmem.observe.Spans;
import io.lightmem.retrieve.VectorSearchRule;
import io.lightmem.store.ConsolidationRepository;
import io.lightmem.store.UpdateQueueRepository;
import io.lightmem.store.UpdateQueueRepository.EntryKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Consolidation step 1 (docs/design.md): (re)builds the update queues of a user's entries, batch by batch, in
 * PostgreSQL.
 */
@ApplicationScoped
public class UpdateQueueBuilder {

    private static final Logger LOG = Logger.getLogger(UpdateQueueBuilder.class);
    static final int MAX_TOP_K = 1000;

    /** What a construction did. */
    public record Built(long runId, int entries, int queueRows, long elapsedMs) {
    }

    private final UpdateQueueRepository queue;
    private final ConsolidationRepository runs;
    private final ConsolidationLock lock;
    private final ConsolidationConfig.Consolidation config;
    private final VectorSearchRule searches;
    private final Spans spans;

    public UpdateQueueBuilder(UpdateQueueRepository queue, ConsolidationRepository runs, ConsolidationLock lock,
            ConsolidationConfig config, VectorSearchRule searches, Spans spans) {
        this.queue = queue;
        this.runs = runs;
        this.lock = lock;
        this.config = config.consolidation();
        this.searches = searches;
        this.spans = spans;
    }

    /**
     * Rebuilds the queue of every entry of the user. Each batch commits on its own: a crash keeps the
     * batches done, and a rerun (the queues are a pure function of the entries) redoes the rest.
     *
     * @param topK 0 for the configured default
     * @param keepTopN 0 for the configured default (at most topK)
     */
    public Built construct(Owner owner, int topK, int keepTopN) {
        Sizes sizes = sizes(topK, keepTopN);
        return spans.run("construct_update_queue", () -> lock.underLock(owner,
                () -> constructLocked(owner, sizes.topK(), sizes.keepTopN())));
    }

    /** The queue sizes a construction would use, defaults applied. */
    record Sizes(int topK, int keepTopN) {
    }

    /**
     * Validates the requested sizes without doing any work (callers that must check every argument
     * before writing anything use it first).
     *
     * @throws InvalidArgumentException naming top_k or keep_top_n
     */
    Sizes sizes(int topK, int keepTopN) {
        int k = topK == 0 ? config.topK() : topK;
        if (k < 1 || k > MAX_TOP_K) {
            throw new InvalidArgumentException("top_k", "must be between 1 and " + MAX_TOP_K
                    + " (0 for the default, " + config.topK() + "), got " + topK);
        }
        int n = keepTopN == 0 ? Math.min(config.keepTopN(), k) : keepTopN;
        if (n < 1 || n > k) {
            throw new InvalidArgumentException("keep_top_n", "must be between 1 and top_k (" + k
                    + "), or 0 for the default, got " + keepTopN);
        }
        return new Sizes(k, n);
    }

    private Built constructLocked(Owner owner, int topK, int keepTopN) {
        long started = System.nanoTime();
        long runId = runs.startRun(owner, "construct",
                "{\"top_k\": " + topK + ", \"keep_top_n\": " + keepTopN + "}");
        int entries = 0;
        int rows = 0;
        try {
            long indexed = queue.estimatedRows();
            EntryKey cursor = null;
            List<EntryKey> batch;
            while (!(batch = queue.entriesAfter(owner, cursor, config.batchSize())).isEmpty()) {
                // Batches go oldest first, so every entry of this one has at least `entries` older ones.
                rows += queue.rebuild(owner, batch.stream().map(EntryKey::id).toList(), topK, keepTopN,
                        searches.efSearch(entries, topK), search(entries, indexed));
                entries += batch.size();
                cursor = batch.get(batch.size() - 1);
            }
        } catch (RuntimeException e) {
            runs.finishRun(owner, runId, entries, 0, 0, e.getMessage());
            throw e;
        }
        runs.finishRun(owner, runId, entries, 0, 0, null);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        LOG.debugf("update queue of user %s: %d entries, %d rows in %d ms", owner, entries, rows, elapsedMs);
        return new Built(runId, entries, rows, elapsedMs);
    }

    /** Builds the queues of just these (new) entries with the configured parameters; the caller holds the lock. */
    int buildFor(Owner owner, List<UUID> entryIds) {
        int rows = 0;
        int batchSize = config.batchSize();
        // New entries are (nearly always) the newest: they have about all the user's entries as older ones.
        int older = queue.countOlder(owner, new EntryKey(new UUID(Long.MAX_VALUE, Long.MAX_VALUE), Double.MAX_VALUE));
        UpdateQueueRepository.Search search = search(older, queue.estimatedRows());
        int efSearch = searches.efSearch(older, config.topK());
        for (int from = 0; from < entryIds.size(); from += batchSize) {
            rows += queue.rebuild(owner, entryIds.subList(from, Math.min(entryIds.size(), from + batchSize)),
                    config.topK(), Math.min(config.keepTopN(), config.topK()), efSearch, search);
        }
        return rows;
    }

    /**
     * Exact search costs about one distance per older entry (m); the HNSW walk about a constant times
     * the share of indexed rows it has to skip (N / m). Measured on 2 cores with 384-dim vectors
     * (BENCHMARKS.md): exact ~2.3 µs per older entry, HNSW ~0.7 ms x N/m, so the index pays off
     * from m^2 >= ~300 N. Small scopes always search exactly (and exactly right).
     */
    static UpdateQueueRepository.Search search(long olderEntries, long indexedRows) {
        return olderEntries * olderEntries >= INDEX_BREAK_EVEN * Math.max(indexedRows, 1)
                ? UpdateQueueRepository.Search.INDEX : UpdateQueueRepository.Search.EXACT;
    }

    static final long INDEX_BREAK_EVEN = 300;
}
