package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.Owner;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Consolidation bookkeeping: runs (consolidation_run) and the decisions they took (consolidation_decision).
 * UUID[] is registered for reflection: the PostgreSQL driver creates the array a uuid[] column is read
 * into reflectively, which a native image refuses for an unregistered array class.
 */
@ApplicationScoped
@RegisterForReflection(targets = UUID[].class)
public class ConsolidationRepository {

    /**
     * A target entry, the (sorted) ids of the newer entries whose queue holds it at or above the
     * threshold, and whether exactly this question was decided before.
     */
    public record Target(UUID targetId, List<UUID> sources, boolean decided) {
    }

    /** What the LLM is shown for one target: the target and its still existing sources, oldest first. */
    public record Question(MemoryEntry target, List<MemoryEntry> sources) {
    }

    private final AgroalDataSource dataSource;

    public ConsolidationRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    // ---- runs

    /**
     * Closes the user's runs of this kind still marked running as interrupted (their process died:
     * the caller holds the user's consolidation lock), then opens a new run. Returns its id.
     */
    public long startRun(Owner owner, String kind, String paramsJson) {
        try (Connection connection = dataSource.getConnection()) {
            // Served by consolidation_run_user (tenant_id, user_id, kind, started_at).
            try (PreparedStatement close = connection.prepareStatement("""
                    UPDATE consolidation_run SET status = 'interrupted', finished_at = now()
                    WHERE tenant_id = ? AND user_id = ? AND kind = ? AND status = 'running'""")) {
                Jdbc.setOwner(close, 1, owner);
                close.setString(3, kind);
                close.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO consolidation_run (tenant_id, user_id, kind, params) VALUES (?, ?, ?, ?::jsonb)"
                            + " RETURNING run_id")) {
                Jdbc.setOwner(insert, 1, owner);
                insert.setString(3, kind);
                insert.setString(4, paramsJson);
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot record a consolidation run", e);
        }
    }

