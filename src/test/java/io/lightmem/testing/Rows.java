package io.lightmem.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Reads the database directly, for tests that check what was (or was not) written. */
public final class Rows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Rows() {
    }

    /** Every column of a memory_entry row, its vector as text, or null when there is no such memory. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> memory(DataSource dataSource, String id) {
        List<String> rows = strings(dataSource, "SELECT to_jsonb(m) - 'embedding' || jsonb_build_object('embedding',"
                + " embedding::text) FROM memory_entry m WHERE id = ?::uuid", id);
        try {
            return rows.isEmpty() ? null : JSON.readValue(rows.get(0), Map.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** The first column of every row of a query with one text parameter, as text, in order. */
    public static List<String> strings(DataSource dataSource, String sql, String parameter) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
