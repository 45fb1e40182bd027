package io.lightmem.store;

import com.pgvector.PGvector;
import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.MemoryRef;
import io.lightmem.memory.NewMemory;
import io.lightmem.memory.Owner;
import io.lightmem.memory.ScoredMemory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Memory entries: insert, nearest-neighbour search, hit counting. */
@ApplicationScoped
public class MemoryRepository {

    /**
     * The columns of an entry read from memory_entry (unaliased). A memory's hit count is the one its
     * row was written with plus the retrievals counted since in memory_hit_count (V15); PostgreSQL
     * evaluates the lookup only for the rows a query returns when it sorts and limits.
     */
    static final String COLUMNS = """
            id, user_id, memory, original_memory, compressed_memory, time_stamp, weekday, speaker_id, speaker_name,
            category, subcategory, keywords, entities, topic_id, %s, source, created_at, updated_at, utc_offset"""
            .formatted(hitTime("memory_entry"));
    /** {@link #COLUMNS} of the row alias m. */
    static final String M_COLUMNS = """
            m.id, m.user_id, m.memory, m.original_memory, m.compressed_memory, m.time_stamp, m.weekday,
            m.speaker_id, m.speaker_name, m.category, m.subcategory, m.keywords, m.entities, m.topic_id, %s,
            m.source, m.created_at, m.updated_at, m.utc_offset""".formatted(hitTime("m"));

    private final AgroalDataSource dataSource;

