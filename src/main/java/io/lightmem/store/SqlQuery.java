package io.lightmem.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** A parameterized statement; built by a repository, also run under EXPLAIN by the index tests. */
public record SqlQuery(String sql, List<Object> parameters) {

    public PreparedStatement prepare(Connection connection, String prefix) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(prefix + sql);
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        return statement;
    }
}
