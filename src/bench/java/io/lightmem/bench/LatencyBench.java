package io.lightmem.bench;

import io.lightmem.bench.LocomoData.Conversation;
import io.lightmem.bench.LocomoData.Qa;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Single-client Retrieve latency at N memories for the model the service runs: the scope is made of
 * the LoCoMo turn memories this database already holds (embedded by that model in an earlier
 * `locomo` run), copied by SQL until N, each copy a day later; the questions are LoCoMo's, each asked
 * once, the strategies taking turns request by request. One request at a time (no concurrency), after
 * a warm-up, so the numbers are one query's cost: its embedding (a 12-layer model costs more than
 * MiniLM's 6) and the search.
 */
final class LatencyBench {

    private final ServiceClient service;
    private final Supplier<Connection> database;

    LatencyBench(ServiceClient service, Supplier<Connection> database) {
        this.service = service;
        this.database = database;
    }

    Map<String, Object> run(int size, Path locomo, List<String> strategies, int requests, StringBuilder md)
            throws Exception {
        String model = service.config().getOrDefault("lightmem.text-embedder.model", "?");
        String userId = "bench-latency-" + model + "-" + size;
        int filled = fill(userId, size);
        List<String> questions = new ArrayList<>();
        for (Conversation c : LocomoData.read(locomo).conversations()) {
            LocomoBench.questions(c).stream().map(Qa::question).forEach(questions::add);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        json.put("memories", filled);
        json.put("requests_per_strategy", requests);
        md.append(String.format("### Single-client Retrieve latency, %d memories, model %s (%d requests each)%n%n",
                filled, model, requests));
        md.append("| strategy | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|\n");
        // The strategies take turns request by request, each question asked once in the whole run (while
        // the data has enough): a question asked again would be served from the service's cache of query
        // vectors, which made whichever strategy ran second look faster.
        int n = strategies.size();
        int warmUp = 20;
        int next = 0;
        for (int i = 0; i < warmUp * n; i++) {
            service.retrieve(userId, questions.get(next++ % questions.size()), 10,
                    ServiceClient.strategy(strategies.get(i % n)), 0);
        }
        long[][] nanos = new long[n][requests];
        for (int i = 0; i < requests * n; i++) {
            String q = questions.get(next++ % questions.size());
            long t0 = System.nanoTime();
            service.retrieve(userId, q, 10, ServiceClient.strategy(strategies.get(i % n)), 0);
            nanos[i % n][i / n] = System.nanoTime() - t0;
        }
        json.put("questions_asked_again", Math.max(0, next - questions.size()));
        Map<String, Object> latency = new LinkedHashMap<>();
        for (int s = 0; s < n; s++) {
            String strategy = strategies.get(s);
            long[] sorted = nanos[s];
            Arrays.sort(sorted);
            Map<String, Object> row = Map.of("p50_ms", ms(sorted, 0.5), "p95_ms", ms(sorted, 0.95), "p99_ms",
                    ms(sorted, 0.99));
            latency.put(strategy, row);
            md.append(String.format("| %s | %.1f | %.1f | %.1f |%n", strategy, ms(sorted, 0.5), ms(sorted, 0.95),
                    ms(sorted, 0.99)));
        }
        json.put("retrieve_latency", latency);
        md.append('\n');
        return json;
    }

    /** Copies this database's LoCoMo turn memories into {@code userId} until it holds {@code size}. */
    private int fill(String userId, int size) throws SQLException {
        try (Connection c = database.get()) {
            int existing = count(c, userId);
            if (existing < size) {
                try (PreparedStatement copy = c.prepareStatement("""
                        INSERT INTO memory_entry (id, tenant_id, user_id, time_stamp, float_time_stamp, weekday, memory,
                                                  original_memory, speaker_name, source, embedding)
                        SELECT gen_random_uuid(), m.tenant_id, ?, m.time_stamp + g * interval '1 day',
                               m.float_time_stamp + g * 86400, m.weekday, m.memory, m.original_memory,
                               m.speaker_name, m.source, m.embedding
                          FROM generate_series(0, 99) g
                          CROSS JOIN (SELECT * FROM memory_entry WHERE user_id LIKE 'bench-locomo-%-turns%'
                                       ORDER BY user_id, float_time_stamp) m
                         LIMIT ?""")) {
                    copy.setString(1, userId);
                    copy.setInt(2, size - existing);
                    copy.executeUpdate();
                }
                try (PreparedStatement analyze = c.prepareStatement("ANALYZE memory_entry")) {
                    analyze.execute();
                }
            }
            return count(c, userId);
        }
    }

    private static int count(Connection c, String userId) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM memory_entry WHERE user_id = ?")) {
            count.setString(1, userId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static double ms(long[] sorted, double p) {
        return RecallMetrics.round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6);
    }
}
