package io.lightmem.store;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.fiveFacts;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.owner;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.Vectors.cosine;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;

import com.pgvector.PGvector;
import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.lightmem.UnavailableException;
import io.lightmem.config.ExecutionProvider;
import io.lightmem.memory.Owner;
import io.lightmem.model.Embedder;
import io.lightmem.model.EmbeddingModel;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import io.lightmem.model.TextEmbedderConfig.OnModelChange;
import io.lightmem.testing.Probes;
import io.lightmem.testing.TestDatabase;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.ExportMemoriesRequest;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.PortabilityServiceGrpc.PortabilityServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * lightmem.text-embedder.on-model-change=re-embed: a database whose vectors another model of the same size
 * made (all-MiniLM-L6-v2) is moved to this instance's model (BGE small v1.5) in the background,
 * memories and history alike, while the instance is unready and turns memory calls away; then it serves
 * as if every memory had been stored with the new model. The service runs in a schema of its own, since
 * it changes the model recorded for its database.
 */
@QuarkusTest
@TestProfile(ReEmbeddingTest.BgeOverAnotherModelsVectors.class)
class ReEmbeddingTest {

    public static class BgeOverAnotherModelsVectors implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String url = TestDatabase.url();
            return Map.of(
                    // fp32: an int8 model's vectors depend a little on the batch a text is embedded in (its
                    // activations are quantized per batch), which would blur the comparison with a fresh embedding.
                    "lightmem.text-embedder.model", "bge-small-en-v15",
                    "lightmem.text-embedder.on-model-change", "re-embed",
                    "quarkus.datasource.jdbc.url", url + (url.contains("?") ? "&" : "?")
                            + "currentSchema=" + SCHEMA + ",public",
                    "quarkus.flyway.schemas", SCHEMA);
        }
    }

    static final String SCHEMA = "re_embedding_test";

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @GrpcClient("lightmem")
    PortabilityServiceBlockingStub exports;

    @Inject
    EmbeddingModelGuard guard;

    @Inject
    ReEmbedding reEmbedding;

    @Inject
    Embedder embedder;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MemoryRepository memories;

    @Inject
    HistoryRepository history;

    static OnnxEmbedder miniLm;

    @BeforeAll
    static void loadTheOtherModel() {
        miniLm = new OnnxEmbedder(EmbeddingModel.ALL_MINILM_L6_V2, OnnxSessions.options(ExecutionProvider.cpu, 0, 0),
                32, 256);
    }

    @AfterAll
    static void closeTheOtherModel() {
        miniLm.close();
    }

    @Test
    void vectorsOfAnotherModelAreReEmbeddedWithThisOneWhileNoCallIsServed() throws SQLException {
        String userId = newUser();
        storeFiveFactsAndAMergedOne(userId);
        memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder().setUserId(userId).build());
        assertThat(count("SELECT count(*) FROM update_queue")).isPositive();
        turnIntoADatabaseOf(miniLm);
        long vectors = count("SELECT count(*) FROM memory_entry")
                + count("SELECT count(*) FROM memory_history WHERE old_embedding IS NOT NULL");

        try (Connection otherInstance = dataSource.getConnection()) {
            // Another instance holds the re-embedding's lock: this one waits, unready, serving nothing.
            otherInstance.setAutoCommit(false);
            try (PreparedStatement lock = otherInstance.prepareStatement(
                    "SELECT pg_advisory_xact_lock(hashtextextended('lightmem.re-embedding', 0))")) {
                lock.execute();
            }
            assertThatThrownBy(guard::checkAgain).isInstanceOf(UnavailableException.class);
            assertThat(Probes.eventually(Duration.ofSeconds(10), () -> String.valueOf(reEmbedding.describe())
                    .startsWith("another instance"))).isTrue();

            given().when().get("/q/health/ready").then().statusCode(503)
                    .body(containsString("another instance is re-embedding the stored vectors with "
                            + embedder.modelId()));
            assertThat(Probes.code(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                    .setQuery("Where does my sister live?").build()))).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(Probes.code(() -> memory.addMemory(add(userId, user("I like tea.", "2024-02-01T07:00:00")))))
                    .isEqualTo(Status.Code.UNAVAILABLE);
            given().contentType("application/json").body("{\"user_id\": \"" + userId + "\", \"query\": \"sister\"}")
                    .when().post("/Retrieve").then().statusCode(503).body(containsString("re-embedding"));
            assertThat(Probes.code(() -> exports.exportMemories(ExportMemoriesRequest.newBuilder().setUserId(userId)
                    .setIncludeEmbeddings(true).build()).hasNext())).as("mixed vectors are not exported")
                    .isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(recordedModel()).isEqualTo(miniLm.modelId());
            otherInstance.rollback();
        }

        awaitReady();
        assertThat(recordedModel()).isEqualTo(embedder.modelId());
        assertThat(count("SELECT count(*) FROM embedding_model WHERE re_embedding_to IS NOT NULL")).isZero();
        assertThat(reEmbedding.lastFinished().reEmbedded()).isEqualTo(vectors);
        assertEveryVectorIsThisModelsOfItsText();
        assertThat(count("SELECT count(*) FROM update_queue")).as("queues scored by the old vectors").isZero();
        RetrieveResponse found = memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                .setQuery("Where does my sister live?").setLimit(1).build());
        assertThat(found.getMemories(0).getEntry().getMemory()).isEqualTo("My sister lives in Porto.");
    }

    @Test
    void aReEmbeddingStoppedMidwayResumesAfterItsLastBatch() throws SQLException {
        storeFiveFactsAndAMergedOne(newUser());
        turnIntoADatabaseOf(miniLm);
        // As a run that stopped after its first batches left it: the entries up to the recorded one
        // hold the new model's vectors, the others and the history the old model's.
        List<UUID> ids = ids("SELECT id FROM memory_entry ORDER BY id");
        UUID lastDone = ids.get(ids.size() / 2);
        try (Connection connection = dataSource.getConnection()) {
            setVectors(connection, "memory_entry", "embedding", "memory", "id <= '" + lastDone + "'", embedder);
            try (PreparedStatement progress = connection.prepareStatement("UPDATE embedding_model SET re_embedding_to = ?,"
                    + " re_embedded_entry = ?, re_embedding_started = now()")) {
                progress.setString(1, embedder.modelId());
                progress.setObject(2, lastDone);
                progress.executeUpdate();
            }
        }
        long left = ids.size() - ids.indexOf(lastDone) - 1
                + count("SELECT count(*) FROM memory_history WHERE old_embedding IS NOT NULL");

        assertThatThrownBy(guard::checkAgain).isInstanceOf(UnavailableException.class);
        awaitReady();

        assertThat(reEmbedding.lastFinished().reEmbedded()).as("only what was left").isEqualTo(left);
        assertThat(recordedModel()).isEqualTo(embedder.modelId());
        assertEveryVectorIsThisModelsOfItsText();
    }

    @Test
    void aHalfDoneReEmbeddingIsRefusedWhereReEmbeddingIsNotAllowed() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement halfDone = connection.prepareStatement(
                        "UPDATE embedding_model SET re_embedding_to = ?, re_embedding_started = now()")) {
            halfDone.setString(1, embedder.modelId());
            halfDone.executeUpdate();
            try {
                assertThatThrownBy(() -> guard.check(embedder.modelId(), 384, OnModelChange.REFUSE))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("has not finished")
                        .hasMessageContaining("on-model-change=re-embed");
            } finally {
                halfDone.setString(1, null);
                halfDone.executeUpdate();
            }
        }
    }

    /** Five memories through AddMemory, and a consolidation merge of one of them (its history keeps the old text). */
    private void storeFiveFactsAndAMergedOne(String userId) {
        AddMemoryResponse added = memory.addMemory(fiveFacts(userId));
        assertThat(added.getEntries(0).getMemory()).isEqualTo("I run every morning.");
        UUID merged = UUID.fromString(added.getEntries(0).getId());
        Owner owner = owner(userId);
        String text = "I run every morning before my night shift ends.";
        // As DecisionApplier applies an update decision.
        QuarkusTransaction.requiringNew().run(() -> {
            history.recordChange(owner, merged, "update", text, null);
            memories.replaceMemory(owner, merged, text, embedder.embedPassage(text));
        });
    }

    /** Gives every stored vector the one {@code model} makes of its text, and records that model. */
    private void turnIntoADatabaseOf(OnnxEmbedder model) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            setVectors(connection, "memory_entry", "embedding", "memory", "true", model);
            setVectors(connection, "memory_history", "old_embedding", "old_memory", "old_embedding IS NOT NULL", model);
            try (PreparedStatement record = connection.prepareStatement("UPDATE embedding_model SET model_id = ?")) {
                record.setString(1, model.modelId());
                record.executeUpdate();
            }
        }
    }

    private static void setVectors(Connection connection, String table, String column, String textColumn, String where,
            Embedder model) throws SQLException {
        PGvector.addVectorType(connection);
        String key = table.equals("memory_entry") ? "id" : "change_id";
        Map<Object, String> texts = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + key + ", " + textColumn + " FROM " + table + " WHERE " + where);
                ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                texts.put(rs.getObject(1), rs.getString(2));
            }
        }
        List<float[]> vectors = model.embedPassages(new ArrayList<>(texts.values()));
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + table + " SET " + column + " = ? WHERE " + key + " = ?")) {
            int i = 0;
            for (Object id : texts.keySet()) {
                update.setObject(1, new PGvector(vectors.get(i++)));
                update.setObject(2, id);
                update.executeUpdate();
            }
        }
    }

    private void assertEveryVectorIsThisModelsOfItsText() throws SQLException {
        assertVectors("SELECT memory, embedding FROM memory_entry");
        assertVectors("SELECT old_memory, old_embedding FROM memory_history WHERE old_embedding IS NOT NULL");
    }

    private void assertVectors(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            PGvector.addVectorType(connection);
            try (PreparedStatement query = connection.prepareStatement(sql); ResultSet rs = query.executeQuery()) {
                int rows = 0;
                while (rs.next()) {
                    String text = rs.getString(1);
                    float[] stored = ((PGvector) rs.getObject(2)).toArray();
                    assertThat(cosine(stored, embedder.embedPassage(text))).as(sql + ": " + text).isGreaterThan(0.9999);
                    assertThat(cosine(stored, miniLm.embedPassage(text))).as("not the old model's").isLessThan(0.9);
                    rows++;
                }
                assertThat(rows).as(sql).isPositive();
            }
        }
    }

    private void awaitReady() {
        assertThat(Probes.eventually(Duration.ofSeconds(120),
                () -> given().when().get("/q/health/ready").statusCode() == 200))
                .as("ready once re-embedded").isTrue();
    }

    private String recordedModel() throws SQLException {
        return strings("SELECT model_id FROM embedding_model").get(0);
    }

    private long count(String sql) throws SQLException {
        return Long.parseLong(strings(sql).get(0));
    }

    private List<UUID> ids(String sql) throws SQLException {
        return strings(sql).stream().map(UUID::fromString).toList();
    }

    private List<String> strings(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql); ResultSet rs = query.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }
}
