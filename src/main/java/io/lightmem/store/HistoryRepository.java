package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.MemoryChange;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * memory_history: every update or delete of a memory, with the whole row as it was (jsonb) and its
 * vector, so that undo restores it exactly. The vector is stored rather than re-computed on undo:
 * an exact restore needs no model call and stays exact after a change of embedding model.
 */
@ApplicationScoped
public class HistoryRepository {

    private static final String CHANGE_COLUMNS =
            "change_id, memory_id, action, old_memory, new_memory, changed_at, undone_at, run_id";

    /** memory_entry's columns restored by undo of an update (all but the key and user_id; embedding apart). */
    private static final String RESTORED_COLUMNS = """
            time_stamp, float_time_stamp, weekday, category, subcategory, memory_class, memory, original_memory,
            compressed_memory, topic_id, topic_summary, speaker_id, speaker_name, hit_time, consolidated,
            keywords, entities, source, created_at, updated_at""";

    private final AgroalDataSource dataSource;

    public HistoryRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Snapshots the memory as it is now, before an update or delete, inside the caller's transaction.
     * Returns the change id, or null if the memory does not exist.
     */
    public Long recordChange(String userId, UUID memoryId, String action, String newMemory, Long runId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO memory_history (user_id, memory_id, action, old_memory, new_memory, old_entry,
                                                    old_embedding, run_id)
                        SELECT m.user_id, m.id, ?, m.memory, ?, to_jsonb(m) - 'embedding', m.embedding, ?
                        FROM memory_entry m WHERE m.user_id = ? AND m.id = ?
                        RETURNING change_id""")) {
            insert.setString(1, action);
            insert.setString(2, newMemory);
            insert.setObject(3, runId);
            insert.setString(4, userId);
            insert.setObject(5, memoryId);
            try (ResultSet rs = insert.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot record history", e);
        }
    }

    /** The user's changes of one memory (or of all memories when {@code memoryId} is null), newest first. */
    public List<MemoryChange> list(String userId, UUID memoryId, int limit) {
        // Served by memory_history_memory (user_id, memory_id, change_id).
        String sql = "SELECT " + CHANGE_COLUMNS + " FROM memory_history WHERE user_id = ?"
                + (memoryId == null ? "" : " AND memory_id = ?") + " ORDER BY change_id DESC LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            query.setString(i++, userId);
            if (memoryId != null) {
                query.setObject(i++, memoryId);
            }
            query.setInt(i, limit);
            return changes(query);
        } catch (SQLException e) {
            throw new StorageException("cannot read history", e);
        }
    }

    /** One change, row-locked until the caller's transaction ends; null if the user has no such change. */
    public MemoryChange lock(String userId, long changeId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT " + CHANGE_COLUMNS
                        + " FROM memory_history WHERE user_id = ? AND change_id = ? FOR UPDATE")) {
            query.setString(1, userId);
            query.setLong(2, changeId);
            List<MemoryChange> found = changes(query);
            return found.isEmpty() ? null : found.get(0);
        } catch (SQLException e) {
            throw new StorageException("cannot read history", e);
        }
    }

    /** The oldest change of the same memory made after {@code changeId} and still in effect, or null. */
    public MemoryChange laterInEffect(String userId, UUID memoryId, long changeId) {
        // Served by memory_history_memory (user_id, memory_id, change_id).
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT " + CHANGE_COLUMNS + """
                         FROM memory_history
                        WHERE user_id = ? AND memory_id = ? AND change_id > ? AND undone_at IS NULL
                        ORDER BY change_id LIMIT 1""")) {
            query.setString(1, userId);
            query.setObject(2, memoryId);
            query.setLong(3, changeId);
            List<MemoryChange> found = changes(query);
            return found.isEmpty() ? null : found.get(0);
        } catch (SQLException e) {
            throw new StorageException("cannot read history", e);
        }
    }

    /** Puts back the row an update replaced, every column and the vector; in the caller's transaction. */
    public boolean restoreUpdated(String userId, long changeId) {
        String sql = "UPDATE memory_entry m SET (" + RESTORED_COLUMNS + ") = (SELECT " + RESTORED_COLUMNS
                + " FROM jsonb_populate_record(NULL::memory_entry, h.old_entry)), embedding = h.old_embedding"
                + " FROM memory_history h WHERE h.user_id = ? AND h.change_id = ? AND m.user_id = h.user_id"
                + " AND m.id = h.memory_id";
        return execute(sql, userId, changeId) == 1;
    }

    /** Re-inserts the row a delete removed, with its id, every column and the vector; in the caller's transaction. */
    public boolean restoreDeleted(String userId, long changeId) {
        // Named columns: generated ones (memory_tsv) are computed again, never written.
        String sql = "INSERT INTO memory_entry (id, user_id, embedding, " + RESTORED_COLUMNS + ")"
                + " SELECT h.memory_id, h.user_id, h.old_embedding, " + RESTORED_COLUMNS
                + " FROM memory_history h, jsonb_populate_record(NULL::memory_entry, h.old_entry)"
                + " WHERE h.user_id = ? AND h.change_id = ?";
        return execute(sql, userId, changeId) == 1;
    }

    /** Marks a change undone, in the caller's transaction. */
    public void markUndone(String userId, long changeId) {
        execute("UPDATE memory_history SET undone_at = now() WHERE user_id = ? AND change_id = ?", userId, changeId);
    }

    private int execute(String sql, String userId, long changeId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, userId);
            statement.setLong(2, changeId);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot restore from history", e);
        }
    }

    private static List<MemoryChange> changes(PreparedStatement query) throws SQLException {
        List<MemoryChange> changes = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                changes.add(new MemoryChange(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                        rs.getString(5), Jdbc.instant(rs.getTimestamp(6)), Jdbc.instant(rs.getTimestamp(7)),
                        (Long) rs.getObject(8)));
            }
        }
        return changes;
    }
}
