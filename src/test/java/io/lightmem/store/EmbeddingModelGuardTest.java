package io.lightmem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.lightmem.model.Embedder;
import io.lightmem.model.TextEmbedderConfig.OnModelChange;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** A database keeps the vectors of one embedding model: recorded at first start, enforced after. */
@QuarkusTest
class EmbeddingModelGuardTest {

    @Inject
    EmbeddingModelGuard guard;

    @Inject
    Embedder embedder;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theStartRecordedThisInstancesModel() throws SQLException {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT model_id, dimension FROM embedding_model")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("model_id")).isEqualTo(embedder.modelId()).startsWith("bge-small-en-v1.5-q.onnx@sha256:");
            assertThat(rs.getInt("dimension")).isEqualTo(384);
            assertThat(rs.next()).as("one model per database").isFalse();
        }
    }

    @Test
    void anotherModelIsRefusedWithBothModelsAndWhatToDo() {
        String other = "e5-small-v2.onnx@sha256:0000";

        assertThatThrownBy(() -> guard.check(other, 384, OnModelChange.REFUSE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(embedder.modelId()).hasMessageContaining(other)
                .hasMessageContaining("lightmem.text-embedder.model")
                .hasMessageContaining("lightmem.text-embedder.on-model-change=re-embed");
        assertThatThrownBy(() -> guard.check(embedder.modelId(), 768, OnModelChange.REFUSE))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anotherDimensionIsRefusedEvenWhereReEmbeddingIsAllowed() {
        // The vector column's type is fixed at the first migration: no model of another size fits in it.
        assertThatThrownBy(() -> guard.check(embedder.modelId(), 768, OnModelChange.RE_EMBED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("768 dims")
                .hasMessageContaining("cannot be re-embedded with this model");
    }

    @Test
    void theRecordedModelPasses() {
        guard.check(embedder.modelId(), embedder.dimension(), OnModelChange.REFUSE);
        guard.verify();
    }
}
