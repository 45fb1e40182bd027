package io.lightmem.bench;

import io.lightmem.memory.MemoryFilter;
import io.lightmem.model.Embedder;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.SqlQuery;
import io.lightmem.testing.Conversations;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.Message;
import io.lightmem.v1.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Latency and scale on synthetic memories: one user scope of N memories, filled through AddMemory
 * (measuring the `none`-mode ingest rate; reused by later runs), then concurrent gRPC Retrieve per
 * strategy, and HNSW recall@10 against exact search on the same rows.
 */
final class ScaleBench {

    private final ServiceClient service;
    private final Supplier<Connection> database;
    private final Embedder embedder;

    ScaleBench(ServiceClient service, Supplier<Connection> database, Embedder embedder) {
        this.service = service;
        this.database = database;
        this.embedder = embedder;
    }

    Map<String, Object> run(int size, String fill, List<String> strategies, int threads, int requests,
            List<Integer> efSearches, int recallQueries, StringBuilder md) throws Exception {
        String userId = "bench-scale-" + size;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("memories", size);
        json.put("fill", fill);
        json.put("ingest", fill.equals("replicate") ? replicate(userId, size) : fill(userId, size));
        List<String> queries = new ArrayList<>();
        Synthetic questions = new Synthetic(99);
        for (int i = 0; i < 500; i++) {
            queries.add(questions.question());
        }
        Map<String, Object> latency = new LinkedHashMap<>();
        for (String strategy : strategies) {
            latency.put(strategy, latency(userId, strategy, queries, threads, requests));
        }
        json.put("retrieve_latency", latency);
        json.put("hnsw_recall_at_10", hnswRecall(userId, queries.subList(0, recallQueries), efSearches));
        markdown(json, md);
        return json;
    }

    private Map<String, Object> fill(String userId, int size) throws SQLException {
        int existing = count(userId);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("existing_before_run", existing);
        if (existing >= size) {
            return result;
        }
        Synthetic sentences = new Synthetic(size);
        for (int i = 0; i < existing; i++) {
            sentences.sentence(); // continue the same sequence
        }
        LocalDateTime time = LocalDateTime.parse("2022-01-01T08:00:00").plusMinutes(17L * existing);
        long started = System.nanoTime();
        int added = 0;
        while (existing + added < size) {
            int batch = Math.min(500, size - existing - added);
            AddMemoryRequest.Builder request = AddMemoryRequest.newBuilder().setUserId(userId);
            for (int i = 0; i < batch; i++) {
                time = time.plusMinutes(17);
                request.addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent(sentences.sentence())
                        .setTimeStamp(time.toString()));
            }
            AddMemoryResponse response = service.add(request.build());
            if (response.getEntriesCount() != batch) {
                throw new IllegalStateException("stored " + response.getEntriesCount() + " of " + batch + ": "
                        + response.getDeferredReason());
            }
            added += batch;
            if (added % 5000 == 0) {
                System.out.printf("  %s: %d / %d (%.0f msg/s)%n", userId, existing + added, size,
                        added / ((System.nanoTime() - started) / 1e9));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        result.put("messages_added", added);
        result.put("seconds", RecallMetrics.round(seconds));
        result.put("messages_per_second", RecallMetrics.round(added / seconds));
        try (Connection c = database.get(); Statement s = c.createStatement()) {
            s.execute("ANALYZE memory_entry");
        }
        return result;
    }

    /**
     * Semi-synthetic fill for sizes where embedding every memory through the service does not fit
     * the time box: copies of the bench-scale-10000 scope (real MiniLM vectors of real sentences)
     * with uniform noise added to each vector (standard deviation 0.02 per dimension, then unit length:
     * cosine about 0.93 to the source) and a copy tag in the text. Near-duplicate clusters are, if
     * anything, harder for HNSW than natural data. Inserted by SQL, bypassing AddMemory.
     */
    private Map<String, Object> replicate(String userId, int size) throws SQLException {
        String source = "bench-scale-10000";
        int existing = count(userId);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("existing_before_run", existing);
        result.put("source_scope", source);
        int sourceSize = count(source);
        if (sourceSize < 10000) {
            throw new IllegalStateException("replicate needs the 10k scope filled first (scale --sizes=10000)");
        }
        long started = System.nanoTime();
        try (Connection c = database.get()) {
            int copy = existing / sourceSize;
            while (count(userId) < size) {
                try (PreparedStatement insert = c.prepareStatement("""
                        INSERT INTO memory_entry (id, tenant_id, user_id, time_stamp, float_time_stamp, weekday, memory,
                                                  original_memory, speaker_name, source, embedding)
                        SELECT gen_random_uuid(), s.tenant_id, ?, s.time_stamp + make_interval(days => 3650 * ?), s.float_time_stamp + 315360000.0 * ?,
                               s.weekday, s.memory || ' (note ' || ? || ')', s.original_memory, s.speaker_name, s.source,
                               l2_normalize(s.embedding + (SELECT array_agg((random() - 0.5) * 0.069)::real[]
                                                             FROM generate_series(1, 384) g WHERE g > -s.hit_time)::vector)
                          FROM memory_entry s WHERE s.user_id = ? ORDER BY s.float_time_stamp LIMIT ?
                        """)) {
                    insert.setString(1, userId);
                    insert.setInt(2, copy);
                    insert.setInt(3, copy);
                    insert.setInt(4, copy);
                    insert.setString(5, source);
                    insert.setInt(6, Math.min(sourceSize, size - count(userId)));
                    insert.executeUpdate();
                }
                copy++;
                System.out.printf("  %s: %d / %d%n", userId, count(userId), size);
            }
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE memory_entry");
            }
        }
        result.put("seconds", RecallMetrics.round((System.nanoTime() - started) / 1e9));
        return result;
    }

