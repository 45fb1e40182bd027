package io.lightmem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.config.ExecutionProvider;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built-in all-MiniLM-L6-v2 on the real ONNX Runtime. */
class OnnxEmbedderTest {

    static OnnxEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 4, 256);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void givesUnitVectorsOfTheModelsDimension() {
        float[] v = embedder.embedPassage("My favorite color is blue.");

        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(v).hasSize(384);
        assertThat(dot(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() {
        List<float[]> v = embedder.embedPassages(List.of(
                "What is the user's favorite color?",
                "My favorite color is blue.",
                "I work as a nurse in Boston."));

        assertThat(dot(v.get(0), v.get(1))).isGreaterThan(dot(v.get(0), v.get(2)) + 0.1);
    }

    @Test
    void batchingAndPaddingDoNotChangeVectors() {
        List<String> texts = List.of("short", "a much longer sentence that needs padding in its batch",
                "third", "fourth text", "fifth, past the batch size of four");
        List<float[]> batched = embedder.embedPassages(texts);

        for (int i = 0; i < texts.size(); i++) {
            assertThat(dot(batched.get(i), embedder.embedPassage(texts.get(i)))).isGreaterThan(0.9999);
        }
    }

    @Test
    void textsOfVeryDifferentLengthsComeBackInTheCallersOrderWithTheirOwnVectors() {
        // Runs group texts by length (LengthBatches): the long ones run apart from the short ones.
        String longText = "The museum tour covered the history of the harbour, its ships and the people who built them. "
                .repeat(6);
        List<String> texts = List.of("ok", longText, "see you tomorrow", longText + " Again.", "thanks!");

        List<float[]> together = embedder.embedPassages(texts);

        assertThat(together).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(dot(together.get(i), embedder.embedPassage(texts.get(i)))).isGreaterThan(0.9999);
        }
        assertThat(dot(together.get(0), together.get(1))).isLessThan(0.9);
    }

    @Test
    void aTextLongerThanTheWindowIsTheAverageOfItsWindowsWeightedByTheirTokens() {
        // One token per word, so the windows of 256 tokens ([CLS] + 254 words + [SEP]) are known texts.
        String first = words(WINDOW_WORDS, "garden", "river", "music", "school", "paint");
        String rest = words(46, "train", "ticket", "station", "city", "night");
        assertThat(embedder.countTokens(first + " " + rest)).isEqualTo(WINDOW_WORDS + 46);

        float[] whole = embedder.embedPassage(first + " " + rest);

        float[] expected = weightedSum(embedder.embedPassage(first), WINDOW_WORDS + 2, embedder.embedPassage(rest), 46 + 2);
        assertThat(dot(whole, expected)).isGreaterThan(0.9999);
        assertThat(dot(whole, embedder.embedPassage(first))).isLessThan(0.99);
    }

    @Test
    void truncatingReadsTheFirstWindowOnly() {
        String first = words(WINDOW_WORDS, "garden", "river", "music", "school", "paint");
        String rest = words(46, "train", "ticket", "station", "city", "night");
        try (OnnxEmbedder truncating = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                OnnxEmbedder.Style.SYMMETRIC_MEAN, OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 4, 256,
                LongTexts.truncate)) {
            assertThat(dot(truncating.embedPassage(first + " " + rest), embedder.embedPassage(first)))
                    .isGreaterThan(0.9999);
        }
    }

    /** Words of a 256-token window between [CLS] and [SEP]. */
    static final int WINDOW_WORDS = 254;

    static String words(int count, String... cycle) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ").append(cycle[i % cycle.length]);
        }
        return text.toString();
    }

    static float[] weightedSum(float[] a, int weightA, float[] b, int weightB) {
        float[] sum = new float[a.length];
        double norm = 0;
        for (int d = 0; d < sum.length; d++) {
            sum[d] = weightA * a[d] + weightB * b[d];
            norm += sum[d] * sum[d];
        }
        for (int d = 0; d < sum.length; d++) {
            sum[d] /= (float) Math.sqrt(norm);
        }
        return sum;
    }

    @Test
    void aClosedEmbedderRefusesWorkInsteadOfTouchingFreedMemory() {
        OnnxEmbedder closing = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 4, 256);
        closing.close();
        closing.close(); // idempotent, as CDI and try-with-resources may both close it

        // Only a shutdown closes it: a late call is told to retry elsewhere (UNAVAILABLE), not failed as a bug.
        assertThatThrownBy(() -> closing.embedPassage("anything")).isInstanceOf(io.lightmem.UnavailableException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aMissingModelFileFailsWithItsName() {
        assertThatThrownBy(() -> new OnnxEmbedder(OnnxEmbedder.ModelFiles.of(Path.of("/nonexistent/model.onnx"),
                Path.of("/nonexistent/tokenizer.json")), OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 4, 256))
                .hasMessageContaining("/nonexistent/model.onnx");
    }

    @Test
    void askingForCudaWithoutTheGpuBuildFailsClearly() {
        assertThatThrownBy(() -> OnnxSessions.options(ExecutionProvider.cuda, 0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("execution provider cuda is not available");
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
