package io.lightmem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.agroal.api.AgroalDataSource;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.testing.Conversations;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The context strategy's query against the formula it documents (LexicalRepository), computed here
 * independently from the memories' lexemes, and the bound on how many memories it scores.
 */
@QuarkusTest
class LexicalSearchTest {

    static final double K1 = 1.2;
    static final double B = 0.75;
    static final int EXHAUSTIVE = 1_000_000;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    LexicalRepository lexical;

    @Test
    void scoresAreTheDocumentedBm25WhenTheQueryTermsFitTheBudget() throws SQLException {
        String userId = Conversations.newUser();
        insert(userId, List.of(
                "My dog Rex loves long walks on the beach.",
                "Rex the dog barked at the dog next door.",
                "We walked along the beach at sunset.",
                "I am allergic to peanuts and shellfish.",
                "My sister Anna just started a pottery class.",
                "The beach house has a small garden where the dog sleeps.",
                "Walking is my favourite exercise, walking every single morning.",
                "I work as a nurse at a hospital in Boston."));
        String query = "Does Rex the dog like walking on beaches?";

        List<ScoredMemory> found = lexical.bm25(Conversations.owner(userId), query, 50, MemoryFilter.NONE, K1, B, EXHAUSTIVE);

        Map<String, Double> expected = bm25(userId, query);
        assertThat(found).extracting(s -> s.entry().memory()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertScoredAs(found, expected);
        assertThat(found).extracting(ScoredMemory::similarity).isSortedAccordingTo((x, y) -> Double.compare(y, x));
        assertThat(found.get(0).entry().memory()).isEqualTo("My dog Rex loves long walks on the beach.");
    }

    @Test
    void overTheBudgetOnlyTheMostCommonTermsFindNothingAndScoresStayExact() throws SQLException {
        String userId = Conversations.newUser();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            texts.add("Caroline: conversation number " + i + " about the weather and the garden.");
        }
        texts.add("Caroline: I finally repaired the old typewriter.");
        texts.add("Melanie: my typewriter needs a new ribbon.");
        insert(userId, texts);
        String query = "What did Caroline repair, the typewriter?";
        Map<String, Double> exact = bm25(userId, query);

        // df: typewrit 2, repair 1, caroline 31: within a budget of 10 the two rare terms find
        // memories; "caroline" (31 memories) only adds to their scores.
        List<ScoredMemory> bounded = lexical.bm25(Conversations.owner(userId), query, 50, MemoryFilter.NONE, K1, B, 10);

        assertThat(bounded).extracting(s -> s.entry().memory()).containsExactly(
                "Caroline: I finally repaired the old typewriter.", "Melanie: my typewriter needs a new ribbon.");
        assertScoredAs(bounded, exact);
        // With room for every posting, the same two lead an exhaustive ranking of all 32 matches.
        List<ScoredMemory> exhaustive = lexical.bm25(Conversations.owner(userId), query, 50, MemoryFilter.NONE, K1, B, EXHAUSTIVE);
        assertThat(exhaustive).hasSize(32);
        assertThat(exhaustive.subList(0, 2)).extracting(s -> s.entry().id())
                .containsExactlyElementsOf(bounded.stream().map(s -> s.entry().id()).toList());
    }

    @Test
    void aQueryOfOneTermInMoreMemoriesThanTheBudgetScoresItsMostRecentOnes() throws SQLException {
        String userId = Conversations.newUser();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            texts.add("Caroline mentioned item " + i + ".");
        }
        List<UUID> ids = insert(userId, texts);

        List<ScoredMemory> found = lexical.bm25(Conversations.owner(userId), "Caroline", 50, MemoryFilter.NONE, K1, B, 10);

