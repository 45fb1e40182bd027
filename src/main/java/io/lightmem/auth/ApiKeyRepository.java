package io.lightmem.auth;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The api_key table (V11__api_keys_and_audit_log.sql): keys by id with the hash of their secret, per tenant. */
@ApplicationScoped
public class ApiKeyRepository {

    /** last_used_at is written at most this often per key: authentication mostly only reads. */
    static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private static final String COLUMNS = "key_id, tenant_id, name, scopes, user_id_prefix, created_at, created_by,"
            + " last_used_at, revoked_at";

    /** A key with the hash its secret must match. */
    record Stored(ApiKey key, byte[] hash) {
    }

    private final AgroalDataSource dataSource;

    public ApiKeyRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    void insert(ApiKey key, byte[] hash) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO api_key (key_id, key_hash, tenant_id, name, scopes, user_id_prefix, created_at,
                                             created_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, key.keyId());
            insert.setBytes(2, hash);
            insert.setString(3, key.tenantId());
            insert.setString(4, key.name());
            insert.setArray(5, connection.createArrayOf("text", key.scopes().toArray()));
            insert.setString(6, key.userIdPrefix());
            insert.setTimestamp(7, Timestamp.from(key.createdAt()));
            insert.setString(8, key.createdBy());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot store the API key", e);
        }
    }

    /** The key with this id (served by the primary key), revoked or not. */
    Optional<Stored> find(String keyId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT " + COLUMNS + ", key_hash FROM api_key WHERE key_id = ?")) {
            query.setString(1, keyId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(key(rs), rs.getBytes("key_hash"))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read API keys", e);
        }
    }

    /** Records a use, unless one was recorded within {@link #LAST_USED_RESOLUTION}. */
    void touch(ApiKey key, Instant now) {
        if (key.lastUsedAt() != null && key.lastUsedAt().isAfter(now.minus(LAST_USED_RESOLUTION))) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE api_key SET last_used_at = ? WHERE key_id = ?")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setString(2, key.keyId());
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot record the use of an API key", e);
        }
    }

    /** The keys of a tenant, oldest first (index api_key_tenant). */
    List<ApiKey> list(String tenantId, boolean includeRevoked) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                        + " FROM api_key WHERE tenant_id = ?" + (includeRevoked ? "" : " AND revoked_at IS NULL")
                        + " ORDER BY created_at, key_id")) {
            query.setString(1, tenantId);
            List<ApiKey> keys = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    keys.add(key(rs));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw new StorageException("cannot list API keys", e);
        }
    }

    /** Marks the key revoked unless it already is; returns it as it is afterwards, empty when unknown. */
    Optional<ApiKey> revoke(String keyId, String by, Instant at) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE api_key SET revoked_at = ?, revoked_by = ? WHERE key_id = ? AND revoked_at IS NULL")) {
            update.setTimestamp(1, Timestamp.from(at));
            update.setString(2, by);
            update.setString(3, keyId);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot revoke the API key", e);
        }
        return find(keyId).map(Stored::key);
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString("key_id"), rs.getString("tenant_id"), rs.getString("name"),
                Arrays.asList((String[]) rs.getArray("scopes").getArray()), rs.getString("user_id_prefix"),
                instant(rs.getTimestamp("created_at")), rs.getString("created_by"),
                instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
