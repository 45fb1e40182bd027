package io.lightmem.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pgvector.PGvector;
import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.MemoryChange;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.Owner;
import io.lightmem.memory.PortableMemory;
import io.lightmem.memory.PortableMemory.PortableChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A user's memories as data (docs/design.md, "Export and import"): memory_entry rows with
 * their vectors, and memory_history with the snapshots undo restores. Reads page by page; an import
 * is written in one transaction.
 */
@ApplicationScoped
public class PortabilityRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A page of memories and where the next one starts. */
    public record Page(List<PortableMemory> memories, double lastTime) {
    }

    /** An import's rows: memories to insert (by target id) and changes to record (by target memory id). */
    public record Rows(List<Row> memories, List<ChangeRow> changes) {
    }

    public record Row(UUID id, PortableMemory memory, float[] vector) {
    }

    public record ChangeRow(UUID memoryId, PortableChange change, float[] previousVector) {
    }

    private final AgroalDataSource dataSource;

    public PortabilityRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A page of the user's memories in time order after ({@code afterTime}, {@code afterId}), without
     * their history. Served by memory_entry_user_time (tenant_id, user_id, float_time_stamp); id
     * breaks ties.
     */
    public Page page(Owner owner, UUID afterId, double afterTime, int limit, boolean withVectors) {
        String sql = "SELECT " + MemoryRepository.COLUMNS + ", consolidated, float_time_stamp"
                + (withVectors ? ", embedding" : "")
                + " FROM memory_entry WHERE tenant_id = ? AND user_id = ?"
                + (afterId == null ? "" : " AND (float_time_stamp, id) > (?, ?)")
                + " ORDER BY float_time_stamp, id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            PGvector.addVectorType(connection);
            int i = Jdbc.setOwner(query, 1, owner);
            if (afterId != null) {
                query.setDouble(i++, afterTime);
                query.setObject(i++, afterId);
            }
            query.setInt(i, limit);
            List<PortableMemory> memories = new ArrayList<>();
            double lastTime = afterTime;
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    MemoryEntry entry = MemoryRepository.entry(rs);
                    float[] vector = withVectors ? ((PGvector) rs.getObject("embedding")).toArray() : null;
                    memories.add(new PortableMemory(entry.id(), entry, rs.getBoolean("consolidated"), vector, List.of()));
                    lastTime = rs.getDouble("float_time_stamp");
                }
            }
            return new Page(memories, lastTime);
        } catch (SQLException e) {
            throw new StorageException("cannot read memories for export", e);
        }
    }

    /**
     * The recorded changes of these memories, oldest first, each with the memory as it was before it.
     * Served by memory_history_memory (tenant_id, user_id, memory_id, change_id).
     */
    public Map<UUID, List<PortableChange>> history(Owner owner, List<UUID> memoryIds, boolean withVectors) {
        Map<UUID, List<PortableChange>> history = new LinkedHashMap<>();
        if (memoryIds.isEmpty()) {
            return history;
        }
        String sql = "SELECT change_id, memory_id, action, old_memory, new_memory, changed_at, undone_at, run_id,"
                + " old_entry::text" + (withVectors ? ", old_embedding" : "")
                + " FROM memory_history WHERE tenant_id = ? AND user_id = ? AND memory_id = ANY (?)"
                + " ORDER BY memory_id, change_id";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            PGvector.addVectorType(connection);
            Jdbc.setOwner(query, 1, owner);
            query.setArray(3, connection.createArrayOf("uuid", memoryIds.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    MemoryChange change = new MemoryChange(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3),
                            rs.getString(4), rs.getString(5), Jdbc.instant(rs.getTimestamp(6)),
                            Jdbc.instant(rs.getTimestamp(7)), (Long) rs.getObject(8));
                    JsonNode snapshot = JSON.readTree(rs.getString(9));
                    PGvector vector = withVectors ? (PGvector) rs.getObject(10) : null;
                    PortableMemory previous = new PortableMemory(change.memoryId(), snapshotEntry(owner, snapshot),
                            snapshot.path("consolidated").asBoolean(), vector == null ? null : vector.toArray(), List.of());
                    history.computeIfAbsent(change.memoryId(), id -> new ArrayList<>())
                            .add(new PortableChange(change, previous));
                }
            }
            return history;
        } catch (SQLException e) {
            throw new StorageException("cannot read history for export", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("malformed memory_history.old_entry in the database", e);
        }
    }

    /** Memories of the user that consolidation deleted and whose history remains (undo can restore them), in order of their first change. */
    public List<UUID> deletedWithHistory(Owner owner) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT h.memory_id FROM memory_history h
                        WHERE h.tenant_id = ? AND h.user_id = ?
                          AND NOT EXISTS (SELECT 1 FROM memory_entry m WHERE m.id = h.memory_id)
                        GROUP BY h.memory_id ORDER BY min(h.change_id)""")) {
            Jdbc.setOwner(query, 1, owner);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new StorageException("cannot read history for export", e);
        }
    }

    /** Of these ids, those memory_entry holds for another owner (the primary key is the id alone). */
    public Set<UUID> heldByOthers(Owner owner, List<UUID> ids) {
        return ids(owner, ids, "SELECT id FROM memory_entry WHERE id = ANY (?) AND (tenant_id, user_id) <> (?, ?)");
    }

    /** Of these ids, the user's memories, and the memories the user has history of (imported before). */
    public Set<UUID> known(Owner owner, List<UUID> ids) {
        Set<UUID> known = ids(owner, ids, "SELECT id FROM memory_entry WHERE id = ANY (?) AND (tenant_id, user_id) = (?, ?)");
        // Served by memory_history_memory (tenant_id, user_id, memory_id, change_id).
        known.addAll(ids(owner, ids, "SELECT DISTINCT memory_id FROM memory_history"
                + " WHERE memory_id = ANY (?) AND (tenant_id, user_id) = (?, ?)"));
        return known;
    }

    private Set<UUID> ids(Owner owner, List<UUID> ids, String sql) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            Jdbc.setOwner(query, 2, owner);
            Set<UUID> found = new HashSet<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getObject(1, UUID.class));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StorageException("cannot read memories for import", e);
        }
    }

    /** Writes an import: all its memories and changes, or nothing. */
    @Transactional
    public void insert(Owner owner, Rows rows) {
        try (Connection connection = dataSource.getConnection()) {
            PGvector.addVectorType(connection);
            insertMemories(connection, owner, rows.memories());
            insertChanges(connection, owner, rows.changes());
        } catch (SQLException e) {
            throw new StorageException("cannot store imported memories", e);
        }
    }

    private static void insertMemories(Connection connection, Owner owner, List<Row> rows) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO memory_entry (id, tenant_id, user_id, memory, original_memory, compressed_memory, time_stamp,
                    float_time_stamp, utc_offset, weekday, speaker_id, speaker_name, category, subcategory, keywords,
                    entities, topic_id, hit_time, consolidated, source, embedding, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?, ?)""")) {
            for (Row row : rows) {
                MemoryEntry entry = row.memory().entry();
                insert.setObject(1, row.id());
                Jdbc.setOwner(insert, 2, owner);
                insert.setString(4, entry.memory());
                insert.setString(5, entry.originalMemory());
                insert.setString(6, entry.compressedMemory());
                insert.setTimestamp(7, Jdbc.timestamp(entry.timeStamp()));
                insert.setDouble(8, Jdbc.epochSeconds(entry.timeStamp()));
                insert.setInt(9, Jdbc.utcOffsetSeconds(entry.timeStamp()));
                insert.setString(10, entry.weekday());
                insert.setString(11, entry.speakerId());
                insert.setString(12, entry.speakerName());
                insert.setString(13, entry.category());
                insert.setString(14, entry.subcategory());
                insert.setString(15, Jdbc.jsonArray(entry.keywords()));
                insert.setString(16, Jdbc.jsonArray(entry.entities()));
                insert.setObject(17, entry.topicId());
                insert.setInt(18, entry.hitTime());
                insert.setBoolean(19, row.memory().consolidated());
                insert.setString(20, Jdbc.jsonArray(entry.sources()));
                insert.setObject(21, new PGvector(row.vector()));
                insert.setTimestamp(22, Jdbc.timestamp(entry.createdAt()));
                insert.setTimestamp(23, Jdbc.timestamp(entry.updatedAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertChanges(Connection connection, Owner owner, List<ChangeRow> rows) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO memory_history (tenant_id, user_id, memory_id, action, old_memory, new_memory, old_entry,
                                            old_embedding, changed_at, undone_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")) {
            for (ChangeRow row : rows) {
                MemoryChange change = row.change().change();
                Jdbc.setOwner(insert, 1, owner);
                insert.setObject(3, row.memoryId());
                insert.setString(4, change.action());
                insert.setString(5, change.oldMemory());
                insert.setString(6, change.newMemory());
                insert.setString(7, snapshot(owner, row.memoryId(), row.change().previous()).toString());
                insert.setObject(8, new PGvector(row.previousVector()));
                insert.setTimestamp(9, Jdbc.timestamp(change.changedAt()));
                insert.setTimestamp(10, Jdbc.timestamp(change.undoneAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * The memory_history.old_entry of a memory's previous state: the memory_entry row as to_jsonb would
     * give it (without the vector and the generated tsvector), which undo puts back with
     * jsonb_populate_record (HistoryRepository).
     */
    private static ObjectNode snapshot(Owner owner, UUID memoryId, PortableMemory previous) {
        MemoryEntry entry = previous.entry();
        ObjectNode row = JSON.createObjectNode();
        row.put("id", memoryId.toString());
        row.put("tenant_id", owner.tenantId());
        row.put("user_id", owner.userId());
        row.put("time_stamp", entry.timeStamp().toInstant().toString());
        row.put("float_time_stamp", Jdbc.epochSeconds(entry.timeStamp()));
        row.put("utc_offset", Jdbc.utcOffsetSeconds(entry.timeStamp()));
        row.put("weekday", entry.weekday());
        row.put("category", entry.category());
        row.put("subcategory", entry.subcategory());
        row.putNull("memory_class");
        row.put("memory", entry.memory());
        row.put("original_memory", entry.originalMemory());
        row.put("compressed_memory", entry.compressedMemory());
        if (entry.topicId() == null) {
            row.putNull("topic_id");
        } else {
            row.put("topic_id", entry.topicId());
        }
        row.putNull("topic_summary");
        row.put("speaker_id", entry.speakerId());
        row.put("speaker_name", entry.speakerName());
        row.put("hit_time", entry.hitTime());
        row.put("consolidated", previous.consolidated());
        row.set("keywords", JSON.valueToTree(entry.keywords()));
        row.set("entities", JSON.valueToTree(entry.entities()));
        row.set("source", JSON.valueToTree(entry.sources()));
        row.put("created_at", entry.createdAt().toString());
        row.put("updated_at", entry.updatedAt().toString());
        return row;
    }

    /** The entry of a memory_history.old_entry snapshot; one taken before V12 has no utc_offset (it was UTC). */
    private static MemoryEntry snapshotEntry(Owner owner, JsonNode row) {
        OffsetDateTime time = OffsetDateTime.parse(row.path("time_stamp").asText())
                .withOffsetSameInstant(ZoneOffset.ofTotalSeconds(row.path("utc_offset").asInt(0)));
        return new MemoryEntry(UUID.fromString(row.path("id").asText()), owner.userId(), text(row, "memory"),
                text(row, "original_memory"), text(row, "compressed_memory"), time, text(row, "weekday"),
                text(row, "speaker_id"), text(row, "speaker_name"), text(row, "category"), text(row, "subcategory"),
                strings(row.path("keywords")), strings(row.path("entities")),
                row.path("topic_id").isNumber() ? row.path("topic_id").asLong() : null, row.path("hit_time").asInt(),
                strings(row.path("source")), instant(row, "created_at"), instant(row, "updated_at"));
    }

    private static String text(JsonNode row, String column) {
        JsonNode value = row.path(column);
        return value.isNull() || value.isMissingNode() ? null : value.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Instant instant(JsonNode row, String column) {
        return OffsetDateTime.parse(row.path(column).asText()).toInstant();
    }
}
