package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.MemoryChange;
import io.lightmem.memory.Owner;
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

    /** memory_entry's columns restored by undo of an update (all but the key and owner; embedding apart). */
    private static final String RESTORED_COLUMNS = """
            time_stamp, float_time_stamp, weekday, category, subcategory, memory_class, memory, original_memory,
            compressed_memory, topic_id, topic_summary, speaker_id, speaker_name, hit_time, consolidated,
            keywords, entities, source, created_at, updated_at, utc_offset""";

    /**
     * {@link #RESTORED_COLUMNS} as read from a snapshot; a snapshot taken before V12 has no utc_offset,
     * and its time was UTC.
     */
    private static final String RESTORED_VALUES = RESTORED_COLUMNS.replace("utc_offset", "COALESCE(utc_offset, 0)");

    private final AgroalDataSource dataSource;

    public HistoryRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Snapshots the memory as it is now, before an update or delete, inside the caller's transaction,
     * with its whole hit count (the row's and memory_hit_count's, V15), which a delete takes with it.
     * Returns the change id, or null if the memory does not exist.
     */
    public Long recordChange(Owner owner, UUID memoryId, String action, String newMemory, Long runId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO memory_history (tenant_id, user_id, memory_id, action, old_memory, new_memory,
                                                    old_entry, old_embedding, run_id)
                        SELECT m.tenant_id, m.user_id, m.id, ?, m.memory, ?,
                               (to_jsonb(m) - 'embedding') || jsonb_build_object('hit_time', %s), m.embedding, ?
                        FROM memory_entry m WHERE m.tenant_id = ? AND m.user_id = ? AND m.id = ?
                        RETURNING change_id""".formatted(MemoryRepository.hitCount("m")))) {
            insert.setString(1, action);
            insert.setString(2, newMemory);
            insert.setObject(3, runId);
            Jdbc.setOwner(insert, 4, owner);
            insert.setObject(6, memoryId);
            try (ResultSet rs = insert.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot record history", e);
        }
    }

    /** The user's changes of one memory (or of all memories when {@code memoryId} is null), newest first. */
    public List<MemoryChange> list(Owner owner, UUID memoryId, int limit) {
        // Served by memory_history_memory (tenant_id, user_id, memory_id, change_id).
        String sql = "SELECT " + CHANGE_COLUMNS + " FROM memory_history WHERE tenant_id = ? AND user_id = ?"
                + (memoryId == null ? "" : " AND memory_id = ?") + " ORDER BY change_id DESC LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            int i = Jdbc.setOwner(query, 1, owner);
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
    public MemoryChange lock(Owner owner, long changeId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT " + CHANGE_COLUMNS
                        + " FROM memory_history WHERE tenant_id = ? AND user_id = ? AND change_id = ? FOR UPDATE")) {
            Jdbc.setOwner(query, 1, owner);
            query.setLong(3, changeId);
            List<MemoryChange> found = changes(query);
            return found.isEmpty() ? null : found.get(0);
        } catch (SQLException e) {
            throw new StorageException("cannot read history", e);
        }
    }

    /** The oldest change of the same memory made after {@code changeId} and still in effect, or null. */
    public MemoryChange laterInEffect(Owner owner, UUID memoryId, long changeId) {
        // Served by memory_history_memory (tenant_id, user_id, memory_id, change_id).
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT " + CHANGE_COLUMNS + """
                         FROM memory_history
                        WHERE tenant_id = ? AND user_id = ? AND memory_id = ? AND change_id > ? AND undone_at IS NULL
                        ORDER BY change_id LIMIT 1""")) {
            Jdbc.setOwner(query, 1, owner);
            query.setObject(3, memoryId);
            query.setLong(4, changeId);
            List<MemoryChange> found = changes(query);
            return found.isEmpty() ? null : found.get(0);
        } catch (SQLException e) {
            throw new StorageException("cannot read history", e);
        }
    }

    /**
     * Puts back the row an update replaced, every column and the vector, and the hit count it had (the
     * snapshot's, so hits counted since are dropped with the rest); in the caller's transaction.
     */
    public boolean restoreUpdated(Owner owner, long changeId) {
        String sql = "UPDATE memory_entry m SET (" + RESTORED_COLUMNS + ") = (SELECT " + RESTORED_VALUES
                + " FROM jsonb_populate_record(NULL::memory_entry, h.old_entry)), embedding = h.old_embedding"
                + " FROM memory_history h WHERE h.tenant_id = ? AND h.user_id = ? AND h.change_id = ?"
                + " AND m.tenant_id = h.tenant_id AND m.user_id = h.user_id AND m.id = h.memory_id";
        if (execute(sql, owner, changeId) != 1) {
            return false;
        }
        execute("DELETE FROM memory_hit_count c USING memory_history h WHERE h.tenant_id = ? AND h.user_id = ?"
                + " AND h.change_id = ? AND c.id = h.memory_id", owner, changeId);
        return true;
    }

    /** Re-inserts the row a delete removed, with its id, every column and the vector; in the caller's transaction. */
    public boolean restoreDeleted(Owner owner, long changeId) {
        // Named columns: generated ones (memory_tsv) are computed again, never written.
        String sql = "INSERT INTO memory_entry (id, tenant_id, user_id, embedding, " + RESTORED_COLUMNS + ")"
                + " SELECT h.memory_id, h.tenant_id, h.user_id, h.old_embedding, " + RESTORED_VALUES
                + " FROM memory_history h, jsonb_populate_record(NULL::memory_entry, h.old_entry)"
                + " WHERE h.tenant_id = ? AND h.user_id = ? AND h.change_id = ?";
        return execute(sql, owner, changeId) == 1;
    }

    /** Marks a change undone, in the caller's transaction. */
    public void markUndone(Owner owner, long changeId) {
        execute("UPDATE memory_history SET undone_at = now() WHERE tenant_id = ? AND user_id = ? AND change_id = ?",
                owner, changeId);
    }

    private int execute(String sql, Owner owner, long changeId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            Jdbc.setOwner(statement, 1, owner);
            statement.setLong(3, changeId);
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
