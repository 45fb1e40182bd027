package io.lightmem.store;

import com.pgvector.PGvector;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Memory entries: insert, nearest-neighbour search, hit counting. */
@ApplicationScoped
public class MemoryRepository {

    static final String COLUMNS = """
            id, user_id, memory, original_memory, compressed_memory, time_stamp, weekday, speaker_id, speaker_name,
            category, subcategory, keywords, entities, topic_id, hit_time, source, created_at, updated_at""";

    private final AgroalDataSource dataSource;

    public MemoryRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts the memories with their vectors; joins the caller's transaction. */
    @Transactional
    public List<MemoryEntry> insert(String userId, List<NewMemory> memories, List<float[]> vectors) {
        String sql = "INSERT INTO memory_entry (id, user_id, memory, original_memory, time_stamp, float_time_stamp,"
                + " weekday, speaker_id, speaker_name, topic_id, source, category, subcategory, keywords, entities,"
                + " embedding, compressed_memory)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?::jsonb, ?, ?) RETURNING " + COLUMNS;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            PGvector.addVectorType(connection);
            List<MemoryEntry> stored = new ArrayList<>(memories.size());
            for (int i = 0; i < memories.size(); i++) {
                NewMemory memory = memories.get(i);
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, userId);
                insert.setString(3, memory.memory());
                insert.setString(4, memory.originalMemory());
                insert.setTimestamp(5, Jdbc.timestamp(memory.timeStamp()));
                insert.setDouble(6, Jdbc.epochSeconds(memory.timeStamp()));
                insert.setString(7, memory.weekday());
                insert.setString(8, memory.speakerId());
                insert.setString(9, memory.speakerName());
                insert.setObject(10, memory.topicId());
                insert.setString(11, Jdbc.jsonArray(memory.sources()));
                insert.setString(12, memory.metadata().category());
                insert.setString(13, memory.metadata().subcategory());
                insert.setString(14, Jdbc.jsonArray(memory.metadata().keywords()));
                insert.setString(15, Jdbc.jsonArray(memory.metadata().entities()));
                insert.setObject(16, new PGvector(vectors.get(i)));
                insert.setString(17, memory.compressedMemory());
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    stored.add(entry(rs));
                }
            }
            return stored;
        } catch (SQLException e) {
            throw new StorageException("cannot store memories", e);
        }
    }

    /** The entry, row-locked until the caller's transaction ends (consolidation, undo); null if absent. */
    public MemoryEntry lockForChange(String userId, UUID id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM memory_entry WHERE user_id = ? AND id = ? FOR UPDATE")) {
            query.setString(1, userId);
            query.setObject(2, id);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? entry(rs) : null;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read a memory", e);
        }
    }

    /** Replaces an entry's text and vector (a consolidation merge), in the caller's transaction. */
    public void replaceMemory(String userId, UUID id, String memory, float[] vector) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE memory_entry SET memory = ?, embedding = ?, consolidated = true, updated_at = now()
                        WHERE user_id = ? AND id = ?""")) {
            PGvector.addVectorType(connection);
            update.setString(1, memory);
            update.setObject(2, new PGvector(vector));
            update.setString(3, userId);
            update.setObject(4, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot update a memory", e);
        }
    }

    /** Deletes one entry (its queue rows go with it), in the caller's transaction. */
    public void delete(String userId, UUID id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM memory_entry WHERE user_id = ? AND id = ?")) {
            delete.setString(1, userId);
            delete.setObject(2, id);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot delete a memory", e);
        }
    }

    /** Restrictions of a search; null fields do not restrict. */
    public record Filter(Instant from, Instant to, String speakerName, String category) {
        public static final Filter NONE = new Filter(null, null, null, null);
    }

    public record Scored(MemoryEntry entry, double similarity) {
    }

    /**
     * The {@code limit} entries of one user nearest to {@code query} by cosine distance, nearest
     * first, and counts the hit on each. pgvector's iterative index scan keeps going until enough
     * rows pass the user and filter conditions.
     */
    @Transactional
    public List<Scored> nearest(String userId, float[] query, int limit, Filter filter, int efSearch) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + ", embedding <=> ? AS distance"
                + " FROM memory_entry WHERE user_id = ?");
        List<Object> parameters = new ArrayList<>();
        PGvector vector = new PGvector(query);
        parameters.add(vector);
        parameters.add(userId);
        if (filter.from() != null) {
            sql.append(" AND time_stamp >= ?");
            parameters.add(Jdbc.timestamp(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" AND time_stamp < ?");
            parameters.add(Jdbc.timestamp(filter.to()));
        }
        if (filter.speakerName() != null) {
            sql.append(" AND speaker_name = ?");
            parameters.add(filter.speakerName());
        }
        if (filter.category() != null) {
            sql.append(" AND category = ?");
            parameters.add(filter.category());
        }
        sql.append(" ORDER BY embedding <=> ? LIMIT ?");
        parameters.add(vector);
        parameters.add(limit);
        try (Connection connection = dataSource.getConnection()) {
            PGvector.addVectorType(connection);
            try (PreparedStatement settings = connection.prepareStatement(
                    "SELECT set_config('hnsw.ef_search', ?, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)")) {
                settings.setString(1, Integer.toString(efSearch));
                settings.execute();
            }
            List<Scored> found = new ArrayList<>();
            try (PreparedStatement search = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    search.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rs = search.executeQuery()) {
                    while (rs.next()) {
                        found.add(new Scored(withHit(entry(rs)), 1 - rs.getDouble("distance")));
                    }
                }
            }
            // relaxed_order may return neighbours slightly out of order.
            found.sort((a, b) -> Double.compare(b.similarity(), a.similarity()));
            countHits(connection, userId, found);
            return found;
        } catch (SQLException e) {
            throw new StorageException("cannot search memories", e);
        }
    }

    private static void countHits(Connection connection, String userId, List<Scored> found) throws SQLException {
        if (found.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE memory_entry SET hit_time = hit_time + 1 WHERE user_id = ? AND id = ANY (?)")) {
            update.setString(1, userId);
            update.setArray(2, connection.createArrayOf("uuid", found.stream().map(s -> s.entry().id()).toArray()));
            update.executeUpdate();
        }
    }

    private static MemoryEntry withHit(MemoryEntry e) {
        return new MemoryEntry(e.id(), e.userId(), e.memory(), e.originalMemory(), e.compressedMemory(), e.timeStamp(),
                e.weekday(),
                e.speakerId(), e.speakerName(), e.category(), e.subcategory(), e.keywords(), e.entities(),
                e.topicId(), e.hitTime() + 1,
                e.sources(), e.createdAt(), e.updatedAt());
    }

    static MemoryEntry entry(ResultSet rs) throws SQLException {
        return new MemoryEntry(
                rs.getObject("id", UUID.class),
                rs.getString("user_id"),
                rs.getString("memory"),
                rs.getString("original_memory"),
                rs.getString("compressed_memory"),
                Jdbc.instant(rs.getTimestamp("time_stamp")),
                rs.getString("weekday"),
                rs.getString("speaker_id"),
                rs.getString("speaker_name"),
                rs.getString("category"),
                rs.getString("subcategory"),
                Jdbc.strings(rs.getString("keywords")),
                Jdbc.strings(rs.getString("entities")),
                (Long) rs.getObject("topic_id"),
                rs.getInt("hit_time"),
                Jdbc.strings(rs.getString("source")),
                Jdbc.instant(rs.getTimestamp("created_at")),
                Jdbc.instant(rs.getTimestamp("updated_at")));
    }
}