    public MemoryRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts the memories with their vectors; joins the caller's transaction. */
    @Transactional
    public List<MemoryEntry> insert(Owner owner, List<NewMemory> memories, List<float[]> vectors) {
        String sql = "INSERT INTO memory_entry (id, tenant_id, user_id, memory, original_memory, time_stamp, float_time_stamp,"
                + " weekday, speaker_id, speaker_name, topic_id, source, category, subcategory, keywords, entities,"
                + " embedding, compressed_memory, utc_offset)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?) RETURNING " + COLUMNS;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            PGvector.addVectorType(connection);
            List<MemoryEntry> stored = new ArrayList<>(memories.size());
            for (int i = 0; i < memories.size(); i++) {
                NewMemory memory = memories.get(i);
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, owner.tenantId());
                insert.setString(3, owner.userId());
                insert.setString(4, memory.memory());
                insert.setString(5, memory.originalMemory());
                insert.setTimestamp(6, Jdbc.timestamp(memory.timeStamp()));
                insert.setDouble(7, Jdbc.epochSeconds(memory.timeStamp()));
                insert.setString(8, memory.weekday());
                insert.setString(9, memory.speakerId());
                insert.setString(10, memory.speakerName());
                insert.setObject(11, memory.topicId());
                insert.setString(12, Jdbc.jsonArray(memory.sources()));
                insert.setString(13, memory.metadata().category());
                insert.setString(14, memory.metadata().subcategory());
                insert.setString(15, Jdbc.jsonArray(memory.metadata().keywords()));
                insert.setString(16, Jdbc.jsonArray(memory.metadata().entities()));
                insert.setObject(17, new PGvector(vectors.get(i)));
                insert.setString(18, memory.compressedMemory());
                insert.setInt(19, Jdbc.utcOffsetSeconds(memory.timeStamp()));
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
    public MemoryEntry lockForChange(Owner owner, UUID id) {
        return select(owner, id, " FOR UPDATE");
    }

    /** One entry of a user, or null. */
    public MemoryEntry find(Owner owner, UUID id) {
        return select(owner, id, "");
    }

    private MemoryEntry select(Owner owner, UUID id, String lock) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM memory_entry WHERE tenant_id = ? AND user_id = ? AND id = ?" + lock)) {
            Jdbc.setOwner(query, 1, owner);
            query.setObject(3, id);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? entry(rs) : null;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read a memory", e);
        }
    }

    /**
     * A page of a user's entries in time order, after the entry {@code afterId} when one is given.
     * The anchor's own float_time_stamp positions the page exactly; {@code afterTime} stands in when
     * the anchor was deleted meanwhile. Served by memory_entry_user_time (tenant_id, user_id, float_time_stamp);
     * id breaks ties of equal times.
     */
    public List<MemoryEntry> page(Owner owner, UUID afterId, double afterTime, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM memory_entry WHERE tenant_id = ? AND user_id = ?"
                + (afterId == null ? "" : " AND (float_time_stamp, id) > (COALESCE((SELECT float_time_stamp"
                        + " FROM memory_entry WHERE tenant_id = ? AND user_id = ? AND id = ?), ?), ?)")
                + " ORDER BY float_time_stamp, id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            i = Jdbc.setOwner(query, i, owner);
            if (afterId != null) {
                i = Jdbc.setOwner(query, i, owner);
                query.setObject(i++, afterId);
                query.setDouble(i++, afterTime);
                query.setObject(i++, afterId);
            }
            query.setInt(i, limit);
            List<MemoryEntry> entries = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    entries.add(entry(rs));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new StorageException("cannot list memories", e);
        }
    }

    /** Replaces an entry's text and vector (a consolidation merge), in the caller's transaction. */
    public void replaceMemory(Owner owner, UUID id, String memory, float[] vector) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE memory_entry SET memory = ?, embedding = ?, consolidated = true, updated_at = now()
                        WHERE tenant_id = ? AND user_id = ? AND id = ?""")) {
            PGvector.addVectorType(connection);
            update.setString(1, memory);
            update.setObject(2, new PGvector(vector));
            Jdbc.setOwner(update, 3, owner);
            update.setObject(5, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot update a memory", e);
        }
    }

    /** Deletes one entry (its queue rows go with it), in the caller's transaction. */
    public void delete(Owner owner, UUID id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM memory_entry WHERE tenant_id = ? AND user_id = ? AND id = ?")) {
            Jdbc.setOwner(delete, 1, owner);
            delete.setObject(3, id);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot delete a memory", e);
        }
    }

    /**
     * The {@code limit} entries of one user nearest to {@code query} by cosine distance, nearest
     * first; {@link ScoredMemory#similarity()} is the cosine similarity. {@code search} says how: every
     * memory of the scope measured (exact), or pgvector's HNSW index with an iterative scan that keeps
     * going until enough rows pass the user and filter conditions. Hits are not counted here
     * (see {@link #addHits}), so a strategy combining several searches counts each entry once.
     */
    @Transactional
    public List<ScoredMemory> nearest(Owner owner, float[] query, int limit, MemoryFilter filter, VectorSearch search) {
        return search(nearestQuery(owner, query, limit, filter, search), search);
    }

    private List<ScoredMemory> search(SqlQuery nearest, VectorSearch search) {
        try (Connection connection = dataSource.getConnection()) {
            setSearchOptions(connection, search);
            List<ScoredMemory> found = new ArrayList<>();
            try (PreparedStatement statement = nearest.prepare(connection, "");
                    ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(new ScoredMemory(entry(rs), 1 - rs.getDouble("distance")));
                }
            }
            // relaxed_order may return neighbours slightly out of order.
            found.sort((a, b) -> Double.compare(b.similarity(), a.similarity()));
            return found;
        } catch (SQLException e) {
            throw new StorageException("cannot search memories", e);
        }
    }

    /**
     * Transaction-scoped settings of an HNSW search (none for an exact one); public for the index
     * tests and the benchmark, which run the query as {@link #nearest} does.
     */
    public static void setSearchOptions(Connection connection, VectorSearch search) throws SQLException {
        if (search.isExact()) {
            return;
        }
        try (PreparedStatement settings = connection.prepareStatement(
                "SELECT set_config('hnsw.ef_search', ?, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)")) {
            settings.setString(1, Integer.toString(search.efSearch()));
            settings.execute();
        }
    }

    /**
     * The memories of the user's scope: the count the BM25 statistics keep (memory_lexical_stats,
     * maintained by a trigger on every insert and delete; V3), read by its primary key. 0 for a user
     * without memories.
     */
    public long scopeSize(Owner owner) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT documents FROM memory_lexical_stats WHERE tenant_id = ? AND user_id = ?")) {
            Jdbc.setOwner(query, 1, owner);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot count memories", e);
        }
    }

    /**
     * As {@link #nearest}, among the memories of the given speakers only (exact speaker names): the
     * second list of a search that raises a named participant's memories.
     */
    @Transactional
    public List<ScoredMemory> nearestOfSpeakers(Owner owner, List<String> speakerNames, float[] query, int limit,
            MemoryFilter filter, VectorSearch search) {
        return search(nearestQuery(owner, query, limit, filter, search, speakerNames), search);
    }

    /**
     * Which of {@code lowerCaseNames} are speaker names of the user's memories (compared in lower
     * case), each as the scope spells it; one probe of memory_entry_user_speaker (V10) per name.
     */
    public List<String> speakersNamed(Owner owner, List<String> lowerCaseNames) {
        if (lowerCaseNames.isEmpty()) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = speakersNamedQuery(owner, lowerCaseNames).prepare(connection, "");
                ResultSet rs = query.executeQuery()) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        } catch (SQLException e) {
            throw new StorageException("cannot look up speakers", e);
        }
    }

    /**
     * The query of {@link #speakersNamed}: for each word, the first memory of the scope whose speaker
     * it names, on memory_entry_user_speaker. The name is compared as the range [w, w], not w = name:
     * where a scope has one speaker, PostgreSQL takes "= name" to match every memory and so expects
     * LIMIT 1 to end at once on a sequential scan, which reads the whole table when nothing matches
     * (430 ms for three words beside a 100k scope, against 0.12 ms on the index; BENCHMARKS.md,
     * "Latency breakdown"). Planned for its parameters at every execution ({@link SqlQuery#customPlanned}):
     * a generic plan scanned the table the same way.
     */
    public static SqlQuery speakersNamedQuery(Owner owner, List<String> lowerCaseNames) {
        return SqlQuery.customPlanned("""
                SELECT s.speaker_name FROM unnest(?::text[]) AS w(name)
                CROSS JOIN LATERAL (SELECT m.speaker_name FROM memory_entry m
                                     WHERE m.tenant_id = ? AND m.user_id = ?
                                       AND lower(m.speaker_name) >= w.name AND lower(m.speaker_name) <= w.name
                                     LIMIT 1) s""",
                List.of(lowerCaseNames.toArray(String[]::new), owner.tenantId(), owner.userId()));
    }

    /**
     * The nearest-neighbour query. HNSW: {@code ORDER BY embedding <=> query}, served by the index
     * memory_entry_embedding (V1). Exact: the distance is ordered as {@code (embedding <=> query) + 0},
     * which no index can serve, so the scope is read through one of the indexes on (tenant_id,
     * user_id, ...) and sorted, whatever the planner thinks of the whole table. Planned for its
     * parameters at every execution ({@link SqlQuery#customPlanned}).
     */
    public static SqlQuery nearestQuery(Owner owner, float[] query, int limit, MemoryFilter filter, VectorSearch search) {
        return nearestQuery(owner, query, limit, filter, search, List.of());
    }

    private static SqlQuery nearestQuery(Owner owner, float[] query, int limit, MemoryFilter filter, VectorSearch search,
            List<String> speakerNames) {
        PGvector vector = new PGvector(query);
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + M_COLUMNS);
        if (search.isExact()) {
            sql.append(", (m.embedding <=> ?) + 0 AS distance");
        } else {
            sql.append(", m.embedding <=> ? AS distance");
        }
        sql.append(" FROM memory_entry m WHERE m.tenant_id = ? AND m.user_id = ?");
        parameters.add(vector);
        parameters.add(owner.tenantId());
        parameters.add(owner.userId());
        if (!speakerNames.isEmpty()) {
            sql.append(" AND m.speaker_name = ANY (?)");
            parameters.add(speakerNames.toArray(String[]::new));
        }
        FilterClause.append(sql, parameters, "m", filter);
        if (search.isExact()) {
            sql.append(" ORDER BY distance LIMIT ?");
        } else {
            sql.append(" ORDER BY m.embedding <=> ? LIMIT ?");
            parameters.add(vector);
        }
        parameters.add(limit);
        return SqlQuery.customPlanned(sql.toString(), parameters);
    }

    private static String hitTime(String row) {
        return hitCount(row) + " AS hit_time";
    }

    /** The hit count of the memory row {@code row} (an alias or the table's name): see {@link #COLUMNS}. */
    static String hitCount(String row) {
        return "least(" + row + ".hit_time::bigint + coalesce((SELECT h.hits FROM memory_hit_count h WHERE h.id = "
                + row + ".id), 0), 2147483647)::integer";
    }

    /**
     * Adds {@code hits[i]} to the hit count of memory {@code memories[i]} (absent ones are skipped), in
     * one transaction, never writing the memory rows (V15). The memories are locked against deletion
     * in id order first (a key-share lock, which updates of the memories do not wait for), so a count
     * never meets a memory deleted meanwhile, and two writers (two instances) that touch the same
     * memories wait for each other instead of deadlocking; retrieval never writes itself
     * (io.lightmem.retrieve.HitCounts). Served by the primary keys.
     */
    @RetriedOnConflict
    @Transactional
    public void addHits(List<MemoryRef> memories, List<Integer> hits) {
        String counts = "unnest(?::text[], ?::text[], ?::uuid[], ?::integer[]) AS c(tenant_id, user_id, id, hits)";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement lock = connection.prepareStatement("SELECT m.id FROM memory_entry m JOIN " + counts
                        + " ON m.tenant_id = c.tenant_id AND m.user_id = c.user_id AND m.id = c.id"
                        + " ORDER BY m.id FOR KEY SHARE OF m");
                PreparedStatement update = connection.prepareStatement("INSERT INTO memory_hit_count AS h (id, hits)"
                        + " SELECT c.id, c.hits FROM memory_entry m JOIN " + counts
                        + " ON m.tenant_id = c.tenant_id AND m.user_id = c.user_id AND m.id = c.id ORDER BY c.id"
                        + " ON CONFLICT (id) DO UPDATE SET hits = least(h.hits::bigint + EXCLUDED.hits, 2147483647)::integer")) {
            for (PreparedStatement statement : List.of(lock, update)) {
                statement.setArray(1, connection.createArrayOf("text",
                        memories.stream().map(m -> m.owner().tenantId()).toArray()));
                statement.setArray(2, connection.createArrayOf("text",
                        memories.stream().map(m -> m.owner().userId()).toArray()));
                statement.setArray(3, connection.createArrayOf("uuid", memories.stream().map(MemoryRef::id).toArray()));
                statement.setArray(4, connection.createArrayOf("integer", hits.toArray()));
            }
            lock.executeQuery().close();
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot count memory hits", e);
        }
    }

    /** The stored hit count of each of these memories of the owner that exists. */
    public Map<UUID, Integer> hitTimes(Owner owner, List<UUID> ids) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT m.id, " + hitTime("m")
                        + " FROM memory_entry m WHERE m.tenant_id = ? AND m.user_id = ? AND m.id = ANY (?)")) {
            Jdbc.setOwner(query, 1, owner);
            query.setArray(3, connection.createArrayOf("uuid", ids.toArray()));
            Map<UUID, Integer> hits = new HashMap<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    hits.put(rs.getObject(1, UUID.class), rs.getInt(2));
                }
            }
            return hits;
        } catch (SQLException e) {
            throw new StorageException("cannot read memory hits", e);
        }
    }

    static MemoryEntry entry(ResultSet rs) throws SQLException {
        return new MemoryEntry(
                rs.getObject("id", UUID.class),
                rs.getString("user_id"),
                rs.getString("memory"),
                rs.getString("original_memory"),
                rs.getString("compressed_memory"),
                Jdbc.offsetTime(rs.getTimestamp("time_stamp"), rs.getInt("utc_offset")),
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
