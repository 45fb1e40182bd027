package io.lightmem.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The audit_log table (V11__api_keys_and_audit_log.sql): append-only. */
@ApplicationScoped
public class AuditLogRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
    };

    private final AgroalDataSource dataSource;

    public AuditLogRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** In a transaction of its own: the action it records has already happened. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void append(String tenantId, String actor, String action, String target, Map<String, Object> details) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO audit_log (tenant_id, actor, action, target, details)
                        VALUES (?, ?, ?, ?, ?::jsonb)""")) {
            insert.setString(1, tenantId);
            insert.setString(2, actor);
            insert.setString(3, action);
            insert.setString(4, target);
            insert.setString(5, AuditLog.json(details));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot write the audit log", e);
        }
    }

    /** A tenant's entries with ids below {@code before}, newest first (index audit_log_tenant). */
    List<AuditEntry> page(String tenantId, long before, int limit) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT id, at, tenant_id, actor, action, target, details::text FROM audit_log
                        WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?""")) {
            query.setString(1, tenantId);
            query.setLong(2, before);
            query.setInt(3, limit);
            List<AuditEntry> entries = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    entries.add(new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), JSON.readValue(rs.getString(7), DETAILS)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new StorageException("cannot read the audit log", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("malformed audit details in the database", e);
        }
    }
}
