package io.lightmem.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.config.LightMemConfig.ExecutionProvider;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import io.lightmem.segment.TopicSegmenter.Turn;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void oneTurnHasNoBoundary() {
        assertThat(new LightMemTopicSegmenter(embedder, Optional.empty()).boundaries(COOKING_THEN_CARS.subList(0, 1)))
                .isEmpty();
    }
}
