package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.UnavailableException;
import io.lightmem.config.RoleConfig;
import io.lightmem.model.Embedder;
import io.lightmem.model.TextEmbedderConfig;
import io.lightmem.model.TextEmbedderConfig.OnModelChange;
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
 * ids and what to do, rather than mixing vectors that cannot be compared; with
 * {@code lightmem.text-embedder.on-model-change=re-embed} it has the stored vectors re-embedded instead
 * ({@link ReEmbedding}), and this instance stays unready and turns memory calls away until that is done.
 * A database or (in role api) a model service that does not answer yet defers the check to readiness,
 * which stays down until it passed.
 */
@ApplicationScoped
@Startup
public class EmbeddingModelGuard {

    private static final Logger LOG = Logger.getLogger(EmbeddingModelGuard.class);
    private static final String BACK_OR_NEW = "Set lightmem.text-embedder.model (or .model-path, .pooling,"
            + " .query-prefix, .passage-prefix) back to that model, or use a new database for the new model";

    private final Instance<AgroalDataSource> dataSource;
    private final Instance<Embedder> embedder;
    private final boolean servesMemory;
    private final OnModelChange onModelChange;
    private final ReEmbedding reEmbedding;
    private volatile boolean verified;

    @Inject
    public EmbeddingModelGuard(Instance<AgroalDataSource> dataSource, Instance<Embedder> embedder, RoleConfig role,
            TextEmbedderConfig config, ReEmbedding reEmbedding) {
        this.dataSource = dataSource;
        this.embedder = embedder;
        this.servesMemory = role.role().servesMemory();
        this.onModelChange = config.onModelChange();
        this.reEmbedding = reEmbedding;
        if (!servesMemory) {
            return; // role models has no database
        }
        try {
            verify();
        } catch (UnavailableException e) {
            if (reEmbedding.pending()) {
                LOG.warnf("this instance stays unready until the stored vectors are re-embedded: %s", e.getMessage());
                return;
            }
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
        check(current.modelId(), current.dimension(), onModelChange);
        verified = true;
    }

    /** Whether this instance waits for its stored vectors to be re-embedded (and serves no memory calls). */
    public boolean reEmbeddingPending() {
        return !verified && reEmbedding.pending();
    }

    /** Checks again as the next start would (tests change the recorded model under a running instance). */
    void checkAgain() {
        verified = false;
        verify();
    }

    /**
     * Turns a memory call away while the stored vectors are being re-embedded (their search would mix
     * two models, and a write could be re-embedded or not).
     *
     * @throws UnavailableException while a re-embedding is pending
     */
    public void ensureServing() {
        if (reEmbeddingPending()) {
            throw new UnavailableException("this instance serves no memory calls while " + reEmbedding.describe()
                    + "; retry later", null);
        }
    }

    private static boolean holdsMemories(Connection connection) throws SQLException {
        try (PreparedStatement any = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM memory_entry)");
                ResultSet rs = any.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Records {@code modelId} if the database has no model yet; otherwise it must be the recorded one,
     * or, with {@code onChange} re-embed and the same dimension, the stored vectors are re-embedded with it.
     *
     * @throws IllegalStateException when the database holds vectors of another model and may not move
     * @throws UnavailableException while a re-embedding to {@code modelId} is pending
     */
    void check(String modelId, int dimension, OnModelChange onChange) {
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
                    "SELECT model_id, dimension, recorded_at, re_embedding_to FROM embedding_model");
                    ResultSet rs = query.executeQuery()) {
                rs.next();
                String recorded = rs.getString("model_id");
                int recordedDimension = rs.getInt("dimension");
                String reEmbeddingTo = rs.getString("re_embedding_to");
                if (recorded.equals(modelId) && recordedDimension == dimension && reEmbeddingTo == null) {
                    return;
                }
                String held = "the memories of this database were embedded with " + recorded + " (" + recordedDimension
                        + " dims, recorded " + rs.getTimestamp("recorded_at").toInstant() + ")";
                String current = "this instance embeds with " + modelId + " (" + dimension + " dims)";
                if (recordedDimension != dimension) {
                    throw new IllegalStateException(held + ", but " + current + ": the vector column holds "
                            + recordedDimension + " dimensions, so the memories cannot be re-embedded with this model"
                            + " either. " + BACK_OR_NEW);
                }
                if (onChange == OnModelChange.RE_EMBED) {
                    reEmbedding.start(modelId);
                    throw new UnavailableException(describeReEmbedding(), null);
                }
                if (reEmbeddingTo != null) {
                    throw new IllegalStateException(held + " and a re-embedding of them with " + reEmbeddingTo
                            + " was started and has not finished, so they are mixed now, but " + current
                            + " and lightmem.text-embedder.on-model-change=refuse. Start with that model and"
                            + " on-model-change=re-embed to finish it (or with on-model-change=re-embed and this model"
                            + " to re-embed every memory with this one)");
                }
                throw new IllegalStateException(held + ", but " + current + ": vectors of different models are not"
                        + " comparable, so searches would return noise. Set lightmem.text-embedder.on-model-change="
                        + "re-embed to re-embed the stored memories with this model (the instance is unready until"
                        + " done), or: " + BACK_OR_NEW);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the embedding model of this database", e);
        }
    }

    private String describeReEmbedding() {
        String now = reEmbedding.describe();
        return now != null ? now : "the stored vectors were just re-embedded; check again";
    }
}
