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
 * for each migration, up to {@link #MIGRATION_TIMEOUT}: a migration may rewrite a large table or
 * rebuild its indexes. Set around each migration, not the whole run: Flyway runs the callbacks of
 * a run (BEFORE_MIGRATE) on a connection of their own and the migrations on another, so only the
 * per-migration events see the connection a migration runs on. Both are put back after each
 * migration, as the pool would not restore them.
 */
@Singleton
public class MigrationTimeouts implements FlywayConfigurationCustomizer, Callback {

    static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(30);
    private static final Executor CALLER = Runnable::run;

    /** The socket timeout the migration's connection had; one migration runs at a time per instance. */
    private volatile int socketTimeout;

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.callbacks(this);
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE
                || event == Event.AFTER_EACH_MIGRATE_ERROR;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            if (event == Event.BEFORE_EACH_MIGRATE) {
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
