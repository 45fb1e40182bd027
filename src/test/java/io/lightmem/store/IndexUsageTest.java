package io.lightmem.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.testing.Conversations;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each strategy's query, exactly as the repositories build it, is served by its index on a
 * user scope of a few thousand memories, beside many scopes of a few memories. Sequential scans (and, for nearest-neighbour queries,
 * sorts) are disabled while explaining: the test table is small and shared by all tests, so the
 * planner's choice there says little about production sizes; what must hold is that the query's
 * shape lets the index serve it (a query the index cannot serve would still plan a sequential
 * scan or a sort, at disable cost).
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndexUsageTest {

    static final int ROWS = 3000;
    static final int SMALL_SCOPES = 300;

    @Inject
    AgroalDataSource dataSource;

    private final String userId = Conversations.newUser();

    @BeforeAll
    void fillOneUserScope() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO memory_entry (id, tenant_id, user_id, time_stamp, float_time_stamp, weekday, memory, speaker_name,
                                                  embedding)
                        SELECT gen_random_uuid(), 'default', ?, t, extract(epoch FROM t), 'Mon',
                               'Memory ' || i || ' about ' || CASE WHEN i % 100 = 0 THEN 'repairing a vintage typewriter'
                                   ELSE (ARRAY['hiking in the Alps', 'baking sourdough bread', 'a trip to Japan',
                                               'the dog Rex', 'learning the violin'])[1 + i % 5] END,
                               'User',
                               (SELECT array_agg(random() - 0.5)::real[] FROM generate_series(1, 384) g WHERE g > -i)::vector
                          FROM generate_series(1, ?) i, LATERAL (SELECT timestamptz '2024-01-01' + i * interval '1 hour') ts(t)
                        """)) {
            insert.setString(1, userId);
            insert.setInt(2, ROWS);
            insert.executeUpdate();
        }
        // Many small scopes beside it, as in production: the average scope is a few memories.
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO memory_entry (id, tenant_id, user_id, time_stamp, float_time_stamp, weekday, memory, speaker_name,
                                                  embedding)
                        SELECT gen_random_uuid(), 'default', ? || '-small-' || (i / 3), now(), 0, 'Mon', 'A small scope.', 'User',
                               array_fill(0.05::real, ARRAY[384])::vector
                          FROM generate_series(0, ?) i""")) {
            insert.setString(1, userId);
            insert.setInt(2, SMALL_SCOPES * 3 - 1);
            insert.executeUpdate();
        }
        try (Connection connection = dataSource.getConnection(); Statement analyze = connection.createStatement()) {
            analyze.execute("ANALYZE memory_entry");
        }
    }

    @AfterAll
    void dropTheScope() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM memory_entry WHERE user_id = ? OR user_id LIKE ? || '-small-%'")) {
            delete.setString(1, userId);
            delete.setString(2, userId);
            delete.executeUpdate();
        }
    }

    @Test
    void embeddingSearchUsesTheHnswIndex() throws SQLException {
        float[] query = new float[384];
        Random random = new Random(7);
        for (int i = 0; i < query.length; i++) {
            query[i] = random.nextFloat() - 0.5f;
        }
        String plan = explain(MemoryRepository.nearestQuery(Conversations.owner(userId), query, 10, MemoryFilter.NONE), 100);

        assertThat(plan).contains("Index Scan using memory_entry_embedding");
    }

    @Test
    void embeddingSearchWithFiltersStillUsesTheHnswIndex() throws SQLException {
        float[] query = new float[384];
        query[0] = 1;
        MemoryFilter filter = new MemoryFilter(java.time.Instant.parse("2024-02-01T00:00:00Z"), null, "User", null);
        String plan = explain(MemoryRepository.nearestQuery(Conversations.owner(userId), query, 10, filter), 100);

        assertThat(plan).contains("Index Scan using memory_entry_embedding");
    }

    @Test
    void aRepeatedEmbeddingSearchIsPlannedForItsUserEachTime() throws SQLException {
        // This scope is far larger than the small ones beside it, so a generic plan (made for a scope
        // of average size) would look cheaper to PostgreSQL than the plans made for this user.
        float[] query = new float[384];
        query[1] = 1;
        long[] plans = plansOfRepeated(MemoryRepository.nearestQuery(Conversations.owner(userId), query, 10, MemoryFilter.NONE),
                "ORDER BY m.embedding <=>", connection -> MemoryRepository.setSearchOptions(connection, 40));

        assertThat(plans[0]).as("generic plans").isZero();
        assertThat(plans[1]).as("custom plans").isGreaterThanOrEqualTo(5);
    }

    @Test
    void aRepeatedLexicalSearchIsPlannedForItsUserEachTime() throws SQLException {
        long[] plans = plansOfRepeated(
                LexicalRepository.bm25Query(Conversations.owner(userId), "vintage typewriter", 10, MemoryFilter.NONE, 1.2, 0.75, 1000),
                "WITH terms AS", LexicalRepository::setSearchOptions);

        assertThat(plans[0]).as("generic plans").isZero();
        assertThat(plans[1]).as("custom plans").isGreaterThanOrEqualTo(5);
    }

    private interface Settings {
        void apply(Connection connection) throws SQLException;
    }

    /**
     * Runs the query 15 times on one connection, one transaction each, as a pooled connection serves
     * it: enough for the driver to prepare it on the server and for the server to weigh a generic plan
     * (after five custom ones). Returns the plans the server made for the statement containing
     * {@code sqlPart}: {generic, custom}.
     */
    private long[] plansOfRepeated(SqlQuery query, String sqlPart, Settings settings) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (int run = 0; run < 15; run++) {
                    settings.apply(connection);
                    try (PreparedStatement statement = query.prepare(connection, "");
                            ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            // read the results, as the repositories do
                        }
                    }
                    connection.commit();
                }
                try (PreparedStatement plans = connection.prepareStatement(
                        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE strpos(statement, ?) > 0")) {
                    plans.setString(1, sqlPart);
                    try (ResultSet rs = plans.executeQuery()) {
                        assertThat(rs.next()).as("the query was prepared on the server").isTrue();
                        return new long[] {rs.getLong(1), rs.getLong(2)};
                    }
                }
            } finally {
                connection.rollback();
            }
        }
    }

    @Test
    void lexicalSearchUsesTheGinIndex() throws SQLException {
        // A selective query (1 % of the user's memories), as most are: common terms may rightly
        // be served by the user_id index instead.
        String plan = explain(LexicalRepository.bm25Query(Conversations.owner(userId), "vintage typewriter", 10, MemoryFilter.NONE, 1.2, 0.75, 1000), 0);

        assertThat(plan).contains("Bitmap Index Scan on memory_entry_lexical");
    }

    private String explain(SqlQuery query, int efSearch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (Statement settings = connection.createStatement()) {
                    settings.execute("SET LOCAL enable_seqscan = off");
                    if (efSearch > 0) {
                        // Exact search over a few thousand rows (a user_id index scan and a sort) is
                        // legitimately cheaper here; without sorting, only the HNSW index can order.
                        settings.execute("SET LOCAL enable_sort = off");
                    }
                }
                if (efSearch > 0) {
                    MemoryRepository.setSearchOptions(connection, efSearch);
                }
                StringBuilder plan = new StringBuilder();
                try (PreparedStatement explain = query.prepare(connection, "EXPLAIN ");
                        ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                connection.rollback();
            }
        }
    }
}