    private int count(String userId) throws SQLException {
        try (Connection c = database.get();
                PreparedStatement count = c.prepareStatement("SELECT count(*) FROM memory_entry WHERE user_id = ?")) {
            count.setString(1, userId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private Map<String, Object> latency(String userId, String strategy, List<String> queries, int threads,
            int requests) throws Exception {
        for (int i = 0; i < 20; i++) { // warm-up: JIT, connection pool, page cache
            service.retrieve(userId, queries.get(i), 10, ServiceClient.strategy(strategy), 0);
        }
        long[] nanos = new long[requests];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < requests;) {
                    long t0 = System.nanoTime();
                    service.retrieve(userId, queries.get(i % queries.size()), 10, ServiceClient.strategy(strategy), 0);
                    nanos[i] = System.nanoTime() - t0;
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        Arrays.sort(nanos);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("threads", threads);
        result.put("requests", requests);
        result.put("limit", 10);
        result.put("p50_ms", percentile(nanos, 0.50));
        result.put("p95_ms", percentile(nanos, 0.95));
        result.put("p99_ms", percentile(nanos, 0.99));
        result.put("throughput_rps", RecallMetrics.round(requests / seconds));
        System.out.printf("  %s %s: %s%n", userId, strategy, result);
        return result;
    }

    private static double percentile(long[] sorted, double p) {
        return RecallMetrics.round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6);
    }

    /** recall@10 of the service's HNSW query (same SQL and settings) against exact search, per ef_search. */
    private Map<String, Object> hnswRecall(String userId, List<String> queries, List<Integer> efSearches)
            throws SQLException {
        List<float[]> vectors = embedder.embed(queries);
        List<Set<String>> exact = new ArrayList<>();
        long exactNanos = 0;
        for (float[] v : vectors) {
            long t0 = System.nanoTime();
            exact.add(ids(MemoryRepository.nearestQuery(Conversations.owner(userId), v, 10, MemoryFilter.NONE), "SET LOCAL enable_indexscan = off", 0));
            exactNanos += System.nanoTime() - t0;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("queries", queries.size());
        result.put("exact_mean_ms", RecallMetrics.round(exactNanos / 1e6 / queries.size()));
        for (int ef : efSearches) {
            double recall = 0;
            long nanos = 0;
            for (int i = 0; i < vectors.size(); i++) {
                long t0 = System.nanoTime();
                Set<String> found = ids(MemoryRepository.nearestQuery(Conversations.owner(userId), vectors.get(i), 10, MemoryFilter.NONE), null, ef);
                nanos += System.nanoTime() - t0;
                found.retainAll(exact.get(i));
                recall += found.size() / (double) Math.max(1, exact.get(i).size());
            }
            result.put("ef_search=" + ef, Map.of("recall", RecallMetrics.round(recall / vectors.size()),
                    "mean_sql_ms", RecallMetrics.round(nanos / 1e6 / vectors.size())));
        }
        System.out.printf("  %s hnsw: %s%n", userId, result);
        return result;
    }

    private Set<String> ids(SqlQuery query, String setting, int efSearch) throws SQLException {
        try (Connection c = database.get()) {
            c.setAutoCommit(false);
            try {
                if (setting != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute(setting);
                    }
                }
                if (efSearch > 0) {
                    MemoryRepository.setSearchOptions(c, efSearch);
                }
                Set<String> ids = new HashSet<>();
                try (PreparedStatement p = query.prepare(c, ""); ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString("id"));
                    }
                }
                return ids;
            } finally {
                c.rollback();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void markdown(Map<String, Object> json, StringBuilder md) {
        md.append("### ").append(json.get("memories")).append(" memories in one user scope\n\n");
        Map<String, Object> ingest = (Map<String, Object>) json.get("ingest");
        if (ingest.containsKey("messages_per_second")) {
            md.append("Ingest (AddMemory, `none` mode, 500 messages per call): ").append(ingest.get("messages_added"))
                    .append(" messages at ").append(ingest.get("messages_per_second")).append(" messages/s.\n\n");
        }
        md.append("| strategy | threads | requests | p50 ms | p95 ms | p99 ms | throughput req/s |\n|---|---|---|---|---|---|---|\n");
        ((Map<String, Object>) json.get("retrieve_latency")).forEach((strategy, value) -> {
            Map<String, Object> r = (Map<String, Object>) value;
            md.append("| ").append(strategy).append(" | ").append(r.get("threads")).append(" | ").append(r.get("requests"))
                    .append(" | ").append(r.get("p50_ms")).append(" | ").append(r.get("p95_ms")).append(" | ")
                    .append(r.get("p99_ms")).append(" | ").append(r.get("throughput_rps")).append(" |\n");
        });
        Map<String, Object> hnsw = (Map<String, Object>) json.get("hnsw_recall_at_10");
        md.append("\nHNSW recall@10 vs exact search (").append(hnsw.get("queries")).append(" queries; exact search ")
                .append(hnsw.get("exact_mean_ms")).append(" ms/query):\n\n| ef_search | recall@10 | mean SQL ms |\n|---|---|---|\n");
        hnsw.forEach((key, value) -> {
            if (key.startsWith("ef_search=")) {
                Map<String, Object> r = (Map<String, Object>) value;
                md.append("| ").append(key.substring("ef_search=".length())).append(" | ").append(r.get("recall"))
                        .append(" | ").append(r.get("mean_sql_ms")).append(" |\n");
            }
        });
        md.append('\n');
    }
}
