package io.lightmem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A migration may run longer than a request may (a rewrite of a large table): the migration's own
 * connection has its timeouts lifted, and the pool's connections get theirs back afterwards. Runs a
 * real Flyway against the test database, in a schema of its own, with connections whose statement
 * timeout is shorter than the migration (db/slow-migration).
 */
class MigrationTimeoutsTest {

    private static final String REQUEST_TIMEOUT = "500ms";

    private final String schema = "migration_timeouts_" + UUID.randomUUID().toString().replace("-", "");
    private final List<Connection> handedOut = new ArrayList<>();

    @AfterEach
    void dropSchema() throws SQLException {
        for (Connection connection : handedOut) {
            connection.unwrap(Connection.class).close();
        }
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void aMigrationLongerThanARequestsStatementTimeoutCompletes() {
        flyway().callbacks(new MigrationTimeouts()).load().migrate();

        assertThat(flyway().load().info().current().getVersion().getVersion()).isEqualTo("1");
    }

    @Test
    void withoutItTheSameMigrationFailsOnTheStatementTimeout() {
        assertThatThrownBy(() -> flyway().load().migrate()).isInstanceOf(FlywayException.class)
                .hasStackTraceContaining("statement timeout");
    }

    @Test
    void theConnectionsKeepTheRequestTimeoutsAfterTheMigration() throws SQLException {
        flyway().callbacks(new MigrationTimeouts()).load().migrate();

        assertThat(handedOut).isNotEmpty();
        for (Connection connection : handedOut) {
            Connection real = connection.unwrap(Connection.class);
            try (Statement statement = real.createStatement();
                    ResultSet rs = statement.executeQuery("SHOW statement_timeout")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(REQUEST_TIMEOUT);
            }
            assertThat(real.getNetworkTimeout()).isEqualTo(35_000);
        }
    }

    private FluentConfiguration flyway() {
        return Flyway.configure().dataSource(pool()).schemas(schema).createSchemas(true)
                .locations("classpath:db/slow-migration");
    }

    /**
     * Connections as the service's pool configures them (application.properties), kept open when
     * Flyway closes them, as a pool would, so the test can see what state they are returned in.
     */
    private DataSource pool() {
        PGSimpleDataSource database = (PGSimpleDataSource) TestDatabase.dataSource();
        database.setOptions("-c statement_timeout=" + REQUEST_TIMEOUT);
        database.setSocketTimeout(35);
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = call(database, method, args);
                    if (result instanceof Connection real) {
                        Connection pooled = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {Connection.class}, (p, m, a) -> switch (m.getName()) {
                                    case "close" -> null;
                                    case "unwrap" -> real;
                                    default -> call(real, m, a);
                                });
                        handedOut.add(pooled);
                        return pooled;
                    }
                    return result;
                });
    }

    /** The call as if made directly: the callee's own exception, not the reflection's. */
    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
