package io.lightmem.bench;

import com.pgvector.PGvector;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.Owner;
import io.lightmem.model.Embedder;
import io.lightmem.model.EmbeddingInput;
import io.lightmem.retrieve.VectorSearchRule;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.SqlQuery;
import io.lightmem.store.VectorSearch;
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
import java.time.Instant;
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
 * Latency and scale on synthetic memories (BENCHMARKS.md, "Scale and latency"): one user scope of N
 * memories, filled through AddMemory (reused by later runs) or replicated by SQL; the `none`-mode
 * ingest rate against the embedder's own rate on the same texts; gRPC Retrieve per strategy with
 * the server's breakdown of where the time went, side by side with LangChain4j's
 * PgVectorEmbeddingStore on the same memories; and recall@10 of the HNSW search against exact search.
 */
final class ScaleBench {

    /** What one run measures. */
    record Options(int size, String fill, List<String> strategies, int threads, int requests, int rounds,
            List<Integer> efSearches, int recallQueries, int ingestMessages, boolean baseline, boolean alone) {
    }

    /** A measured kind of request: a strategy over gRPC, or the baseline in process. */
    private interface Target {
        void call(String query);
    }

    private static final int LIMIT = 10;
    private static final String REPEATED = "embedding, repeated question";
    private static final String BASELINE = "LangChain4j PgVectorEmbeddingStore";
    /** Entries of the breakdown that count events rather than time. */
    private static final Set<String> COUNTS = Set.of("query_cache_hits", "exact_searches", "hnsw_searches");

    private final ServiceClient service;
    private final Supplier<Connection> database;
    private final Embedder embedder;
    private final ServerMetrics metrics;
    private final BaselineStores baselines;

    /** Opens the baseline store of one scope (a table per scope), emptied first when {@code fresh}. */
    interface BaselineStores {
        Lc4jBaseline open(String table, boolean fresh);
    }

    ScaleBench(ServiceClient service, Supplier<Connection> database, Embedder embedder, ServerMetrics metrics,
            BaselineStores baselines) {
        this.service = service;
        this.database = database;
        this.embedder = embedder;
        this.metrics = metrics;
        this.baselines = baselines;
    }

