package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.NewMessage;
import io.lightmem.memory.NormalizedMessage;
import io.lightmem.memory.Owner;
import io.lightmem.memory.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The message log: every accepted message, with its processing status. */
@ApplicationScoped
public class MessageLogRepository {

    private final AgroalDataSource dataSource;

    public MessageLogRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Appends the messages in one transaction: all are accepted or none.
     *
     * @param request the caller's request id and the fingerprint of its messages, or null; when this
     *        user's request id was accepted before, nothing is written and that acceptance is returned
     * @param asSegment make them one topic segment now; otherwise they wait for segmentation
     */
    @RetriedOnConflict
    @Transactional
    public Acceptance append(Owner owner, RequestKey request, List<NewMessage> messages, boolean asSegment) {
        String sql = """
                INSERT INTO message_log (tenant_id, user_id, role, content, time_stamp, weekday, speaker_id, speaker_name,
                                         tokens, compressed_content, utc_offset)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""";
        try (Connection connection = dataSource.getConnection()) {
            // Claimed first: a concurrent twin waits on the primary key here until this commits, then
            // finds the row and writes nothing.
            if (request != null && !claim(connection, owner, request)) {
                return accepted(connection, owner, request.requestId()).orElseThrow();
            }
            List<Long> ids = new ArrayList<>(messages.size());
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                for (NewMessage accepted : messages) {
                    NormalizedMessage message = accepted.message();
                    Jdbc.setOwner(insert, 1, owner);
                    insert.setString(3, message.role().name());
                    insert.setString(4, message.content());
                    insert.setTimestamp(5, Jdbc.timestamp(message.timeStamp()));
                    insert.setString(6, message.weekday());
                    insert.setString(7, message.speakerId());
                    insert.setString(8, message.speakerName());
                    insert.setInt(9, accepted.tokens());
                    insert.setString(10, accepted.compressedContent());
                    insert.setInt(11, Jdbc.utcOffsetSeconds(message.timeStamp()));
                    try (ResultSet rs = insert.executeQuery()) {
                        rs.next();
                        ids.add(rs.getLong(1));
                    }
                }
            }
            if (asSegment) {
                assignSegment(connection, owner, ids);
            }
            if (request != null) {
                recordIds(connection, owner, request.requestId(), ids);
            }
            return new Acceptance(ids, request == null ? null : request.fingerprint(), false);
        } catch (SQLException e) {
            throw new StorageException("cannot append to the message log", e);
        }
    }

    /** How the user's request with this id was accepted, if it was. */
    public Optional<Acceptance> accepted(Owner owner, String requestId) {
        try (Connection connection = dataSource.getConnection()) {
            return accepted(connection, owner, requestId);
        } catch (SQLException e) {
            throw new StorageException("cannot read the message log", e);
        }
    }

    private static boolean claim(Connection connection, Owner owner, RequestKey request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO add_request (tenant_id, user_id, request_id, fingerprint, message_ids)
                VALUES (?, ?, ?, ?, '{}')
                ON CONFLICT (tenant_id, user_id, request_id) DO NOTHING""")) {
            Jdbc.setOwner(insert, 1, owner);
            insert.setString(3, request.requestId());
            insert.setBytes(4, request.fingerprint());
            return insert.executeUpdate() == 1;
        }
    }

    private static void recordIds(Connection connection, Owner owner, String requestId, List<Long> ids)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE add_request SET message_ids = ? WHERE tenant_id = ? AND user_id = ? AND request_id = ?")) {
            update.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            Jdbc.setOwner(update, 2, owner);
            update.setString(4, requestId);
            update.executeUpdate();
        }
    }

    private static Optional<Acceptance> accepted(Connection connection, Owner owner, String requestId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT fingerprint, message_ids FROM add_request WHERE tenant_id = ? AND user_id = ? AND request_id = ?")) {
            Jdbc.setOwner(query, 1, owner);
            query.setString(3, requestId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Acceptance(List.of((Long[]) rs.getArray(2).getArray()), rs.getBytes(1), true));
            }
        }
    }

    /** Makes each list of message ids one topic segment, identified by its first id; one transaction. */
    @RetriedOnConflict
    @Transactional
    public void assignSegments(Owner owner, List<List<Long>> segments) {
        try (Connection connection = dataSource.getConnection()) {
            for (List<Long> segment : segments) {
                assignSegment(connection, owner, segment);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot update the message log", e);
        }
    }

    private static void assignSegment(Connection connection, Owner owner, List<Long> ids) throws SQLException {
        try (PreparedStatement segment = connection.prepareStatement(
                "UPDATE message_log SET segment_id = ? WHERE tenant_id = ? AND user_id = ? AND id = ANY (?)")) {
            segment.setLong(1, ids.get(0));
            Jdbc.setOwner(segment, 2, owner);
            segment.setArray(4, connection.createArrayOf("bigint", ids.toArray()));
            segment.executeUpdate();
        }
    }

    /** The oldest pending messages of a user already in topic segments (the short-term buffer), in order. */
    public List<LoggedMessage> segmented(Owner owner, int limit) {
        return pending(owner, "segment_id IS NOT NULL", limit);
    }

    /** The pending messages of a user still waiting for segmentation (the sensory buffer), in order. */
    public List<LoggedMessage> unsegmented(Owner owner, int limit) {
        return pending(owner, "segment_id IS NULL", limit);
    }

    private List<LoggedMessage> pending(Owner owner, String segmentCondition, int limit) {
        String sql = """
                SELECT id, role, content, time_stamp, weekday, speaker_id, speaker_name, segment_id, tokens,
                       compressed_content, utc_offset
                FROM message_log WHERE tenant_id = ? AND user_id = ? AND status = 'pending' AND %s ORDER BY id LIMIT ?"""
                .formatted(segmentCondition);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            Jdbc.setOwner(query, 1, owner);
            query.setInt(3, limit);
            List<LoggedMessage> messages = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    messages.add(new LoggedMessage(rs.getLong(1), Role.valueOf(rs.getString(2)), rs.getString(3),
                            Jdbc.offsetTime(rs.getTimestamp(4), rs.getInt(11)), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getLong(8), rs.getInt(9), rs.getString(10)));
                }
            }
            return messages;
        } catch (SQLException e) {
            throw new StorageException("cannot read the message log", e);
        }
    }

    public int countPending(Owner owner) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM message_log WHERE tenant_id = ? AND user_id = ? AND status = 'pending'")) {
            Jdbc.setOwner(query, 1, owner);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the message log", e);
        }
    }

    /** Pending messages of all users (the extraction backlog). */
    public long countAllPending() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM message_log WHERE status = 'pending'")) {
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the message log", e);
        }
    }

    /** Marks messages processed; runs inside the caller's transaction with the memories they produced. */
    public void markProcessed(Owner owner, List<Long> ids) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE message_log SET status = 'processed', processed_at = now(), attempts = attempts + 1
                        WHERE tenant_id = ? AND user_id = ? AND id = ANY (?)""")) {
            Jdbc.setOwner(update, 1, owner);
            update.setArray(3, connection.createArrayOf("bigint", ids.toArray()));
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot update the message log", e);
        }
    }

    /** Records a failed processing attempt; the messages stay pending. */
    public void recordFailure(Owner owner, List<Long> ids, String error) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE message_log SET attempts = attempts + 1, last_error = ?
                        WHERE tenant_id = ? AND user_id = ? AND id = ANY (?) AND status = 'pending'""")) {
            update.setString(1, error);
            Jdbc.setOwner(update, 2, owner);
            update.setArray(4, connection.createArrayOf("bigint", ids.toArray()));
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot update the message log", e);
        }
    }
}
