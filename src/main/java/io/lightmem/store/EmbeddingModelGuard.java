package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.UnavailableException;
import io.lightmem.config.RoleConfig;
import io.lightmem.model.Embedder;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * Keeps one embedding model per database (V9__embedding_model.sql): the first start records the
 * embedder's model id, every later start compares, and a different model stops the start with both
 * ids and what to do, rather than mixing vectors that cannot be compared. A database or (in role api)
 * a model service that does not answer yet defers the check to readiness, which stays down until it passed.
 */
@ApplicationScoped
@Startup
public class EmbeddingModelGuard {

    private static final Logger LOG = Logger.getLogger(EmbeddingModelGuard.class);

    private final Instance<AgroalDataSource> dataSource;
    private final Instance<Embedder> embedder;
    private final boolean servesMemory;
    private volatile boolean verified;

    @Inject
    public EmbeddingModelGuard(Instance<AgroalDataSource> dataSource, Instance<Embedder> embedder, RoleConfig role) {
        this.dataSource = dataSource;
        this.embedder = embedder;
        this.servesMemory = role.role().servesMemory();
        if (!servesMemory) {
            return; // role models has no database
        }
        try {
            verify();
        } catch (UnavailableException e) {
            LOG.warnf("the embedding model of this database is checked once the model service answers: %s",
                    e.getMessage());
        } catch (StorageException e) {
            // The service starts without its database (and answers UNAVAILABLE); readiness checks later.
            LOG.warnf("the embedding model of this database is checked once the database answers: %s",
                    e.getMessage());
        }
    }

    /**
     * Records the model on first use of the database, or checks it against the recorded one.
     *
     * @throws IllegalStateException when the database holds vectors of another model
     * @throws UnavailableException when the model service (role api) cannot say its model yet
     */
    public void verify() {
        if (verified || !servesMemory) {
            return;
        }
        Embedder current = embedder.get();
        check(current.modelId(), current.dimension());
        verified = true;
    }

    private static boolean holdsMemories(Connection connection) throws SQLException {
        try (PreparedStatement any = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM memory_entry)");
                ResultSet rs = any.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Records {@code modelId} if the database has no model yet; otherwise it must be the recorded one. */
    void check(String modelId, int dimension) {
        try (Connection connection = dataSource.get().getConnection()) {
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO embedding_model (model_id, dimension) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                record.setString(1, modelId);
                record.setInt(2, dimension);
                if (record.executeUpdate() == 1) {
                    if (holdsMemories(connection)) {
                        // A database from before V9: its memories were embedded by whatever model ran then.
                        LOG.warnf("this database holds memories from before models were recorded; recorded %s (%d dims)"
                                + " as their model. If they were embedded with another model, re-embed them or"
                                + " start with that model", modelId, dimension);
                    } else {
                        LOG.infof("this database now holds vectors of %s (%d dims)", modelId, dimension);
                    }
                    return;
                }
            }
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT model_id, dimension, recorded_at FROM embedding_model");
                    ResultSet rs = query.executeQuery()) {
                rs.next();
                String recorded = rs.getString("model_id");
                if (!recorded.equals(modelId) || rs.getInt("dimension") != dimension) {
                    throw new IllegalStateException("the memories of this database were embedded with " + recorded
                            + " (" + rs.getInt("dimension") + " dims, recorded " + rs.getTimestamp("recorded_at")
                            .toInstant() + "), but this instance embeds with " + modelId + " (" + dimension
                            + " dims): vectors of different models are not comparable, so searches would return "
                            + "noise. Set lightmem.text-embedder.model (or .model-path, .pooling, .query-prefix, "
                            + ".passage-prefix) back to that model, or use a new database for the new model");
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the embedding model of this database", e);
        }
    }
}
