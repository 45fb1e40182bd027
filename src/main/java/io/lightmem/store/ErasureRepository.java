package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.Owner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Erasure: removes what the service holds about memories or a whole user, history included (an
 * erased text must not survive in an audit table). Each call is one transaction: all or nothing.
 */
@ApplicationScoped
public class ErasureRepository {

    /**
     * Everything stored per user, children before parents; memory_lexical_document goes with
     * memory_entry (ON DELETE CASCADE, V14).
     */
    private static final List<String> USER_TABLES = List.of("consolidation_decision", "memory_history",
            "consolidation_run", "update_queue", "memory_entry", "memory_lexical_stats", "memory_lexeme",
            "message_log", "add_request", "llm_usage");

    private final AgroalDataSource dataSource;

    public ErasureRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Deletes the entries and their history and decisions; returns how many entries were deleted. */
    @RetriedOnConflict
    @Transactional
    public int deleteMemories(Owner owner, List<UUID> ids) {
        try (Connection connection = dataSource.getConnection()) {
            Object[] array = ids.toArray();
            execute(connection, "DELETE FROM memory_history WHERE tenant_id = ? AND user_id = ? AND memory_id = ANY (?)",
                    owner, array);
            execute(connection, "DELETE FROM consolidation_decision WHERE tenant_id = ? AND user_id = ?"
                    + " AND target_id = ANY (?)", owner, array);
            return execute(connection, "DELETE FROM memory_entry WHERE tenant_id = ? AND user_id = ? AND id = ANY (?)",
                    owner, array);
        } catch (SQLException e) {
            throw new StorageException("cannot delete memories", e);
        }
    }

    /** Deletes every row of the user in every table; returns the numbers of memories and messages deleted. */
    @RetriedOnConflict
    @Transactional
    public int[] eraseUser(Owner owner) {
        try (Connection connection = dataSource.getConnection()) {
            int memories = 0;
            int messages = 0;
            for (String table : USER_TABLES) {
                // Table names come from the constant list above, never from input.
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                        + " WHERE tenant_id = ? AND user_id = ?")) {
                    Jdbc.setOwner(delete, 1, owner);
                    int deleted = delete.executeUpdate();
                    if (table.equals("memory_entry")) {
                        memories = deleted;
                    } else if (table.equals("message_log")) {
                        messages = deleted;
                    }
                }
            }
            return new int[] {memories, messages};
        } catch (SQLException e) {
            throw new StorageException("cannot erase the user", e);
        }
    }

    /**
     * Some users of a tenant that still have rows, at most {@code limit}. Served by the (tenant_id,
     * user_id, ...) indexes of most tables; message_log and add_request are scanned for the tenant, which
     * an administrator's rare erasure can afford.
     */
    public List<String> usersOf(String tenantId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT DISTINCT user_id FROM (");
        for (int i = 0; i < USER_TABLES.size(); i++) {
            // Table names come from the constant list above, never from input.
            sql.append(i == 0 ? "" : " UNION ").append("(SELECT user_id FROM ").append(USER_TABLES.get(i))
                    .append(" WHERE tenant_id = ? GROUP BY user_id LIMIT ?)");
        }
        sql.append(") users LIMIT ?");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql.toString())) {
            int index = 1;
            for (int i = 0; i < USER_TABLES.size(); i++) {
                query.setString(index++, tenantId);
                query.setInt(index++, limit);
            }
            query.setInt(index, limit);
            List<String> users = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    users.add(rs.getString(1));
                }
            }
            return users;
        } catch (SQLException e) {
            throw new StorageException("cannot list the tenant's users", e);
        }
    }

    private static int execute(Connection connection, String sql, Owner owner, Object[] ids) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Jdbc.setOwner(statement, 1, owner);
            statement.setArray(3, connection.createArrayOf("uuid", ids));
            return statement.executeUpdate();
        }
    }
}
