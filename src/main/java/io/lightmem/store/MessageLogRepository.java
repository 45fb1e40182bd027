package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.NewMessage;
import io.lightmem.memory.NormalizedMessage;
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
    public Acceptance append(String userId, RequestKey request, List<NewMessage> messages, boolean asSegment) {
        String sql = """
                INSERT INTO message_log (user_id, role, content, time_stamp, weekday, speaker_id, speaker_name, tokens,
                                         compressed_content)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""";
        try (Connection connection = dataSource.getConnection()) {
            // Claimed first: a concurrent twin waits on the primary key here until this commits, then
            // finds the row and writes nothing.
            if (request != null && !claim(connection, userId, request)) {
                return accepted(connection, userId, request.requestId()).orElseThrow();
            }
            List<Long> ids = new ArrayList<>(messages.size());
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                for (NewMessage accepted : messages) {
                    NormalizedMessage message = accepted.message();
                    insert.setString(1, userId);
                    insert.setString(2, message.role().name());
                    insert.setString(3, message.content());
                    insert.setTimestamp(4, Jdbc.timestamp(message.timeStamp()));
                    insert.setString(5, message.weekday());
                    insert.setString(6, message.speakerId());
                    insert.setString(7, message.speakerName());
                    insert.setInt(8, accepted.tokens());
                    insert.setString(9, accepted.compressedContent());
                    try (ResultSet rs = insert.executeQuery()) {
                        rs.next();
                        ids.add(rs.getLong(1));
                    }
                }
            }
            if (asSegment) {
                assignSegment(connection, userId, ids);
            }
            if (request != null) {
                recordIds(connection, userId, request.requestId(), ids);
            }
            return new Acceptance(ids, request == null ? null : request.fingerprint(), false);
        } catch (SQLException e) {
            throw new StorageException("cannot append to the message log", e);
        }
    }

    /** How the user's request with this id was accepted, if it was. */
    public Optional<Acceptance> accepted(String userId, String requestId) {
        try (Connection connection = dataSource.getConnection()) {
            return accepted(connection, userId, requestId);
        } catch (SQLException e) {
            throw new StorageException("cannot read the message log", e);
        }
    }

    private static boolean claim(Connection connection, String userId, RequestKey request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO add_request (user_id, request_id, fingerprint, message_ids) VALUES (?, ?, ?, '{}')
                ON CONFLICT (user_id, request_id) DO NOTHING""")) {
            insert.setString(1, userId);
            insert.setString(2, request.requestId());
            insert.setBytes(3, request.fingerprint());
            return insert.executeUpdate() == 1;
        }
    }

    private static void recordIds(Connection connection, String userId, String requestId, List<Long> ids)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE add_request SET message_ids = ? WHERE user_id = ? AND request_id = ?")) {
            update.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            update.setString(2, userId);
            update.setString(3, requestId);
            update.executeUpdate();
        }
    }

    private static Optional<Acceptance> accepted(Connection connection, String userId, String requestId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT fingerprint, message_ids FROM add_request WHERE user_id = ? AND request_id = ?")) {
            query.setString(1, userId);
            query.setString(2, requestId);
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
    public void assignSegments(String userId, List<List<Long>> segments) {
        try (Connection connection = dataSource.getConnection()) {
            for (List<Long> segment : segments) {
                assignSegment(connection, userId, segment);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot update the message log", e);
        }
    }

    private static void assignSegment(Connection connection, String userId, List<Long> ids) throws SQLException {
        try (PreparedStatement segment = connection.prepareStatement(
                "UPDATE message_log SET segment_id = ? WHERE user_id = ? AND id = ANY (?)")) {
            segment.setLong(1, ids.get(0));
            segment.setString(2, userId);
            segment.setArray(3, connection.createArrayOf("bigint", ids.toArray()));
            segment.executeUpdate();
        }
    }

    /** The oldest pending messages of a user already in topic segments (the short-term buffer), in order. */
    public List<LoggedMessage> segmented(String userId, int limit) {
        return pending(userId, "segment_id IS NOT NULL", limit);
    }

    /** The pending messages of a user still waiting for segmentation (the sensory buffer), in order. */
    public List<LoggedMessage> unsegmented(String userId, int limit) {
        return pending(userId, "segment_id IS NULL", limit);
    }

    private List<LoggedMessage> pending(String userId, String segmentCondition, int limit) {
        String sql = """
                SELECT id, role, content, time_stamp, weekday, speaker_id, speaker_name, segment_id, tokens,
                       compressed_content
                FROM message_log WHERE user_id = ? AND status = 'pending' AND %s ORDER BY id LIMIT ?"""
                .formatted(segmentCondition);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, userId);
            query.setInt(2, limit);
            List<LoggedMessage> messages = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    messages.add(new LoggedMessage(rs.getLong(1), Role.valueOf(rs.getString(2)), rs.getString(3),
                            Jdbc.instant(rs.getTimestamp(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getLong(8), rs.getInt(9), rs.getString(10)));
                }
            }
            return messages;
        } catch (SQLException e) {
            throw new StorageException("cannot read the message log", e);
        }
    }

    public int countPending(String userId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM message_log WHERE user_id = ? AND status = 'pending'")) {
            query.setString(1, userId);
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
    public void markProcessed(String userId, List<Long> ids) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE message_log SET status = 'processed', processed_at = now(), attempts = attempts + 1
                        WHERE user_id = ? AND id = ANY (?)""")) {
            update.setString(1, userId);
            update.setArray(2, connection.createArrayOf("bigint", ids.toArray()));
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot update the message log", e);
        }
    }

    /** Records a failed processing attempt; the messages stay pending. */
    public void recordFailure(String userId, List<Long> ids, String error) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE message_log SET attempts = attempts + 1, last_error = ?
                        WHERE user_id = ? AND id = ANY (?) AND status = 'pending'""")) {
            update.setString(1, error);
            update.setString(2, userId);
            update.setArray(3, connection.createArrayOf("bigint", ids.toArray()));
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot update the message log", e);
        }
    }
}
