package io.lightmem.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import io.lightmem.segment.TopicSegmenter.Turn;
import io.lightmem.testing.TinyAttentionEncoder;
import io.lightmem.testing.TinyTokenClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine boundaries from the real all-MiniLM-L6-v2 embeddings, and how coarse ones narrow them. */
class LightMemTopicSegmenterTest {

    static OnnxEmbedder embedder;

    private static final List<Turn> COOKING_THEN_CARS = List.of(
            new Turn("I am making fresh pasta tonight with eggs and flour.", "Homemade pasta is lovely."),
            new Turn("The pasta dough needs to rest for thirty minutes before rolling.", "Resting helps the gluten."),
            new Turn("I will serve the pasta with a tomato and basil sauce.", "Classic and delicious."),
            new Turn("My car's brakes started squeaking on the highway.", "That should be checked soon."),
            new Turn("The mechanic said the brake pads on my car are worn out.", "Replacing pads is routine."),
            new Turn("Replacing the car brake pads will cost about two hundred dollars.", "That is a fair price."));

    @BeforeAll
    static void load() {
        embedder = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 32, 256);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void theTopicChangeIsWhereConsecutiveTurnsStopResemblingEachOther() {
        TopicSegmenter segmenter = new LightMemTopicSegmenter(embedder, Optional.empty());

        assertThat(segmenter.boundaries(COOKING_THEN_CARS)).containsExactly(3);
    }

    @Test
    void coarseBoundariesKeepOnlyTheFineBoundariesNearThem() {
        // A scripted attention source whose only coarse boundary (k=4) sits one turn from the fine one.
        double[][] attention = new double[6][6];
        double[] outer = {0.1, 0.2, 0.1, 0.9, 0.1};
        for (int k = 1; k < 6; k++) {
            attention[k][k - 1] = outer[k - 1];
        }
        TopicSegmenter segmenter = new LightMemTopicSegmenter(embedder, Optional.of(sentences -> attention));

        assertThat(segmenter.boundaries(COOKING_THEN_CARS)).containsExactly(3);
    }

    /** Cooking, then cars, then gardening; user texts of 8 one-token words from turn 3 on (see below). */
    static final List<String> COOKING = List.of(
            "Tonight I am making fresh pasta with eggs and flour",
            "The pasta dough should rest thirty minutes before rolling",
            "I will serve it with tomato and basil sauce");
    static final List<String> CARS_THEN_GARDEN = List.of(
            "My car brakes started squeaking on a highway",
            "A mechanic said those brake pads are worn",
            "New brake pads for my car cost money",
            "Mechanics replace worn brake pads every few years",
            "Brake pads wear faster on steep mountain roads",
            "Our garden roses need water every single morning",
            "We planted roses along our garden fence yesterday",
            "Garden roses bloom best under full summer sunshine");

    @Test
    void anAttentionModelKeepsOnlyTheFineBoundariesNearItsCoarseOnes(@TempDir Path dir) {
        List<Turn> turns = Stream.concat(COOKING.stream(), CARS_THEN_GARDEN.stream()).map(text -> new Turn(text, ""))
                .toList();
        // The tiny encoder sees two topics: cooking (turns 0-2) and everything after. As in
        // OnnxSentenceAttentionTest, outer = M[k][k-1] is 1 at k=1, below 1 at k=2 and k=3 (the new topic's first
        // sentence spreads its tiny cross-topic mass over all earlier tokens), ~1 at k=4, then 1/(k-3) for k >= 5
        // (equal sentence lengths): its only local maximum, the coarse boundary, is k=4.
        TinyTokenClassifier.Files model = TinyAttentionEncoder.builder().topic(COOKING.toArray(String[]::new))
                .topic(CARS_THEN_GARDEN.toArray(String[]::new)).write(dir);
        try (OnnxSentenceAttention attention = new OnnxSentenceAttention(model.model(), model.tokenizer(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 1), new OnnxSentenceAttention.Settings(List.of(8, 9, 10, 11), 512))) {
            assertThat(TopicBoundaries.coarse(attention.of(userTexts(turns)))).containsExactly(4);

            // MiniLM finds both topic changes; the one at 8 is more than 3 turns from the coarse boundary.
            assertThat(new LightMemTopicSegmenter(embedder, Optional.empty()).boundaries(turns)).containsExactly(3, 8);
            assertThat(new LightMemTopicSegmenter(embedder, Optional.of(attention)).boundaries(turns)).containsExactly(3);
        }
    }

    private static List<String> userTexts(List<Turn> turns) {
        return turns.stream().map(Turn::userText).toList();
    }

    @Test
    void oneTurnHasNoBoundary() {
        assertThat(new LightMemTopicSegmenter(embedder, Optional.empty()).boundaries(COOKING_THEN_CARS.subList(0, 1)))
                .isEmpty();
    }
}
