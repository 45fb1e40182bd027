package io.lightmem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pgvector.PGvector;
import io.grpc.ManagedChannel;
import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.testing.ScriptedLlmServer.Reply;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.ConstructUpdateQueueResponse;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.Message;
import io.lightmem.v1.OfflineUpdateRequest;
import io.lightmem.v1.OfflineUpdateResponse;
import io.lightmem.v1.Role;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Consolidation measurements for BENCHMARKS.md (not a test). Needs the packaged service
 * (target/quarkus-app) and the database of QUARKUS_DATASOURCE_JDBC_URL/_USERNAME/_PASSWORD.
 *
 * <ol>
 * <li>Queue construction for one user with N synthetic entries (template sentences, real
 * all-MiniLM-L6-v2 vectors, inserted directly), through the ConstructUpdateQueue RPC.</li>
 * <li>LLM calls of OfflineUpdate on the first LoCoMo dev conversation ingested with the {@code none}
 * manager (one memory per turn, messages-use=hybrid), against a scripted LLM answering "ignore", once
 * with verbatim-speaker off (the default) and once on (the speaker's name in each memory).</li>
 * </ol>
 * Run: {@code ./mvnw -Pbench test-compile exec:java -Dexec.mainClass=io.lightmem.bench.ConsolidationBench
 * [-Dentries=10000] [-Dlocomo=/work/shared/data/locomo/locomo-dev.json]}
 */
public final class ConsolidationBench {

    private static final int GRPC_PORT = 19_377;

    /** The bootstrap key of the services it starts (authentication is on, as in production). */

    private static final String KEY = "consolidation-bench-" + java.util.UUID.randomUUID();
    private static final String[] NAMES = {"Alice", "Bob", "Caroline", "Melanie", "Dan", "Eve", "Farid", "Grace",
        "Hiro", "Ines", "Jon", "Kemal", "Lena", "Marco", "Nia", "Oscar", "Priya", "Quinn", "Rosa", "Sam"};
    private static final String[] DOING = {"went hiking", "adopted a cat", "started a pottery class",
        "ran a half marathon", "painted a sunset", "visited a museum", "cooked a curry", "read a novel about pirates",
        "joined a support group", "bought a new bike", "played the violin", "went camping", "learned to surf",
        "moved into a new flat", "volunteered at a shelter", "started a new job", "took a cooking class",
        "watched a documentary about whales", "planted tomatoes", "went to a concert", "wrote a poem",
        "fixed an old radio", "baked sourdough bread", "traveled by train", "went birdwatching"};
    private static final String[] WHERE = {"in Lisbon", "in Boston", "near the lake", "at the community centre",
        "in the mountains", "with friends", "with the family", "downtown", "at the beach", "in Berlin",
        "in a small village", "at home", "in Tokyo", "at the park", "in Toronto", "at school", "in Madrid",
        "at the library", "in Nairobi", "on the weekend"};
    private static final String[] WHEN = {"last Monday", "yesterday", "in March", "two weeks ago", "this morning",
        "last summer", "on her birthday", "on his birthday", "after work", "during the holidays"};

    public static void main(String[] args) throws Exception {
        String url = env("QUARKUS_DATASOURCE_JDBC_URL");
        String dbUser = env("QUARKUS_DATASOURCE_USERNAME");
        String dbPassword = env("QUARKUS_DATASOURCE_PASSWORD");
        int entries = Integer.getInteger("entries", 10_000);
        Path locomo = Path.of(System.getProperty("locomo", "/work/shared/data/locomo/locomo-dev.json"));
        String run = Long.toString(System.currentTimeMillis(), 36);
        System.out.printf("machine: %d cores, %s %s, JDK %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));

        // ---- 1. synthetic entries, embedded for real, inserted directly
        String queueUser = "bench-queue-" + run;
        try (Connection db = DriverManager.getConnection(url, dbUser, dbPassword)) {
            // Embedding 10k texts takes minutes on 2 busy cores: an earlier bench user's rows (same
            // seeded texts, real vectors) are copied when present.
            String earlier = earlierBenchUser(db, entries);
            if (earlier != null) {
                copy(db, earlier, queueUser);
                System.out.printf("copied %d synthetic entries (texts and MiniLM vectors) of %s%n", entries, earlier);
            } else {
                List<String> texts = syntheticTexts(entries, new Random(42));
                long embedStart = System.nanoTime();
                List<float[]> vectors;
                try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                        OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 32, 256)) {
                    vectors = embedder.embedPassages(texts);
                }
                double embedSeconds = (System.nanoTime() - embedStart) / 1e9;
                System.out.printf("embedded %d synthetic texts in %.1f s (%.0f/s)%n", entries, embedSeconds,
                        entries / embedSeconds);
                insert(db, queueUser, texts, vectors);
            }
        }

        try (ScriptedLlmServer llm = new ScriptedLlmServer()) {
            llm.fallback(Reply.answer("{\"action\": \"ignore\", \"new_memory\": \"\"}"));

            // The service with an LLM (the scripted one) for step 1 and for OfflineUpdate.
            Process app = start(List.of("-Dlightmem.memory-manager.model-name=openai",
                    "-Dlightmem.memory-manager.configs.api-key=bench",
                    "-Dlightmem.memory-manager.configs.base-url=" + llm.baseUrl(),
                    "-Dlightmem.memory-manager.configs.model=scripted"), "app-llm");
            ManagedChannel channel = Credentials.channel(GRPC_PORT, KEY);
            try {
                MemoryServiceBlockingStub memory = awaitReady(MemoryServiceGrpc.newBlockingStub(channel));
                for (int attempt = 1; attempt <= 2; attempt++) {
                    long start = System.nanoTime();
                    ConstructUpdateQueueResponse built = memory.constructUpdateQueue(ConstructUpdateQueueRequest
                            .newBuilder().setUserId(queueUser).setTopK(20).setKeepTopN(10).build());
                    System.out.printf("ConstructUpdateQueue #%d (top_k 20, keep 10): %d entries, %d rows, server %d ms,"
                            + " client %.0f ms%n", attempt, built.getEntries(), built.getQueueRows(),
                            built.getElapsedMs(), (System.nanoTime() - start) / 1e6);
                }
                try (Connection db = DriverManager.getConnection(url, dbUser, dbPassword)) {
                    explain(db, queueUser);
                    exactness(db, queueUser);
                }
            } finally {
                channel.shutdownNow();
                stop(app);
            }

            // ---- 2. LoCoMo conversation 1, ingested with `none` (one memory per turn), with the speaker's
            // name in each memory (verbatim-speaker) and without it (the default).
            for (boolean named : new boolean[] {false, true}) {
                locomo(llm, url, dbUser, dbPassword, run + (named ? "-named" : ""), locomo, named);
            }
        }
    }

    private static void locomo(ScriptedLlmServer llm, String url, String dbUser, String dbPassword, String run,
            Path locomo, boolean named) throws Exception {
        String locomoUser = "bench-locomo-" + run;
        Process none = start(List.of("-Dlightmem.memory-manager.model-name=none", "-Dlightmem.messages-use=hybrid",
                "-Dlightmem.memory-manager.verbatim-speaker=" + named), "app-none");
        ManagedChannel channel = Credentials.channel(GRPC_PORT, KEY);
        int turns;
        try {
            turns = ingest(awaitReady(MemoryServiceGrpc.newBlockingStub(channel)), locomoUser, locomo);
        } finally {
            channel.shutdownNow();
            stop(none);
        }
        System.out.printf("verbatim-speaker=%s:%n", named);
        Process app = start(List.of("-Dlightmem.memory-manager.model-name=openai",
                "-Dlightmem.memory-manager.configs.api-key=bench",
                "-Dlightmem.memory-manager.configs.base-url=" + llm.baseUrl(),
                "-Dlightmem.memory-manager.configs.model=scripted"), "app-llm2");
        channel = Credentials.channel(GRPC_PORT, KEY);
        try {
            MemoryServiceBlockingStub memory = awaitReady(MemoryServiceGrpc.newBlockingStub(channel));
            ConstructUpdateQueueResponse built = memory.constructUpdateQueue(ConstructUpdateQueueRequest
                    .newBuilder().setUserId(locomoUser).build());
            System.out.printf("LoCoMo conv 1: %d turns -> %d entries; queue %d rows in %d ms%n", turns,
                    built.getEntries(), built.getQueueRows(), built.getElapsedMs());
            try (Connection db = DriverManager.getConnection(url, dbUser, dbPassword)) {
                for (double t : new double[] {0.7, 0.8, 0.9}) {
                    System.out.printf("  targets at threshold %.1f (SQL): %d%n", t, targets(db, locomoUser, t));
                }
            }
            llm.reset();
            llm.fallback(Reply.answer("{\"action\": \"ignore\", \"new_memory\": \"\"}"));
            long start = System.nanoTime();
            OfflineUpdateResponse update = memory.offlineUpdate(OfflineUpdateRequest.newBuilder()
                    .setUserId(locomoUser).build());
            System.out.printf("OfflineUpdate (threshold 0.8): %d targets, %d LLM calls (%d requests seen by the"
                    + " scripted server), %d decisions, %.1f s%n", update.getTargets(), update.getLlmCalls(),
                    llm.requests().size(), update.getDecisionsCount(), (System.nanoTime() - start) / 1e9);
            try (Connection db = DriverManager.getConnection(url, dbUser, dbPassword)) {
                System.out.println("  llm_usage(update): " + usage(db, locomoUser));
            }
            OfflineUpdateResponse again = memory.offlineUpdate(OfflineUpdateRequest.newBuilder()
                    .setUserId(locomoUser).build());
            System.out.printf("OfflineUpdate rerun: %d targets, %d already decided, %d LLM calls%n",
                    again.getTargets(), again.getAlreadyDecided(), again.getLlmCalls());
        } finally {
            channel.shutdownNow();
            stop(app);
        }
    }

    private static String earlierBenchUser(Connection db, int entries) throws Exception {
        try (PreparedStatement query = db.prepareStatement("""
                SELECT user_id FROM memory_entry WHERE user_id LIKE 'bench-queue-%'
                GROUP BY user_id HAVING count(*) = ? ORDER BY user_id LIMIT 1""")) {
            query.setInt(1, entries);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void copy(Connection db, String from, String to) throws Exception {
        try (PreparedStatement copy = db.prepareStatement("""
                INSERT INTO memory_entry (id, tenant_id, user_id, time_stamp, float_time_stamp, weekday, memory,
                                          original_memory, speaker_name, embedding)
                SELECT gen_random_uuid(), tenant_id, ?, time_stamp, float_time_stamp, weekday, memory, original_memory,
                       speaker_name, embedding
                FROM memory_entry WHERE user_id = ?""")) {
            copy.setString(1, to);
            copy.setString(2, from);
            copy.executeUpdate();
        }
        try (Statement analyze = db.createStatement()) {
            analyze.execute("ANALYZE memory_entry");
        }
    }

    private static List<String> syntheticTexts(int n, Random random) {
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add(NAMES[random.nextInt(NAMES.length)] + " " + DOING[random.nextInt(DOING.length)] + " "
                    + WHERE[random.nextInt(WHERE.length)] + " " + WHEN[random.nextInt(WHEN.length)] + ".");
        }
        return texts;
    }

    private static void insert(Connection db, String userId, List<String> texts, List<float[]> vectors)
            throws Exception {
        PGvector.addVectorType(db);
        db.setAutoCommit(false);
        Instant base = Instant.parse("2023-01-01T00:00:00Z");
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO memory_entry (id, tenant_id, user_id, time_stamp, float_time_stamp, weekday, memory,
                                          original_memory, speaker_name, embedding)
                VALUES (?, 'default', ?, ?, ?, 'Mon', ?, ?, 'User', ?)""")) {
            for (int i = 0; i < texts.size(); i++) {
                Instant at = base.plusSeconds(600L * i);
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, userId);
                insert.setTimestamp(3, Timestamp.from(at));
                insert.setDouble(4, at.getEpochSecond());
                insert.setString(5, texts.get(i));
                insert.setString(6, texts.get(i));
                insert.setObject(7, new PGvector(vectors.get(i)));
                insert.addBatch();
                if (i % 500 == 499) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        db.setAutoCommit(true);
        try (Statement analyze = db.createStatement()) {
            analyze.execute("ANALYZE memory_entry");
        }
    }

    /**
     * The plan of the newest construction batch in INDEX mode (what UpdateQueueRepository runs once an
     * entry has m older entries with m^2 >= 300 N, N = rows in memory_entry).
     */
    private static void explain(Connection db, String userId) throws Exception {
        try (Statement stats = db.createStatement();
                ResultSet rs = stats.executeQuery(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = 'memory_entry'::regclass")) {
            rs.next();
            long n = rs.getLong(1);
            System.out.printf("memory_entry holds ~%d rows (all users): batches whose first entry has >= %d older"
                    + " entries use the HNSW index, earlier ones search exactly%n", n, (long) Math.ceil(Math.sqrt(300.0 * n)));
        }
        db.setAutoCommit(false);
        try (Statement settings = db.createStatement()) {
            settings.execute("SET LOCAL hnsw.ef_search = 100");
            settings.execute("SET LOCAL hnsw.iterative_scan = relaxed_order");
            settings.execute("SET LOCAL enable_sort = off");
        }
        try (PreparedStatement explain = db.prepareStatement("""
                EXPLAIN SELECT e.id, n.id FROM memory_entry e CROSS JOIN LATERAL (
                    SELECT c.id FROM memory_entry c WHERE c.user_id = e.user_id
                      AND c.float_time_stamp <= e.float_time_stamp
                      AND (c.float_time_stamp < e.float_time_stamp OR c.id < e.id)
                    ORDER BY c.embedding <=> e.embedding LIMIT 20) n
                WHERE e.user_id = ? AND e.id = ANY (ARRAY(SELECT id FROM memory_entry WHERE user_id = ?
                                                          ORDER BY float_time_stamp DESC LIMIT 200))""")) {
            explain.setString(1, userId);
            explain.setString(2, userId);
            try (ResultSet rs = explain.executeQuery()) {
                System.out.println("plan of the newest batch (INDEX mode):");
                while (rs.next()) {
                    System.out.println("  " + rs.getString(1));
                }
            }
        }
        db.rollback();
        db.setAutoCommit(true);
    }

    /** Share of queue rows that an exact search (no index) would also keep, on a sample of 50 entries. */
    private static void exactness(Connection db, String userId) throws Exception {
        try (PreparedStatement query = db.prepareStatement("""
                WITH sample AS (SELECT id, embedding, float_time_stamp FROM memory_entry WHERE user_id = ?
                                ORDER BY float_time_stamp DESC LIMIT 50),
                exact AS (SELECT s.id AS entry_id, x.id AS candidate_id FROM sample s CROSS JOIN LATERAL (
                              SELECT c.id FROM memory_entry c WHERE c.user_id = ? AND c.float_time_stamp < s.float_time_stamp
                              ORDER BY (c.embedding <=> s.embedding) + 0 LIMIT 10) x)
                SELECT count(*) FILTER (WHERE q.entry_id IS NOT NULL), count(*) FROM exact e
                LEFT JOIN update_queue q ON q.entry_id = e.entry_id AND q.candidate_id = e.candidate_id""")) {
            query.setString(1, userId);
            query.setString(2, userId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                System.out.printf("recall of the stored queues vs exact search (50 newest entries): %d/%d%n",
                        rs.getInt(1), rs.getInt(2));
            }
        }
    }

    private static int targets(Connection db, String userId, double threshold) throws Exception {
        try (PreparedStatement query = db.prepareStatement(
                "SELECT count(DISTINCT candidate_id) FROM update_queue WHERE user_id = ? AND score >= ?::real")) {
            query.setString(1, userId);
            query.setDouble(2, threshold);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static String usage(Connection db, String userId) throws Exception {
        try (PreparedStatement query = db.prepareStatement("""
                SELECT count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0)
                FROM llm_usage WHERE user_id = ? AND operation = 'update'""")) {
            query.setString(1, userId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1) + " calls, " + rs.getLong(2) + " prompt + " + rs.getLong(3)
                        + " completion tokens (the scripted server counts 1 token per 4 characters)";
            }
        }
    }

    private static final DateTimeFormatter LOCOMO_TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);

    /** Adds every session of the first conversation, one AddMemory per session; returns the turns sent. */
    private static int ingest(MemoryServiceBlockingStub memory, String userId, Path file) throws Exception {
        JsonNode conversation = new ObjectMapper().readTree(file.toFile()).get(0).get("conversation");
        String speakerA = conversation.get("speaker_a").asText();
        int turns = 0;
        for (int session = 1; conversation.has("session_" + session + "_date_time"); session++) {
            JsonNode messages = conversation.get("session_" + session);
            if (messages == null || !messages.isArray()) {
                continue;
            }
            String time = LocalDateTime.parse(conversation.get("session_" + session + "_date_time").asText().strip(),
                    LOCOMO_TIME).atOffset(ZoneOffset.UTC).toLocalDateTime().toString();
            AddMemoryRequest.Builder add = AddMemoryRequest.newBuilder().setUserId(userId);
            for (JsonNode turn : messages) {
                String text = turn.path("text").asText("").strip();
                if (text.isEmpty()) {
                    continue;
                }
                String speaker = turn.get("speaker").asText();
                add.addMessages(Message.newBuilder()
                        .setRole(speaker.equals(speakerA) ? Role.ROLE_USER : Role.ROLE_ASSISTANT)
                        .setSpeakerName(speaker).setContent(text).setTimeStamp(time));
                turns++;
            }
            memory.addMemory(add.build());
        }
        return turns;
    }

    private static Process start(List<String> properties, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.grpc.server.port=" + GRPC_PORT, "-Dquarkus.http.port=0",
                "-Dquarkus.log.level=WARN", "-Dlightmem.auth.bootstrap-key=" + KEY,
                "-Dlightmem.auth.rate-limit.requests-per-second=0"));
        command.addAll(properties);
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        File log = new File("target/bench-" + name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static MemoryServiceBlockingStub awaitReady(MemoryServiceBlockingStub memory) throws InterruptedException {
        for (int i = 0; i < 120; i++) {
            try {
                memory.withDeadlineAfter(1, TimeUnit.SECONDS).getTimestamp(GetTimestampRequest.getDefaultInstance());
                return memory;
            } catch (RuntimeException e) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("the service did not start; see target/bench-*.log");
    }

    private static void stop(Process app) throws InterruptedException {
        app.destroy();
        if (!app.waitFor(30, TimeUnit.SECONDS)) {
            app.destroyForcibly();
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: eval \"$(bash deploy/local/postgres.sh env)\" first");
        }
        return value;
    }
}
