package io.lightmem.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGStatement;

/**
 * A parameterized statement; built by a repository, also run under EXPLAIN by the index tests.
 *
 * @param customPlanned planned for its parameters at every execution (see {@link #customPlanned(String, List)})
 */
public record SqlQuery(String sql, List<Object> parameters, boolean customPlanned) {

    public SqlQuery(String sql, List<Object> parameters) {
        this(sql, parameters, false);
    }

    /**
     * A statement that PostgreSQL must plan for the parameters of each execution, never with a cached
     * generic plan. The searches need it: the driver prepares a statement on the server after a few
     * executions, and PostgreSQL may then reuse a generic plan made for a scope of average size; for a
     * user with 100k memories among many small scopes that plan sorted every memory (486 ms instead
     * of 12.6 ms, BENCHMARKS.md "Scale and latency", run D). Such a statement is sent as the unnamed
     * statement every time (the driver's prepare threshold 0), which PostgreSQL parses and plans
     * anew with its parameters: the guarantee of plan_cache_mode = force_custom_plan without a
     * statement to set it.
     */
    public static SqlQuery customPlanned(String sql, List<Object> parameters) {
        return new SqlQuery(sql, parameters, true);
    }

    public PreparedStatement prepare(Connection connection, String prefix) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(prefix + sql);
        if (customPlanned) {
            statement.unwrap(PGStatement.class).setPrepareThreshold(0);
        }
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        return statement;
    }
}
