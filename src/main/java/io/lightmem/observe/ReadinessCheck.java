package io.lightmem.observe;

import io.agroal.api.AgroalDataSource;
import io.lightmem.config.LightMemConfig;
import io.lightmem.model.Embedder;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.eclipse.microprofile.health.HealthCheck;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means a request can succeed: the schema is migrated, its vector column has the embedder's
 * dimension (a changed model would otherwise fail on every insert), and the model is loaded.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private final AgroalDataSource dataSource;
    private final Flyway flyway;
    private final Embedder embedder;
    private final int configuredDims;
    /** Migrations only change with a deployment: once seen complete, no need to scan them again. */
    private volatile boolean migrated;

    public ReadinessCheck(AgroalDataSource dataSource, Flyway flyway, Embedder embedder, LightMemConfig config) {
        this.dataSource = dataSource;
        this.flyway = flyway;
        this.embedder = embedder;
        this.configuredDims = config.textEmbedder().dims();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("lightmem")
                .withData("embedding.dims", embedder.dimension());
        try (Connection connection = dataSource.getConnection();
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
                int pending = flyway.info().pending().length;
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
