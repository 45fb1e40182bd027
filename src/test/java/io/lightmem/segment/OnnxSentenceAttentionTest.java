package io.lightmem.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.OnnxSessions;
import io.lightmem.testing.TinyAttentionEncoder;
import io.lightmem.testing.TinyTokenClassifier;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sentence attention from an ONNX encoder exported with attentions (docs/design.md, "Topic segmentation": coarse
 * boundaries).
 */
class OnnxSentenceAttentionTest {

    static final OnnxSentenceAttention.Settings LIGHTMEM_LAYERS = new OnnxSentenceAttention.Settings(List.of(8, 9, 10, 11), 512);

    /** Two topics of three sentences, three one-token words each. */
    static final List<String> TWO_TOPICS = List.of("a1 a2 a3", "a4 a5 a6", "a7 a8 a9", "b1 b2 b3", "b4 b5 b6", "b7 b8 b9");

    @TempDir
    Path dir;

    static OnnxSentenceAttention load(TinyTokenClassifier.Files files, OnnxSentenceAttention.Settings settings) {
        return new OnnxSentenceAttention(files.model(), files.tokenizer(), OnnxSessions.options(ExecutionProvider.cpu, 0, 1),
                settings);
    }

    TinyTokenClassifier.Files twoTopicEncoder() {
        return TinyAttentionEncoder.builder().topic(TWO_TOPICS.subList(0, 3).toArray(String[]::new))
                .topic(TWO_TOPICS.subList(3, 6).toArray(String[]::new)).write(dir);
    }

    @Test
    void aNewTopicsSecondSentenceLeansMostOnItsPredecessorWhichMakesTheCoarseBoundary() {
        // Tokens: [CLS]=0, s0=1..3, s1=4..6, s2=7..9, s3=10..12, s4=13..15, s5=16..18, [SEP]=19.
        // Positions 0-2 and 17-19 are ignored, so s0 counts 1 token (pos 3) as a target.
        // A token attends evenly (1/9) to the 9 tokens of its topic, ~2e-10 to the others.
        // M[1] = [1]; M[2] = [1/4, 3/4] (1 vs 3 counted tokens);
        // M[3] (first of topic b): only the tiny cross-topic mass, spread by tokens: [1/7, 3/7, 3/7];
        // M[4] = [~0, ~0, ~0, ~1]; M[5] = [~0, ~0, ~0, 1/2, 1/2].
        // outer = M[k][k-1] = (1, 3/4, 3/7, ~1, 1/2): its only local maximum is k = 4.
        try (OnnxSentenceAttention attention = load(twoTopicEncoder(), LIGHTMEM_LAYERS)) {
            double[][] m = attention.of(TWO_TOPICS);

            assertThat(m).hasDimensions(6, 6);
            assertThat(m[1][0]).isCloseTo(1.0, within(1e-6));
            assertThat(m[2]).containsExactly(new double[] {0.25, 0.75, 0, 0, 0, 0}, within(1e-6));
            assertThat(m[3]).containsExactly(new double[] {1.0 / 7, 3.0 / 7, 3.0 / 7, 0, 0, 0}, within(1e-4));
            assertThat(m[4][3]).isCloseTo(1.0, within(1e-6));
            assertThat(m[5]).containsExactly(new double[] {0, 0, 0, 0.5, 0.5, 0}, within(1e-6));
            assertThat(TopicBoundaries.coarse(m)).containsExactly(4);
        }
    }

    @Test
    void sentencesPastTheWindowGetNoAttention() {
        // An 11-token window holds [CLS], s0..s2 (9 tokens) and [SEP]: s3..s5 are cut off.
        try (OnnxSentenceAttention attention = load(twoTopicEncoder(), new OnnxSentenceAttention.Settings(List.of(0), 11))) {
            double[][] m = attention.of(TWO_TOPICS);

            assertThat(m).hasDimensions(6, 6);
            for (int i = 3; i < 6; i++) {
                assertThat(m[i]).containsOnly(0.0);
            }
            assertThat(m[2][1]).isCloseTo(0.75, within(1e-6));
        }
    }

    @Test
    void noSentencesGiveAnEmptyMatrix() {
        try (OnnxSentenceAttention attention = load(twoTopicEncoder(), LIGHTMEM_LAYERS)) {
            assertThat(attention.of(List.of())).isEmpty();
        }
    }

    @Test
    void aModelWithoutAttentionOutputsFailsAtLoad() {
        TinyTokenClassifier.Files classifier = TinyTokenClassifier.builder().token("a1", 0.5).write(dir);

        assertThatThrownBy(() -> load(classifier, LIGHTMEM_LAYERS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no attention outputs").hasMessageContaining("[logits]")
                .hasMessageContaining("output_attentions=True");
    }

    @Test
    void aModelWithFewerLayersThanConfiguredFailsAtLoad() {
        TinyTokenClassifier.Files sixLayers = TinyAttentionEncoder.builder().topic("a1").layers(6).write(dir);

        assertThatThrownBy(() -> load(sixLayers, LIGHTMEM_LAYERS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 6 attention layers")
                .hasMessageContaining("lightmem.topic-segmenter.layers asks for layer 8");
    }

    @Test
    void attentionOutputsAreOrderedByLayerNumber() {
        assertThat(OnnxSentenceAttention.attentionOutputs(new LinkedHashSet<>(
                List.of("logits", "attentions.10", "attentions.2", "attentions.0"))))
                .containsExactly("attentions.0", "attentions.2", "attentions.10");
    }
}