    /** Records a run's end: finished when {@code error} is null, failed otherwise. */
    public void finishRun(Owner owner, long runId, int entries, int decisions, int llmCalls, String error) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE consolidation_run SET status = ?, entries = ?, decisions = ?, llm_calls = ?, error = ?,
                               finished_at = now()
                        WHERE tenant_id = ? AND user_id = ? AND run_id = ?""")) {
            update.setString(1, error == null ? "finished" : "failed");
            update.setInt(2, entries);
            update.setInt(3, decisions);
            update.setInt(4, llmCalls);
            update.setString(5, error);
            Jdbc.setOwner(update, 6, owner);
            update.setLong(8, runId);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot record a consolidation run", e);
        }
    }

    /**
     * Users with entries created or changed since the start of their last finished run of
     * {@code kind} (or never consolidated), those waiting longest first: the scheduler's work list.
     */
    /** @param tenantId only users of this tenant; null for every tenant */
    public List<Owner> usersToConsolidate(String kind, String tenantId, int limit) {
        // One pass over memory_entry_user_updated (tenant_id, user_id, updated_at) for the latest
        // change per user; consolidation_run_user for the last finished run per user.
        String sql = """
                SELECT u.tenant_id, u.user_id
                FROM (SELECT tenant_id, user_id, max(updated_at) AS changed FROM memory_entry
                      WHERE ?::text IS NULL OR tenant_id = ?
                      GROUP BY tenant_id, user_id) u
                LEFT JOIN LATERAL (
                    SELECT max(r.started_at) AS last_run FROM consolidation_run r
                    WHERE r.tenant_id = u.tenant_id AND r.user_id = u.user_id AND r.kind = ?
                      AND r.status = 'finished') r ON true
                WHERE r.last_run IS NULL OR u.changed > r.last_run
                ORDER BY r.last_run NULLS FIRST, u.tenant_id, u.user_id
                LIMIT ?""";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, tenantId);
            query.setString(2, tenantId);
            query.setString(3, kind);
            query.setInt(4, limit);
            List<Owner> users = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    users.add(new Owner(rs.getString(1), rs.getString(2)));
                }
            }
            return users;
        } catch (SQLException e) {
            throw new StorageException("cannot list users to consolidate", e);
        }
    }

    // ---- targets and decisions

    /**
     * The user's targets (restricted, if {@code onlyCandidatesOf} is non-null, to candidates of those
     * entries), oldest first, each marked whether the same question was already decided.
     */
    public List<Target> targets(Owner owner, double scoreThreshold, List<UUID> onlyCandidatesOf) {
        // The grouping is served by update_queue_candidate (tenant_id, user_id, candidate_id, score);
        // the "decided" test by consolidation_decision_question (tenant_id, user_id, target_id, sources).
        String sql = """
                WITH sourced AS (
                    SELECT q.candidate_id AS target_id, t.float_time_stamp,
                           array_agg(q.entry_id ORDER BY q.entry_id) AS sources
                    FROM update_queue q JOIN memory_entry t ON t.id = q.candidate_id AND t.tenant_id = q.tenant_id
                                                              AND t.user_id = q.user_id
                    WHERE q.tenant_id = ? AND q.user_id = ? AND q.score >= ?::real %s
                    GROUP BY q.candidate_id, t.float_time_stamp)
                SELECT s.target_id, s.sources, EXISTS (
                           SELECT 1 FROM consolidation_decision d
                           WHERE d.tenant_id = ? AND d.user_id = ? AND d.target_id = s.target_id
                             AND d.sources = s.sources) AS decided
                FROM sourced s
                ORDER BY s.float_time_stamp, s.target_id""".formatted(onlyCandidatesOf == null ? ""
                : "AND q.candidate_id IN (SELECT candidate_id FROM update_queue"
                        + " WHERE tenant_id = ? AND user_id = ? AND entry_id = ANY (?))");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            i = Jdbc.setOwner(query, i, owner);
            query.setDouble(i++, scoreThreshold);
            if (onlyCandidatesOf != null) {
                i = Jdbc.setOwner(query, i, owner);
                query.setArray(i++, connection.createArrayOf("uuid", onlyCandidatesOf.toArray()));
            }
            Jdbc.setOwner(query, i, owner);
            List<Target> targets = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    targets.add(new Target(rs.getObject(1, UUID.class), uuids(rs.getArray(2)), rs.getBoolean(3)));
                }
            }
            return targets;
        } catch (SQLException e) {
            throw new StorageException("cannot read the update queue", e);
        }
    }

    /** The target and those of its sources that still exist; null when the target itself is gone. */
    public Question question(Owner owner, Target target) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT " + MemoryRepository.COLUMNS
                        + " FROM memory_entry WHERE tenant_id = ? AND user_id = ? AND id = ANY (?) ORDER BY float_time_stamp, id")) {
            List<UUID> ids = new ArrayList<>(target.sources());
            ids.add(target.targetId());
            Jdbc.setOwner(query, 1, owner);
            query.setArray(3, connection.createArrayOf("uuid", ids.toArray()));
            MemoryEntry found = null;
            List<MemoryEntry> sources = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    MemoryEntry entry = MemoryRepository.entry(rs);
                    if (entry.id().equals(target.targetId())) {
                        found = entry;
                    } else {
                        sources.add(entry);
                    }
                }
            }
            return found == null ? null : new Question(found, sources);
        } catch (SQLException e) {
            throw new StorageException("cannot read memories", e);
        }
    }

    /**
     * Claims the question for a decision, inside the caller's transaction. False when it was already
     * decided (a concurrent run got there first): the caller then applies nothing.
     */
    public boolean recordDecision(Owner owner, UUID targetId, List<UUID> sortedSources, String action,
            String newMemory, long runId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO consolidation_decision (tenant_id, user_id, target_id, sources, action, new_memory,
                                                            run_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id, target_id, sources) DO NOTHING""")) {
            Jdbc.setOwner(insert, 1, owner);
            insert.setObject(3, targetId);
            insert.setArray(4, connection.createArrayOf("uuid", sortedSources.toArray()));
            insert.setString(5, action);
            insert.setString(6, newMemory);
            insert.setLong(7, runId);
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageException("cannot record a consolidation decision", e);
        }
    }

    /** Links a decision to the history entry of the change it made. */
    public void linkChange(Owner owner, UUID targetId, List<UUID> sortedSources, long changeId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE consolidation_decision SET change_id = ?
                        WHERE tenant_id = ? AND user_id = ? AND target_id = ? AND sources = ?""")) {
            update.setLong(1, changeId);
            Jdbc.setOwner(update, 2, owner);
            update.setObject(4, targetId);
            update.setArray(5, connection.createArrayOf("uuid", sortedSources.toArray()));
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot record a consolidation decision", e);
        }
    }

    private static List<UUID> uuids(Array array) throws SQLException {
        return Arrays.stream((Object[]) array.getArray()).map(UUID.class::cast).toList();
    }
}
