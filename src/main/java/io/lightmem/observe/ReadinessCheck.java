package io.lightmem.observe;

import io.agroal.api.AgroalDataSource;
import io.lightmem.config.RoleConfig;
import io.lightmem.config.RoleConfig.InstanceRole;
import io.lightmem.model.Models;
import io.lightmem.model.TextEmbedderConfig;
import io.lightmem.store.EmbeddingModelGuard;
import io.lightmem.store.SchemaMigration;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means a request can succeed: the models are available (loaded in process, or the model
 * service answers with the expected dimension in role api) and, in the roles that serve memory,
 * the schema is migrated and its vector column has the embedder's dimension (a changed model would
 * otherwise fail on every insert). Role models has no database and checks only its models.
 *
 * <p>The probe answers within {@link #ANSWER_WITHIN} whatever the database or the model service do:
 * the check runs on a thread of its own, one at a time, and a probe that does not get its result in
 * time answers DOWN, saying the check is still waiting (docs/fault-tolerance.md, "Readiness").
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    static final Duration ANSWER_WITHIN = Duration.ofMillis(800);
    /** The database check's own statement timeout; the socket timeout bounds a database that stopped answering. */
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    // An Instance: in role models the datasource is never used and must not be created.
    private final Instance<AgroalDataSource> dataSource;
    private final SchemaMigration migration;
    private final Models models;
    private final Instance<EmbeddingModelGuard> modelGuard;
    private final InstanceRole role;
    private final int configuredDims;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "lightmem-readiness");
        thread.setDaemon(true);
        return thread;
    });
    private CompletableFuture<HealthCheckResponse> running;
    private long startedAt;

    public ReadinessCheck(Instance<AgroalDataSource> dataSource, SchemaMigration migration, Models models,
            Instance<EmbeddingModelGuard> modelGuard, RoleConfig config, TextEmbedderConfig embedder) {
        this.dataSource = dataSource;
        this.migration = migration;
        this.modelGuard = modelGuard;
        this.models = models;
        this.role = config.role();
        this.configuredDims = embedder.dims();
    }

    @Override
    public HealthCheckResponse call() {
        CompletableFuture<HealthCheckResponse> check;
        long since;
        synchronized (this) {
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(this::check, checker);
                startedAt = System.nanoTime();
            }
            check = running;
            since = startedAt;
        }
        try {
            return check.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return HealthCheckResponse.named("lightmem").withData("role", role.name()).down()
                    .withData("check", "no answer after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)
                            + " ms: the database or the model service is not answering")
                    .build();
        } catch (ExecutionException e) {
            return HealthCheckResponse.named("lightmem").withData("role", role.name()).down()
                    .withData("check", String.valueOf(e.getCause())).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResponse.named("lightmem").down().build();
        }
    }

    private HealthCheckResponse check() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("lightmem").withData("role", role.name());
        Models.Availability availability = models.availability();
        availability.data().forEach((key, value) -> {
            if (value instanceof Number number) {
                response.withData(key, number.longValue());
            } else {
                response.withData(key, String.valueOf(value));
            }
        });
        if (!availability.up()) {
            return response.down().build();
        }
        if (!role.servesMemory()) {
            return response.up().build();
        }
        if (!migration.migrated()) {
            return response.down().withData("schema", "not migrated yet: " + migration.problem()).build();
        }
        try (Connection connection = dataSource.get().getConnection();
                PreparedStatement column = connection.prepareStatement("""
                        SELECT atttypmod FROM pg_attribute
                        WHERE attrelid = to_regclass('memory_entry') AND attname = 'embedding'""")) {
            column.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = column.executeQuery()) {
                if (!rs.next()) {
                    return response.down().withData("schema", "memory_entry.embedding is missing").build();
                }
                int columnDims = rs.getInt(1);
                response.withData("schema.embedding.dims", columnDims);
                if (columnDims != configuredDims) {
                    return response.down().withData("schema", "memory_entry.embedding is vector(" + columnDims
                            + ") but lightmem.text-embedder.dims is " + configuredDims).build();
                }
            }
            try {
                // Done at start-up unless the database or the model service (role api) did not answer then.
                modelGuard.get().verify();
            } catch (RuntimeException e) {
                return response.down().withData("embedding.model.check", e.getMessage()).build();
            }
            return response.up().build();
        } catch (SQLException e) {
            return response.down().withData("database", e.getMessage()).build();
        }
    }

    @PreDestroy
    void stop() {
        checker.shutdownNow();
    }
}
