package io.lightmem.testing;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database the packaged service inherits (QUARKUS_DATASOURCE_* of deploy/local/postgres.sh env),
 * read directly by tests that run the service as its own process and check what it stored.
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static String url() {
        String url = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        if (url == null) {
            throw new IllegalStateException("QUARKUS_DATASOURCE_JDBC_URL is not set: run the tests with deploy/local/test.sh");
        }
        return url;
    }

    /** host:port of the database server, e.g. to put a proxy in front of it. */
    public static URI server() {
        return URI.create(url().substring("jdbc:".length()));
    }

    /** The same database at another host and port (a proxy's), with extra URL parameters (may be empty). */
    public static String urlThrough(int port, String parameters) {
        URI server = server();
        return "jdbc:postgresql://127.0.0.1:" + port + server.getPath() + (parameters.isEmpty() ? "" : "?" + parameters);
    }

    public static Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    /** The database as a DataSource, e.g. for {@link Rows}. */
    public static DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url());
        dataSource.setUser(System.getenv("QUARKUS_DATASOURCE_USERNAME"));
        dataSource.setPassword(System.getenv("QUARKUS_DATASOURCE_PASSWORD"));
        return dataSource;
    }

    /** The single number a query with one text parameter returns. */
    public static long count(String sql, String parameter) {
        return Long.parseLong(Rows.strings(dataSource(), sql, parameter).get(0));
    }

    public static void execute(String sql) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
