package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.Owner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The update queue (docs/design.md, "Consolidation", step 1): for each entry, its most similar older entries. Built
 * entirely
 * in PostgreSQL, batch by batch; vectors never leave the database.
 */
@ApplicationScoped
public class UpdateQueueRepository {

    /**
     * Position of an entry in the user's time order. "Older" is this order: float_time_stamp, then id
     * to break ties, so two entries of the same time are never each other's candidate (which would let
     * both be deleted for one another).
     */
    public record EntryKey(UUID id, double floatTimeStamp) {
    }

    private final AgroalDataSource dataSource;

    public UpdateQueueRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The next {@code limit} entries of the user after {@code after} (null: from the start), oldest first. */
    public List<EntryKey> entriesAfter(Owner owner, EntryKey after, int limit) {
        // Served by memory_entry_user_time (tenant_id, user_id, float_time_stamp).
        String sql = after == null
                ? "SELECT id, float_time_stamp FROM memory_entry WHERE tenant_id = ? AND user_id = ?"
                        + " ORDER BY float_time_stamp, id LIMIT ?"
                : "SELECT id, float_time_stamp FROM memory_entry WHERE tenant_id = ? AND user_id = ?"
                        + " AND (float_time_stamp, id) > (?, ?)"
                        + " ORDER BY float_time_stamp, id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            int i = Jdbc.setOwner(query, 1, owner);
            if (after != null) {
                query.setDouble(i++, after.floatTimeStamp());
                query.setObject(i++, after.id());
            }
            query.setInt(i, limit);
            List<EntryKey> keys = new ArrayList<>(limit);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    keys.add(new EntryKey(rs.getObject(1, UUID.class), rs.getDouble(2)));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw new StorageException("cannot list memories", e);
        }
    }

    /** How the nearest older entries are found. */
    public enum Search {
        /**
         * Scan the entry's older entries (memory_entry_user_time) and sort by distance: exact, cost
         * grows with the number of older entries.
         */
        EXACT,
        /**
         * Walk the HNSW index (memory_entry_embedding) with an iterative scan, filtering on user and
         * time: approximate, cost grows with how few of the indexed rows pass the filter.
         */
        INDEX
    }

    /** Rows in memory_entry, all users, as the planner estimates them (cheap; for choosing a {@link Search}). */
    public long estimatedRows() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'memory_entry'::regclass")) {
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read table statistics", e);
        }
    }

    /** The user's entries older than the given one (in the time order of {@link EntryKey}). */
    public int countOlder(Owner owner, EntryKey key) {
        // Served by memory_entry_user_time (tenant_id, user_id, float_time_stamp).
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM memory_entry"
                        + " WHERE tenant_id = ? AND user_id = ? AND (float_time_stamp, id) < (?, ?)")) {
            Jdbc.setOwner(query, 1, owner);
            query.setDouble(3, key.floatTimeStamp());
            query.setObject(4, key.id());
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot count memories", e);
        }
    }

    /**
     * Replaces the queues of the given entries: for each, the {@code topK} nearest older entries by
     * cosine distance (one LATERAL nearest-neighbour search per entry), of which the best
     * {@code keepTopN} are stored with score = 1 - distance and rank 1..n. One transaction per call.
     * Returns the rows stored.
     */
    @RetriedOnConflict
    @Transactional
    public int rebuild(Owner owner, List<UUID> entryIds, int topK, int keepTopN, int efSearch, Search search) {
        try (Connection connection = dataSource.getConnection()) {
            // The planner misjudges how many rows "older than e" matches, so the search is chosen by
            // the caller: INDEX turns sorting off (the HNSW scan delivers rows in distance order).
            try (PreparedStatement settings = connection.prepareStatement(
                    "SELECT set_config('hnsw.ef_search', ?, true), set_config('hnsw.iterative_scan', 'relaxed_order', true),"
                            + " set_config('enable_sort', ?, true)")) {
                settings.setString(1, Integer.toString(Math.max(efSearch, topK)));
                settings.setString(2, search == Search.INDEX ? "off" : "on");
                settings.execute();
            }
            Object ids = connection.createArrayOf("uuid", entryIds.toArray());
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM update_queue WHERE tenant_id = ? AND user_id = ? AND entry_id = ANY (?)")) {
                Jdbc.setOwner(delete, 1, owner);
                delete.setObject(3, ids);
                delete.executeUpdate();
            }
            // relaxed_order may return the neighbours slightly out of order: rank by score afterwards.
            // The redundant "c.float_time_stamp <= e.float_time_stamp" is the range of an EXACT search
            // on memory_entry_user_time, whose "+ 0" keeps the HNSW index from serving the ORDER BY.
            String insert = """
                    INSERT INTO update_queue (tenant_id, user_id, entry_id, candidate_id, score, rank)
                    SELECT tenant_id, user_id, entry_id, candidate_id, score, rank FROM (
                        SELECT e.tenant_id, e.user_id, e.id AS entry_id, n.id AS candidate_id, n.score,
                               row_number() OVER (PARTITION BY e.id ORDER BY n.score DESC, n.id) AS rank
                        FROM memory_entry e
                        CROSS JOIN LATERAL (
                            SELECT c.id, 1 - (c.embedding <=> e.embedding) AS score
                            FROM memory_entry c
                            WHERE c.tenant_id = e.tenant_id AND c.user_id = e.user_id
                              AND c.float_time_stamp <= e.float_time_stamp
                              AND (c.float_time_stamp < e.float_time_stamp OR c.id < e.id)
                            ORDER BY (c.embedding <=> e.embedding) %s
                            LIMIT ?
                        ) n
                        WHERE e.tenant_id = ? AND e.user_id = ? AND e.id = ANY (?)
                    ) ranked
                    WHERE rank <= ?""".formatted(search == Search.EXACT ? "+ 0" : "");
            try (PreparedStatement build = connection.prepareStatement(insert)) {
                build.setInt(1, topK);
                Jdbc.setOwner(build, 2, owner);
                build.setObject(4, ids);
                build.setInt(5, keepTopN);
                return build.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot build the update queue", e);
        }
    }

    /** One queue row. */
    public record QueuedCandidate(UUID entryId, UUID candidateId, double score, int rank) {
    }

    /** The queue of one entry, best first. */
    public List<QueuedCandidate> queueOf(Owner owner, UUID entryId) {
        // Served by the primary key (entry_id, candidate_id).
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT entry_id, candidate_id, score, rank FROM update_queue
                        WHERE tenant_id = ? AND user_id = ? AND entry_id = ? ORDER BY rank""")) {
            Jdbc.setOwner(query, 1, owner);
            query.setObject(3, entryId);
            List<QueuedCandidate> queue = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    queue.add(new QueuedCandidate(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getDouble(3), rs.getInt(4)));
                }
            }
            return queue;
        } catch (SQLException e) {
            throw new StorageException("cannot read the update queue", e);
        }
    }
}
