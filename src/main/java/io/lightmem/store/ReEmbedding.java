package io.lightmem.store;

import com.pgvector.PGvector;
import io.agroal.api.AgroalDataSource;
import io.lightmem.model.Embedder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Moves every stored vector of a database to the configured embedding model
 * ({@code lightmem.text-embedder.on-model-change=re-embed}): memory_entry.embedding from each memory's
 * text and memory_history.old_embedding from the text the change replaced, each embedded as a passage
 * exactly as ingest, import and consolidation embed it, so a re-embedded row equals a freshly stored one.
 * The update queues, whose scores came from the old vectors, are emptied; consolidation builds them again.
 *
 * <p>It runs in the background after start, one instance at a time (a PostgreSQL advisory lock held
 * by a transaction of its own, released by the database if the holder dies), in batches that commit
 * with their progress (V18__re_embedding.sql), so a crash or restart resumes after the last batch done.
 * The recorded model changes only with the last batch. Instances that find the lock taken wait for the
 * holder to finish. Logs counts, never memory text (docs/design.md, "Embedding model").
 */
@ApplicationScoped
public class ReEmbedding {

    private static final Logger LOG = Logger.getLogger(ReEmbedding.class);
    /** Rows per transaction: a batch embeds in about a second on two cores and holds no lock for long. */
    static final int BATCH = 256;
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);

    /** What this instance knows of the re-embedding it started or waits for. */
    public record Progress(String to, long done, long total, boolean elsewhere) {
        String describe() {
            if (elsewhere) {
                return "another instance is re-embedding the stored vectors with " + to;
            }
            return total == 0 ? "starting to re-embed the stored vectors with " + to
                    : "re-embedding the stored vectors with " + to + ": " + done + " of " + total + " done";
        }
    }

    /** What a finished run of this instance did: {@code reEmbedded} vectors of {@code total}, the rest done before. */
    public record Finished(String to, long reEmbedded, long total, long elapsedMs) {
    }

    private final Instance<AgroalDataSource> dataSource;
    private final Instance<Embedder> embedder;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "lightmem-re-embedding");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Progress progress;
    private volatile Finished finished;

    public ReEmbedding(Instance<AgroalDataSource> dataSource, Instance<Embedder> embedder) {
        this.dataSource = dataSource;
        this.embedder = embedder;
    }

    /** Starts the re-embedding to {@code modelId} in the background, unless it runs already. */
    public synchronized void start(String modelId) {
        if (progress != null) {
            return;
        }
        progress = new Progress(modelId, 0, 0, false);
        worker.submit(() -> runUntilDone(modelId));
    }

    /** Whether this instance started or waits for a re-embedding that has not finished. */
    public boolean pending() {
        return progress != null;
    }

    /** How far the pending re-embedding got, for messages; null when none is pending. */
    public String describe() {
        Progress now = progress;
        return now == null ? null : now.describe();
    }

    /** The last re-embedding this instance finished, or null. */
    public Finished lastFinished() {
        return finished;
    }

    private void runUntilDone(String to) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (runUnderLock(to)) {
                    progress = null;
                    return;
                }
                progress = new Progress(to, 0, 0, true);
            } catch (RuntimeException | SQLException e) {
                // The database or (role api) the model service away: the batches done stay done.
                LOG.warnf("re-embedding with %s stopped, retrying in %d s: %s", to, RETRY.toSeconds(), e.getMessage());
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Re-embeds everything left while holding the lock; false when another instance holds it. */
    private boolean runUnderLock(String to) throws SQLException {
        try (Connection holder = dataSource.get().getConnection()) {
            holder.setAutoCommit(false);
            try {
                try (PreparedStatement lock = holder.prepareStatement(
                        "SELECT set_config('idle_in_transaction_session_timeout', '0', true),"
                                + " pg_try_advisory_xact_lock(hashtextextended('lightmem.re-embedding', 0))");
                        ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(2)) {
                        return false;
                    }
                }
                reEmbed(to);
                return true;
            } finally {
                holder.rollback();
            }
        }
    }

    private void reEmbed(String to) throws SQLException {
        try (Connection connection = dataSource.get().getConnection()) {
            connection.setAutoCommit(false);
            PGvector.addVectorType(connection);
            State state = State.read(connection);
            if (state.modelId().equals(to) && state.reEmbeddingTo() == null) {
                connection.rollback();
                return; // another instance finished it meanwhile
            }
            if (!to.equals(state.reEmbeddingTo())) {
                // A fresh start, or one to another model than an unfinished one: every vector again.
                try (PreparedStatement begin = connection.prepareStatement("UPDATE embedding_model SET re_embedding_to = ?,"
                        + " re_embedded_entry = NULL, re_embedded_change = NULL, re_embedding_started = now()")) {
                    begin.setString(1, to);
                    begin.executeUpdate();
                }
                connection.commit();
                state = State.read(connection);
            }
            long total = 0;
            long done = 0;
            for (Table table : Table.values()) {
                total += table.count(connection, null);
                done += state.cursor(table) == null ? 0 : table.count(connection, state.cursor(table));
            }
            connection.commit();
            LOG.infof("re-embedding the stored vectors of this database from %s with %s: %d of %d %s", state.modelId(),
                    to, done, total, done == 0 ? "to do" : "done before, resuming");
            long startedAt = System.nanoTime();
            Batches batches = new Batches(to, done, total, startedAt);
            for (Table table : Table.values()) {
                Object after = state.cursor(table) == null ? table.beforeAll : state.cursor(table);
                while (after != null) {
                    after = batch(connection, table, after, batches);
                }
            }
            finish(connection, to);
            long elapsedMs = Duration.ofNanos(System.nanoTime() - startedAt).toMillis();
            finished = new Finished(to, batches.reEmbedded(), total, elapsedMs);
            LOG.infof("re-embedded %d vectors with %s in %d ms (%d done before); this database now holds vectors of %s",
                    batches.reEmbedded(), to, elapsedMs, done, to);
        }
    }

    /**
     * The vectors re-embedded, table after table in key order, with the text each is computed from and
     * the column of embedding_model (V18) that keeps the last key done.
     */
    enum Table {
        /** Each memory's vector is computed from its text, as ingest, import and consolidation compute it. */
        MEMORIES("memory_entry", "id", "memory", "embedding", "true", "re_embedded_entry", new UUID(0, 0)),
        /** A change's old vector was taken with its old text, from the same row (HistoryRepository.recordChange). */
        HISTORY("memory_history", "change_id", "old_memory", "old_embedding", "old_embedding IS NOT NULL",
                "re_embedded_change", 0L);

        private final String name;
        private final String key;
        private final String text;
        private final String vector;
        private final String holdsVector;
        final String progress;
        private final Object beforeAll;

        Table(String name, String key, String text, String vector, String holdsVector, String progress,
                Object beforeAll) {
            this.name = name;
            this.key = key;
            this.text = text;
            this.vector = vector;
            this.holdsVector = holdsVector;
            this.progress = progress;
            this.beforeAll = beforeAll;
        }

        /** Rows with a vector, up to {@code through} (every one for null). */
        long count(Connection connection, Object through) throws SQLException {
            try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM " + name + " WHERE "
                    + holdsVector + (through == null ? "" : " AND " + key + " <= ?"))) {
                if (through != null) {
                    query.setObject(1, through);
                }
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    /**
     * Re-embeds the rows of {@code table} after the key {@code after}, at most {@link #BATCH}, and commits
     * them with the last key done; returns that key, or null when none was left.
     */
    private Object batch(Connection connection, Table table, Object after, Batches batches) throws SQLException {
        List<Object> keys = new ArrayList<>(BATCH);
        List<String> texts = new ArrayList<>(BATCH);
        // Served by the table's primary key, in key order.
        try (PreparedStatement query = connection.prepareStatement("SELECT " + table.key + ", " + table.text
                + " FROM " + table.name + " WHERE " + table.key + " > ? AND " + table.holdsVector
                + " ORDER BY " + table.key + " LIMIT ?")) {
            query.setObject(1, after);
            query.setInt(2, BATCH);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getObject(1));
                    texts.add(rs.getString(2));
                }
            }
        }
        connection.commit();
        if (keys.isEmpty()) {
            return null;
        }
        List<float[]> vectors = embedder.get().embedPassages(texts);
        Object last = keys.get(keys.size() - 1);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + table.name + " SET " + table.vector + " = ? WHERE " + table.key + " = ?");
                PreparedStatement progressed = connection.prepareStatement(
                        "UPDATE embedding_model SET " + table.progress + " = ?")) {
            for (int i = 0; i < keys.size(); i++) {
                update.setObject(1, new PGvector(vectors.get(i)));
                update.setObject(2, keys.get(i));
                update.addBatch();
            }
            update.executeBatch();
            progressed.setObject(1, last);
            progressed.executeUpdate();
        }
        connection.commit();
        batches.done(keys.size());
        return last;
    }

    /** Records the new model, in one transaction with emptying the queues that the old vectors scored. */
    private void finish(Connection connection, String to) throws SQLException {
        try (PreparedStatement queues = connection.prepareStatement("DELETE FROM update_queue");
                PreparedStatement record = connection.prepareStatement("""
                        UPDATE embedding_model SET model_id = re_embedding_to, recorded_at = now(),
                            re_embedding_to = NULL, re_embedded_entry = NULL, re_embedded_change = NULL,
                            re_embedding_started = NULL
                        WHERE re_embedding_to = ?""")) {
            queues.executeUpdate();
            record.setString(1, to);
            record.executeUpdate();
        }
        connection.commit();
    }

    /** The row of embedding_model (V9, V18). */
    private record State(String modelId, String reEmbeddingTo, Map<Table, Object> cursors) {
        static State read(Connection connection) throws SQLException {
            try (PreparedStatement query = connection.prepareStatement("SELECT model_id, re_embedding_to, "
                    + Stream.of(Table.values()).map(t -> t.progress).collect(Collectors.joining(", "))
                    + " FROM embedding_model");
                    ResultSet rs = query.executeQuery()) {
                rs.next();
                Map<Table, Object> cursors = new EnumMap<>(Table.class);
                for (Table table : Table.values()) {
                    Object cursor = rs.getObject(3 + table.ordinal());
                    if (cursor != null) {
                        cursors.put(table, cursor);
                    }
                }
                return new State(rs.getString(1), rs.getString(2), cursors);
            }
        }

        /** The last key of {@code table} done, or null. */
        Object cursor(Table table) {
            return cursors.get(table);
        }
    }

    /** Counts batches as they commit and logs the progress now and then. */
    private final class Batches {
        private final String to;
        private final long total;
        private final long startedAt;
        private final long doneBefore;
        private long done;
        private long loggedAt;

        Batches(String to, long done, long total, long startedAt) {
            this.to = to;
            this.doneBefore = done;
            this.done = done;
            this.total = total;
            this.startedAt = startedAt;
            this.loggedAt = startedAt;
            progress = new Progress(to, done, total, false);
        }

        long reEmbedded() {
            return done - doneBefore;
        }

        void done(int rows) {
            done += rows;
            progress = new Progress(to, done, total, false);
            long now = System.nanoTime();
            if (now - loggedAt >= LOG_EVERY.toNanos()) {
                loggedAt = now;
                double seconds = (now - startedAt) / 1e9;
                LOG.infof("re-embedding with %s: %d of %d vectors done (%.0f/s)", to, done, total,
                        (done - doneBefore) / seconds);
            }
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