    Map<String, Object> run(Options options, StringBuilder md) throws Exception {
        int size = options.size();
        String userId = "bench-scale-" + size;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("memories", size);
        json.put("fill", options.fill());
        json.put("load_average_before", loadAverage());
        json.put("ingest", options.fill().equals("replicate") ? replicate(userId, size) : fill(userId, size));
        if (options.ingestMessages() > 0) {
            json.put("ingest_vs_embedder", ingestVersusEmbedder(options.ingestMessages()));
        }
        // Questions never repeat across targets and rounds, nor across the sizes of one run (seeded by the
        // size), so the service's cache of query vectors serves only the "repeated question" target (which
        // asks the same few questions over and over).
        List<String> questions = new Synthetic(99L * size).distinctQuestions(
                40 + options.requests() * (options.strategies().size() + 1) + options.recallQueries());
        Map<String, Target> targets = new LinkedHashMap<>();
        for (String strategy : options.strategies()) {
            targets.put(strategy, query -> service.retrieve(userId, query, LIMIT, ServiceClient.strategy(strategy), 0));
        }
        if (options.strategies().contains("embedding")) {
            targets.put(REPEATED, query -> service.retrieve(userId, query, LIMIT, ServiceClient.strategy("embedding"), 0));
        }
        if (options.baseline()) {
            Lc4jBaseline baseline = baselineOf(userId, size);
            targets.put(BASELINE, query -> baseline.search(query, LIMIT));
        }
        json.put("retrieve_latency", latency(targets, questions, options));
        json.put("hnsw_recall_at_10", hnswRecall(userId, size,
                questions.subList(questions.size() - options.recallQueries(), questions.size()), options));
        json.put("load_average_after", loadAverage());
        markdown(json, md);
        return json;
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
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
            add(request.build(), batch);
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

    private void add(AddMemoryRequest request, int expected) {
        AddMemoryResponse response = service.add(request);
        if (response.getEntriesCount() != expected) {
            throw new IllegalStateException("stored " + response.getEntriesCount() + " of " + expected + ": "
                    + response.getDeferredReason());
        }
    }

    /**
     * The `none`-mode ingest rate (AddMemory of 500 messages: log, embed, store) against the rate of
     * the same embedder alone (this process, same model, batch size and session options) on the same
     * texts, block by block in alternation so both see the same machine. Into a scratch scope, erased after.
     */
    private Map<String, Object> ingestVersusEmbedder(int messages) {
        String userId = "bench-ingest-" + Long.toString(Instant.now().getEpochSecond(), 36);
        Synthetic sentences = new Synthetic(7);
        LocalDateTime time = LocalDateTime.parse("2023-01-01T08:00:00");
        long ingestNanos = 0;
        long embedNanos = 0;
        List<Double> ratios = new ArrayList<>();
        for (int done = 0; done < messages; done += 500) {
            int batch = Math.min(500, messages - done);
            List<String> texts = new ArrayList<>(batch);
            AddMemoryRequest.Builder request = AddMemoryRequest.newBuilder().setUserId(userId);
            for (int i = 0; i < batch; i++) {
                String text = sentences.sentence() + " (" + userId + " " + (done + i) + ")";
                texts.add(text);
                time = time.plusMinutes(17);
                request.addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent(text)
                        .setTimeStamp(time.toString()));
            }
            long t0 = System.nanoTime();
            embedder.embed(texts, EmbeddingInput.PASSAGE);
            long t1 = System.nanoTime();
            add(request.build(), batch);
            long t2 = System.nanoTime();
            embedNanos += t1 - t0;
            ingestNanos += t2 - t1;
            ratios.add(RecallMetrics.round((double) (t1 - t0) / (t2 - t1)));
        }
        service.erase(userId);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", messages);
        result.put("ingest_messages_per_second", RecallMetrics.round(messages / (ingestNanos / 1e9)));
        result.put("embedder_texts_per_second", RecallMetrics.round(messages / (embedNanos / 1e9)));
        result.put("ratio", RecallMetrics.round((double) embedNanos / ingestNanos));
        result.put("ratio_per_block", ratios);
        System.out.printf("  ingest vs embedder: %s%n", result);
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
                System.out.printf("  %s: %d / %d (%s)%n", userId, count(userId), size, Instant.now());
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

    /**
     * The baseline's table for this scope (bench_lc4j_scale_N): the scope's memory texts with the
     * vectors LightMem computed (the same model, all-MiniLM-L6-v2, so the same vectors LangChain4j's
     * model gives), copied once and kept for later runs. It holds only this scope, so the baseline
     * searches without a filter: the most favourable setting for it.
     */
    private Lc4jBaseline baselineOf(String userId, int size) throws SQLException {
        String table = "bench_lc4j_scale_" + size;
        long stored;
        try (Connection c = database.get(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
                rs.next();
                stored = rs.getBoolean(1) ? -1 : 0;
            }
            if (stored < 0) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    stored = rs.getLong(1);
                }
            }
        }
        if (stored >= size) {
            return baselines.open(table, false);
        }
        Lc4jBaseline baseline = baselines.open(table, true);
        long started = System.nanoTime();
        try (Connection c = database.get()) {
            c.setAutoCommit(false);
            PGvector.addVectorType(c);
            try (PreparedStatement read = c.prepareStatement(
                    "SELECT memory, embedding FROM memory_entry WHERE user_id = ? ORDER BY float_time_stamp, id")) {
                read.setFetchSize(2000);
                read.setString(1, userId);
                try (ResultSet rs = read.executeQuery()) {
                    List<String> texts = new ArrayList<>();
                    List<float[]> vectors = new ArrayList<>();
                    while (rs.next()) {
                        texts.add(rs.getString(1));
                        vectors.add(((PGvector) rs.getObject(2)).toArray());
                        if (texts.size() == 2000) {
                            baseline.addEmbedded(texts, vectors);
                            texts.clear();
                            vectors.clear();
                        }
                    }
                    if (!texts.isEmpty()) {
                        baseline.addEmbedded(texts, vectors);
                    }
                }
            }
            c.rollback();
        }
        System.out.printf("  %s: copied %d memories into %s in %.0f s%n", userId, size, table,
                (System.nanoTime() - started) / 1e9);
        return baseline;
    }

    /**
     * Each target in turn, {@code rounds} times (so a change of load during the run hits every target
     * alike), {@code requests / rounds} requests per turn on {@code threads} client threads; the
     * server's stage timers are read around each turn.
     */
    private Map<String, Object> latency(Map<String, Target> targets, List<String> questions, Options options)
            throws Exception {
        int perRound = Math.max(1, options.requests() / options.rounds());
        Map<String, long[]> nanos = new LinkedHashMap<>();
        Map<String, Map<String, Double>> stages = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        AtomicInteger nextQuestion = new AtomicInteger();
        // Warm-up: JIT, connection pools, page cache; questions of their own.
        for (Map.Entry<String, Target> target : targets.entrySet()) {
            for (int i = 0; i < 10; i++) {
                target.getValue().call(questions.get(nextQuestion.getAndIncrement() % 40));
            }
        }
        nextQuestion.set(40);
        List<String> repeated = questions.subList(0, 10);
        for (int round = 0; round < options.rounds(); round++) {
            for (Map.Entry<String, Target> target : targets.entrySet()) {
                String name = target.getKey();
                long[] all = nanos.computeIfAbsent(name, n -> new long[0]);
                List<String> asked = new ArrayList<>(perRound);
                for (int i = 0; i < perRound; i++) {
                    asked.add(name.equals(REPEATED) ? repeated.get(i % repeated.size())
                            : questions.get(40 + Math.floorMod(nextQuestion.getAndIncrement() - 40,
                                    questions.size() - 40 - options.recallQueries())));
                }
                Map<String, Double> before = metrics.read();
                long started = System.nanoTime();
                long[] turn = timed(target.getValue(), asked, options.threads());
                seconds.merge(name, (System.nanoTime() - started) / 1e9, Double::sum);
                Map<String, Double> after = metrics.read();
                long[] merged = Arrays.copyOf(all, all.length + turn.length);
                System.arraycopy(turn, 0, merged, all.length, turn.length);
                nanos.put(name, merged);
                Map<String, Double> sums = stages.computeIfAbsent(name, n -> new LinkedHashMap<>());
                for (String stage : List.of("embed", "search", "speaker_match", "period_search", "lexical_search", "fuse", "retrieve")) {
                    sums.merge(stage, ServerMetrics.delta(before, after, "lightmem_stage_seconds_sum",
                            "stage=\"" + stage + "\""), Double::sum);
                }
                sums.merge("grpc_server", ServerMetrics.delta(before, after,
                        "grpc_server_processing_duration_seconds_sum", "method=\"Retrieve\""), Double::sum);
                sums.merge("query_cache_hits", ServerMetrics.delta(before, after, "lightmem_query_embeddings_total",
                        "cache=\"hit\""), Double::sum);
                sums.merge("exact_searches", ServerMetrics.delta(before, after, "lightmem_vector_searches_total",
                        "method=\"exact\""), Double::sum);
                sums.merge("hnsw_searches", ServerMetrics.delta(before, after, "lightmem_vector_searches_total",
                        "method=\"hnsw\""), Double::sum);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : nanos.entrySet()) {
            long[] sorted = e.getValue().clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("threads", options.threads());
            r.put("requests", n);
            r.put("limit", LIMIT);
            r.put("p50_ms", percentile(sorted, 0.50));
            r.put("p95_ms", percentile(sorted, 0.95));
            r.put("p99_ms", percentile(sorted, 0.99));
            r.put("mean_ms", RecallMetrics.round(Arrays.stream(sorted).average().orElse(0) / 1e6));
            r.put("throughput_rps", RecallMetrics.round(n / seconds.get(e.getKey())));
            if (metrics.available() && !e.getKey().equals(BASELINE)) {
                Map<String, Object> breakdown = new LinkedHashMap<>();
                stages.get(e.getKey()).forEach((stage, sum) -> breakdown.put(stage,
                        COUNTS.contains(stage) ? sum : RecallMetrics.round(sum * 1000 / n)));
                r.put("server_mean_ms", breakdown);
            }
            result.put(e.getKey(), r);
            System.out.printf("  %s: %s%n", e.getKey(), r);
        }
        return result;
    }

    private static long[] timed(Target target, List<String> questions, int threads) throws Exception {
        long[] nanos = new long[questions.size()];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < questions.size();) {
                        long t0 = System.nanoTime();
                        target.call(questions.get(i));
                        nanos[i] = System.nanoTime() - t0;
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
        return nanos;
    }

    private static double percentile(long[] sorted, double p) {
        return RecallMetrics.round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6);
    }

    /**
     * recall@10 of the service's nearest-neighbour query (same SQL and settings) against exact search,
     * per ef_search, with the iterative scan in pgvector's relaxed order (the service's) and strict
     * order; and what the service's rule (default settings) chooses for this scope. SQL times are on
     * one open connection, so they are the query's own. With {@code alone}, the same on a copy of the
     * scope with an HNSW index of its own: what a partition per scope would give.
     */
    private Map<String, Object> hnswRecall(String userId, int size, List<String> queries, Options options)
            throws SQLException {
        Owner owner = Conversations.owner(userId);
        List<float[]> vectors = embedder.embed(queries, EmbeddingInput.QUERY);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("queries", queries.size());
        try (Connection c = database.get()) {
            c.setAutoCommit(false);
            PGvector.addVectorType(c);
            List<Set<String>> exact = new ArrayList<>();
            long[] exactNanos = new long[vectors.size()];
            for (int i = 0; i < vectors.size(); i++) {
                long t0 = System.nanoTime();
                exact.add(ids(c, MemoryRepository.nearestQuery(owner, vectors.get(i), LIMIT, MemoryFilter.NONE,
                        VectorSearch.exact()), VectorSearch.exact(), null));
                exactNanos[i] = System.nanoTime() - t0;
            }
            result.put("exact", timing(exactNanos));
            VectorSearchRule rule = VectorSearchRule.withDefaults();
            VectorSearch chosen = rule.choose(size, LIMIT, 0);
            result.put("rule_chooses", chosen.toString());
            for (String order : List.of("relaxed_order", "strict_order")) {
                Map<String, Object> byEf = new LinkedHashMap<>();
                List<Integer> efs = new ArrayList<>(options.efSearches());
                if (!chosen.isExact() && !efs.contains(chosen.efSearch())) {
                    efs.add(chosen.efSearch());
                    efs.sort(null);
                }
                for (int ef : efs) {
                    byEf.put(Integer.toString(ef), recall(c, vectors, exact, vector -> MemoryRepository.nearestQuery(
                            owner, vector, LIMIT, MemoryFilter.NONE, VectorSearch.hnsw(ef)), VectorSearch.hnsw(ef), order));
                }
                result.put(order, byEf);
            }
            if (options.alone()) {
                result.put("alone", alone(c, userId, size, vectors, exact, options.efSearches()));
            }
            c.rollback();
        }
        System.out.printf("  %s hnsw: %s%n", userId, result);
        return result;
    }

    private static Map<String, Object> timing(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mean_sql_ms", RecallMetrics.round(Arrays.stream(sorted).average().orElse(0) / 1e6));
        r.put("p95_sql_ms", percentile(sorted, 0.95));
        return r;
    }

    private static Set<String> ids(Connection c, SqlQuery query, VectorSearch search, String order) throws SQLException {
        try {
            MemoryRepository.setSearchOptions(c, search);
            if (order != null) {
                try (PreparedStatement s = c.prepareStatement("SELECT set_config('hnsw.iterative_scan', ?, true)")) {
                    s.setString(1, order);
                    s.execute();
                }
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

    /** The scope copied into a table of its own with its own HNSW index (kept for later runs). */
    private Map<String, Object> alone(Connection c, String userId, int size, List<float[]> vectors,
            List<Set<String>> exact, List<Integer> efSearches) throws SQLException {
        String table = "bench_alone_" + size;
        c.commit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
                rs.next();
                exists = rs.getBoolean(1);
            }
            if (!exists) {
                long t0 = System.nanoTime();
                s.execute("SET maintenance_work_mem = '1GB'");
                s.execute("CREATE TABLE " + table + " AS SELECT id, embedding FROM memory_entry WHERE user_id = '"
                        + userId + "'");
                s.execute("CREATE INDEX ON " + table + " USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)");
                s.execute("ANALYZE " + table);
                System.out.printf("  %s: own HNSW index built in %.0f s%n", table, (System.nanoTime() - t0) / 1e9);
            }
        }
        c.setAutoCommit(false);
        Map<String, Object> byEf = new LinkedHashMap<>();
        for (int ef : efSearches) {
            byEf.put(Integer.toString(ef), recall(c, vectors, exact, vector -> new SqlQuery(
                    "SELECT id FROM " + table + " ORDER BY embedding <=> ? LIMIT ?", List.of(new PGvector(vector), LIMIT)),
                    VectorSearch.hnsw(ef), null));
        }
        return byEf;
    }

    /** recall@10 of {@code query} against {@code exact} over the questions' vectors, with its SQL times. */
    private static Map<String, Object> recall(Connection c, List<float[]> vectors, List<Set<String>> exact,
            java.util.function.Function<float[], SqlQuery> query, VectorSearch search, String order) throws SQLException {
        double recall = 0;
        long[] nanos = new long[vectors.size()];
        for (int i = 0; i < vectors.size(); i++) {
            long t0 = System.nanoTime();
            Set<String> found = ids(c, query.apply(vectors.get(i)), search, order);
            nanos[i] = System.nanoTime() - t0;
            found.retainAll(exact.get(i));
            recall += found.size() / (double) Math.max(1, exact.get(i).size());
        }
        Map<String, Object> r = new LinkedHashMap<>(timing(nanos));
        r.put("recall", RecallMetrics.round(recall / vectors.size()));
        return r;
    }

    @SuppressWarnings("unchecked")
    private static void markdown(Map<String, Object> json, StringBuilder md) {
        md.append("### ").append(json.get("memories")).append(" memories in one user scope\n\n");
        md.append("Load average before: ").append(json.get("load_average_before")).append("; after: ")
                .append(json.get("load_average_after")).append(".\n\n");
        Map<String, Object> ingest = (Map<String, Object>) json.get("ingest");
        if (ingest.containsKey("messages_per_second")) {
            md.append("Fill (AddMemory, `none` mode, 500 messages per call): ").append(ingest.get("messages_added"))
                    .append(" messages at ").append(ingest.get("messages_per_second")).append(" messages/s.\n\n");
        }
        Map<String, Object> versus = (Map<String, Object>) json.get("ingest_vs_embedder");
        if (versus != null) {
            md.append("Ingest against the embedder alone, same texts, alternating blocks of 500: AddMemory ")
                    .append(versus.get("ingest_messages_per_second")).append(" messages/s, embedder ")
                    .append(versus.get("embedder_texts_per_second")).append(" texts/s, ratio **")
                    .append(versus.get("ratio")).append("** (per block ").append(versus.get("ratio_per_block"))
                    .append(").\n\n");
        }
        md.append("| target | threads | requests | p50 ms | p95 ms | p99 ms | mean ms | req/s |\n|---|---|---|---|---|---|---|---|\n");
        Map<String, Object> latency = (Map<String, Object>) json.get("retrieve_latency");
        latency.forEach((target, value) -> {
            Map<String, Object> r = (Map<String, Object>) value;
            md.append("| ").append(target).append(" | ").append(r.get("threads")).append(" | ").append(r.get("requests"))
                    .append(" | ").append(r.get("p50_ms")).append(" | ").append(r.get("p95_ms")).append(" | ")
                    .append(r.get("p99_ms")).append(" | ").append(r.get("mean_ms")).append(" | ")
                    .append(r.get("throughput_rps")).append(" |\n");
        });
        Map<String, Object> baseline = (Map<String, Object>) latency.get(BASELINE);
        if (baseline != null) {
            md.append("\np95 against the baseline's: ");
            latency.forEach((target, value) -> {
                if (!target.equals(BASELINE)) {
                    md.append(target).append(" ").append(RecallMetrics.round(
                            (double) ((Map<String, Object>) value).get("p95_ms") / (double) baseline.get("p95_ms")))
                            .append("×; ");
                }
            });
            md.append("\n");
        }
        md.append("\nServer-side breakdown, mean ms per request (stage timers; the lists of `hybrid` overlap when run side by side):\n\n")
                .append("| target | client total | gRPC server call | service (retrieve) | query embedding | embedding SQL | speaker match | lexical SQL |"
                        + " fusion | query cache hits | exact / HNSW searches |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        latency.forEach((target, value) -> {
            Map<String, Object> r = (Map<String, Object>) value;
            Map<String, Object> b = (Map<String, Object>) r.get("server_mean_ms");
            if (b != null) {
                md.append("| ").append(target).append(" | ").append(r.get("mean_ms")).append(" | ").append(b.get("grpc_server"))
                        .append(" | ").append(b.get("retrieve")).append(" | ").append(b.get("embed")).append(" | ")
                        .append(b.get("search")).append(" | ").append(b.get("speaker_match")).append(" | ")
                        .append(b.get("lexical_search")).append(" | ").append(b.get("fuse")).append(" | ")
                        .append(b.get("query_cache_hits")).append(" | ").append(b.get("exact_searches")).append(" / ")
                        .append(b.get("hnsw_searches")).append(" |\n");
            }
        });
        Map<String, Object> hnsw = (Map<String, Object>) json.get("hnsw_recall_at_10");
        Map<String, Object> exact = (Map<String, Object>) hnsw.get("exact");
        md.append("\nrecall@10 against exact search (").append(hnsw.get("queries")).append(" queries; exact search ")
                .append(exact.get("mean_sql_ms")).append(" ms mean, ").append(exact.get("p95_sql_ms"))
                .append(" ms p95 SQL; the service's rule chooses ").append(hnsw.get("rule_chooses")).append("):\n\n");
        Map<String, Object> relaxed = (Map<String, Object>) hnsw.get("relaxed_order");
        Map<String, Object> strict = (Map<String, Object>) hnsw.get("strict_order");
        Map<String, Object> alone = (Map<String, Object>) hnsw.get("alone");
        md.append("| ef_search | relaxed recall | relaxed SQL mean / p95 ms | strict recall | strict SQL mean / p95 ms")
                .append(alone == null ? "" : " | own index recall | own index SQL mean / p95 ms").append(" |\n|---|---|---|---|---")
                .append(alone == null ? "" : "|---|---").append("|\n");
        relaxed.forEach((ef, value) -> {
            Map<String, Object> r = (Map<String, Object>) value;
            Map<String, Object> s = (Map<String, Object>) strict.get(ef);
            md.append("| ").append(ef).append(" | ").append(r.get("recall")).append(" | ").append(r.get("mean_sql_ms"))
                    .append(" / ").append(r.get("p95_sql_ms")).append(" | ").append(s.get("recall")).append(" | ")
                    .append(s.get("mean_sql_ms")).append(" / ").append(s.get("p95_sql_ms"));
            if (alone != null) {
                Map<String, Object> a = (Map<String, Object>) alone.get(ef);
                md.append(" | ").append(a == null ? "" : a.get("recall")).append(" | ")
                        .append(a == null ? "" : a.get("mean_sql_ms") + " / " + a.get("p95_sql_ms"));
            }
            md.append(" |\n");
        });
        md.append('\n');
    }
}
