package io.lightmem.store;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Lifts the request timeouts (statement_timeout 30 s, socket timeout 35 s: application.properties)
 * for the migration connection, up to {@link #MIGRATION_TIMEOUT}: a migration may rebuild an index
 * of a large table. Flyway migrates PostgreSQL on a single connection, the one its callbacks get;
 * both are put back when the migration ends, as the pool would not restore them.
 */
@Singleton
public class MigrationTimeouts implements FlywayConfigurationCustomizer, Callback {

    static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(30);
    private static final Executor CALLER = Runnable::run;

    /** The socket timeout the migration connection had; one migration runs at a time per instance. */
    private volatile int socketTimeout;

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.callbacks(this);
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_MIGRATE || event == Event.AFTER_MIGRATE || event == Event.AFTER_MIGRATE_ERROR;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            if (event == Event.BEFORE_MIGRATE) {
                socketTimeout = connection.getNetworkTimeout();
                connection.setNetworkTimeout(CALLER, (int) MIGRATION_TIMEOUT.toMillis());
                statement.execute("SET statement_timeout = '" + MIGRATION_TIMEOUT.toMinutes() + "min'");
            } else {
                statement.execute("RESET statement_timeout");
                connection.setNetworkTimeout(CALLER, socketTimeout);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the migration's timeouts: " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "lightmem-migration-timeouts";
    }
}
