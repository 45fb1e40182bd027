package io.lightmem.observe;

import io.agroal.api.AgroalDataSource;
import io.lightmem.config.RoleConfig;
import io.lightmem.config.RoleConfig.InstanceRole;
import io.lightmem.model.Models;
import io.lightmem.model.TextEmbedderConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Ready means a request can succeed: the models are available (loaded in process, or the model
 * service answers with the expected dimension in role api) and, in the roles that serve memory,
 * the schema is migrated and its vector column has the embedder's dimension (a changed model would
 * otherwise fail on every insert). Role models has no database and checks only its models.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    // Instances: in role models the datasource and Flyway are inactive and must not be created.
    private final Instance<AgroalDataSource> dataSource;
    private final Instance<Flyway> flyway;
    private final Models models;
    private final InstanceRole role;
    private final int configuredDims;
    /** Migrations only change with a deployment: once seen complete, no need to scan them again. */
    private volatile boolean migrated;

    public ReadinessCheck(Instance<AgroalDataSource> dataSource, Instance<Flyway> flyway, Models models,
            RoleConfig config, TextEmbedderConfig embedder) {
        this.dataSource = dataSource;
        this.flyway = flyway;
        this.models = models;
        this.role = config.role();
        this.configuredDims = embedder.dims();
    }

    @Override
    public HealthCheckResponse call() {
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
        try (Connection connection = dataSource.get().getConnection();
                PreparedStatement column = connection.prepareStatement("""
                        SELECT atttypmod FROM pg_attribute
                        WHERE attrelid = to_regclass('memory_entry') AND attname = 'embedding'""")) {
            try (ResultSet rs = column.executeQuery()) {
                if (!rs.next()) {
                    return response.down().withData("schema", "memory_entry.embedding is missing: migrations not applied")
                            .build();
                }
                int columnDims = rs.getInt(1);
                response.withData("schema.embedding.dims", columnDims);
                if (columnDims != configuredDims) {
                    return response.down().withData("schema", "memory_entry.embedding is vector(" + columnDims
                            + ") but lightmem.text-embedder.dims is " + configuredDims).build();
                }
            }
            if (!migrated) {
                int pending = flyway.get().info().pending().length;
                if (pending > 0) {
                    return response.down().withData("schema", pending + " migrations not applied").build();
                }
                migrated = true;
            }
            return response.up().build();
        } catch (SQLException | FlywayException e) {
            return response.down().withData("database", e.getMessage()).build();
        }
    }
}