        assertThat(found).extracting(s -> s.entry().id()).containsExactlyInAnyOrderElementsOf(ids.subList(15, 25));
    }

    @Test
    void filtersNarrowTheCandidatesBeforeTheBudgetDoesAndLeaveScoresAlone() throws SQLException {
        String userId = Conversations.newUser();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            texts.add("Bob watered the garden, day " + i + ".");
        }
        for (int i = 0; i < 20; i++) {
            texts.add("Alice planted roses in the garden, week " + i + ".");
        }
        List<UUID> ids = insert(userId, texts);
        execute("UPDATE memory_entry SET speaker_name = 'Bob' WHERE memory LIKE 'Bob%' AND user_id = ?", userId);
        Map<String, Double> exact = bm25(userId, "garden");

        // "garden" is in 23 memories, over a budget of 10: Bob's 3 are older than Alice's 20, yet
        // a speaker filter finds them all, scored as in the whole scope.
        List<ScoredMemory> found = lexical.bm25(Conversations.owner(userId), "garden", 10, new MemoryFilter(null, null, "Bob", null), K1, B, 10);

        assertThat(found).extracting(s -> s.entry().id()).containsExactlyInAnyOrderElementsOf(ids.subList(0, 3));
        assertScoredAs(found, exact);
    }

    @Test
    void lexemesWithPunctuationAreMatchedAsTheyAre() throws SQLException {
        String userId = Conversations.newUser();
        insert(userId, List.of("O'Neil keeps the backup at x.org/a?b=c and C:\\backup\\2024.",
                "Nothing to see here.", "Another plain memory about gardens."));

        List<ScoredMemory> found = lexical.bm25(Conversations.owner(userId), "where is x.org/a?b=c from O'Neil", 10, MemoryFilter.NONE, K1, B, 1000);

        assertThat(found).extracting(s -> s.entry().memory())
                .containsExactly("O'Neil keeps the backup at x.org/a?b=c and C:\\backup\\2024.");
    }

    @Test
    void termStatisticsFollowEveryWriteAndVanishWithTheMemories() throws SQLException {
        String userId = Conversations.newUser();
        List<UUID> ids = insert(userId, List.of("The cat sat on the mat.", "The cat chased a mouse.",
                "A dog chased the cat around the garden."));
        assertThat(statistics(userId)).isEqualTo(recount(userId));

        execute("UPDATE memory_entry SET memory = 'The cat slept on a warm mat.' WHERE id = ?", ids.get(0));
        execute("UPDATE memory_entry SET hit_time = hit_time + 1 WHERE id = ?", ids.get(1));
        assertThat(statistics(userId)).isEqualTo(recount(userId)).containsEntry("cat", 3).containsEntry("slept", 1)
                .doesNotContainKey("sat");

        execute("DELETE FROM memory_entry WHERE id = ?", ids.get(2));
        assertThat(statistics(userId)).isEqualTo(recount(userId)).containsEntry("cat", 2).doesNotContainKey("dog");

        execute("DELETE FROM memory_entry WHERE user_id = ?", userId);
        assertThat(statistics(userId)).isEmpty();
    }

    @Test
    void theRolesDefaultSpeakerNameIsNoTerm() throws SQLException {
        // Every memory's speaker is the default "User": were it a term, a question about "the user"
        // would match every memory.
        String userId = Conversations.newUser();
        insert(userId, List.of("My dog Rex loves long walks.", "I am allergic to peanuts.", "I work as a nurse."));

        assertThat(lexical.bm25(Conversations.owner(userId), "Which pet does the user have?", 10, MemoryFilter.NONE, K1, B, 1000)).isEmpty();
        assertThat(lexical.bm25(Conversations.owner(userId), "the user's dog", 10, MemoryFilter.NONE, K1, B, 1000))
                .extracting(s -> s.entry().memory()).containsExactly("My dog Rex loves long walks.");
    }

    @Test
    void theSpeakersNameIsPartOfTheDocumentThoughNotOfTheText() throws SQLException {
        String userId = Conversations.newUser();
        List<UUID> ids = insert(userId, List.of("I adopted a cat from the shelter.", "The weather was lovely."));
        execute("UPDATE memory_entry SET speaker_name = 'Caroline' WHERE id = ?", ids.get(0));
        execute("UPDATE memory_entry SET speaker_name = 'Melanie' WHERE id = ?", ids.get(1));

        List<ScoredMemory> found = lexical.bm25(Conversations.owner(userId), "What did Caroline adopt?", 10, MemoryFilter.NONE, K1, B, 1000);

        assertThat(found).extracting(s -> s.entry().memory()).containsExactly("I adopted a cat from the shelter.");
        assertScoredAs(found, bm25(userId, "What did Caroline adopt?"));
        assertThat(statistics(userId)).isEqualTo(recount(userId)).containsEntry("carolin", 1).containsEntry("melani", 1);

        execute("UPDATE memory_entry SET speaker_name = 'Melanie' WHERE id = ?", ids.get(0));
        assertThat(statistics(userId)).isEqualTo(recount(userId)).containsEntry("melani", 2).doesNotContainKey("carolin");
        assertThat(lexical.bm25(Conversations.owner(userId), "Caroline", 10, MemoryFilter.NONE, K1, B, 1000)).isEmpty();
    }

    /** Each entry's score equals the independently computed BM25 score of its memory text. */
    private static void assertScoredAs(List<ScoredMemory> found, Map<String, Double> expected) {
        for (ScoredMemory s : found) {
            assertThat(s.similarity()).as(s.entry().memory()).isCloseTo(expected.get(s.entry().memory()), within(1e-9));
        }
    }

    /** The documented formula, from each memory's lexemes and positions; keys are memory texts. */
    private Map<String, Double> bm25(String userId, String query) throws SQLException {
        Map<String, Map<String, Integer>> tf = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT m.memory, u.lexeme, coalesce(cardinality(u.positions), 1)
                  FROM memory_entry m CROSS JOIN LATERAL unnest(m.memory_tsv) u WHERE m.user_id = ?""")) {
            s.setString(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tf.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getInt(3));
                }
            }
        }
        int n = count(userId);
        double avgdl = Math.max(tf.values().stream().mapToInt(Map::size).sum() / (double) n, 1);
        Map<String, Integer> df = new HashMap<>();
        tf.values().forEach(lexemes -> lexemes.keySet().forEach(t -> df.merge(t, 1, Integer::sum)));
        Set<String> terms = new HashSet<>(strings("SELECT lexeme FROM unnest(to_tsvector('english', ?))", query));
        Map<String, Double> scores = new HashMap<>();
        tf.forEach((memory, lexemes) -> {
            double score = 0;
            boolean matched = false;
            for (String t : terms) {
                Integer f = lexemes.get(t);
                if (f != null) {
                    matched = true;
                    double idf = Math.log(1 + (n - df.get(t) + 0.5) / (df.get(t) + 0.5));
                    score += idf * f * (K1 + 1) / (f + K1 * (1 - B + B * lexemes.size() / avgdl));
                }
            }
            if (matched) {
                scores.put(memory, score);
            }
        });
        return scores;
    }

    private List<UUID> insert(String userId, List<String> texts) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement("""
                INSERT INTO memory_entry (id, tenant_id, user_id, time_stamp, float_time_stamp, weekday, memory, speaker_name,
                                          embedding)
                VALUES (?, 'default', ?, ?, ?, 'Mon', ?, 'User', array_fill(0.1, ARRAY[384])::vector)""")) {
            Instant start = Instant.parse("2024-01-01T00:00:00Z");
            for (int i = 0; i < texts.size(); i++) {
                UUID id = UUID.randomUUID();
                Instant time = start.plusSeconds(3600L * i);
                insert.setObject(1, id);
                insert.setString(2, userId);
                insert.setTimestamp(3, java.sql.Timestamp.from(time));
                insert.setDouble(4, time.getEpochSecond());
                insert.setString(5, texts.get(i));
                insert.executeUpdate();
                ids.add(id);
            }
        }
        return ids;
    }

    private Map<String, Integer> statistics(String userId) throws SQLException {
        return counts("SELECT lexeme, df FROM memory_lexeme WHERE user_id = ?", userId);
    }

    private Map<String, Integer> recount(String userId) throws SQLException {
        return counts("""
                SELECT u.lexeme, count(*) FROM memory_entry m CROSS JOIN LATERAL unnest(m.memory_tsv) u
                 WHERE m.user_id = ? GROUP BY u.lexeme""", userId);
    }

    private Map<String, Integer> counts(String sql, String userId) throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }

    private int count(String userId) throws SQLException {
        return Integer.parseInt(strings("SELECT count(*) FROM memory_entry WHERE user_id = ?", userId).get(0));
    }

    private List<String> strings(String sql, String parameter) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    private void execute(String sql, Object parameter) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, parameter);
            s.executeUpdate();
        }
    }
}
