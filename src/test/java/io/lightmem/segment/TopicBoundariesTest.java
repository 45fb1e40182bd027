package io.lightmem.segment;

import static io.lightmem.model.SimilarityScale.LIGHTMEM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lightmem.model.SimilarityScale;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicBoundariesTest {

    @Test
    void coarseBoundariesAreStrictLocalMaximaOfAttentionToThePreviousSentence() {
        // outer[k] = M[k][k-1]: 0.5 (k=1), 0.2, 0.9, 0.3, 0.3, 0.8, 0.1 (k=7)
        double[] outer = {0.5, 0.2, 0.9, 0.3, 0.3, 0.8, 0.1};
        double[][] m = new double[outer.length + 1][outer.length + 1];
        for (int k = 1; k <= outer.length; k++) {
            m[k][k - 1] = outer[k - 1];
        }

        assertThat(TopicBoundaries.coarse(m)).containsExactly(3, 6);
    }

    @Test
    void plateausAndEdgesAreNotCoarseBoundaries() {
        double[][] m = new double[5][5];
        m[1][0] = 0.9; // k=1 has no left neighbour
        m[2][1] = 0.4;
        m[3][2] = 0.4; // equal neighbours: no strict maximum
        m[4][3] = 0.9; // k=4 has no right neighbour

        assertThat(TopicBoundaries.coarse(m)).isEmpty();
    }

    @Test
    void sentenceAttentionAveragesOverTheSentencesTokensAndNormalizesOverEarlierSentences() {
        // 3 ignored positions at each end; 6 inner tokens: sentence 0 = 2 tokens, sentence 1 = 2, sentence 2 = 2.
        int[] sentenceOf = {-1, -1, -1, 0, 0, 1, 1, 2, 2, -1, -1, -1};
        float[][] attention = new float[12][12];
        attention[5][3] = 0.4f; // sentence 1, token 5 → sentence 0
        attention[6][4] = 0.2f; // sentence 1, token 6 → sentence 0
        attention[7][3] = 0.1f; // sentence 2 → sentence 0
        attention[7][5] = 0.3f; // sentence 2 → sentence 1
        attention[8][6] = 0.4f; // sentence 2 → sentence 1
        attention[0][3] = 5f;   // an ignored position: must not count

        double[][] m = TopicBoundaries.sentenceAttention(attention, sentenceOf, 3);

        assertThat(m[1][0]).isCloseTo(1.0, within(1e-6)); // the only earlier sentence takes all the mass
        assertThat(m[2][0]).isCloseTo(0.125, within(1e-6)); // (0.1/2) / ((0.1 + 0.7)/2)
        assertThat(m[2][1]).isCloseTo(0.875, within(1e-6));
        assertThat(m[0][0]).isZero();
    }

    @Test
    void fineBoundariesUseTheLowestThresholdThatFindsOne() {
        assertThat(TopicBoundaries.fine(new double[] {0.6, 0.15, 0.7, 0.1}, LIGHTMEM)).containsExactly(2, 4);
        // Nothing below 0.2 or 0.25; 0.28 is below 0.3.
        assertThat(TopicBoundaries.fine(new double[] {0.6, 0.28, 0.7, 0.29}, LIGHTMEM)).containsExactly(2, 4);
        assertThat(TopicBoundaries.fine(new double[] {0.6, 0.49, 0.7}, LIGHTMEM)).containsExactly(2);
    }

    @Test
    void noFineBoundaryWhenEveryNeighbourIsSimilarEvenAtTheHighestThreshold() {
        assertThat(TopicBoundaries.fine(new double[] {0.5, 0.8, 0.9}, LIGHTMEM)).isEmpty();
        assertThat(TopicBoundaries.fine(new double[] {}, LIGHTMEM)).isEmpty();
    }

    @Test
    void anotherModelsScaleMovesTheThresholdsItsSimilaritiesAreComparedWith() {
        SimilarityScale higher = new SimilarityScale(0.9, 0.5, 0.8);

        // 0.6 and 0.7 are topic shifts only on the higher scale: its thresholds 0.5, 0.55, 0.6, 0.65 find 0.6.
        assertThat(TopicBoundaries.fine(new double[] {0.9, 0.6, 0.95, 0.7}, higher)).containsExactly(2);
        assertThat(TopicBoundaries.fine(new double[] {0.9, 0.6, 0.95, 0.7}, LIGHTMEM)).isEmpty();
        assertThat(TopicBoundaries.fine(new double[] {0.9, 0.85, 0.95}, higher)).isEmpty();
    }

    @Test
    void reconciliationKeepsFineBoundariesNearACoarseOne() {
        assertThat(TopicBoundaries.reconcile(List.of(5), List.of(1, 2, 8, 9, 12))).containsExactly(2, 8);
        assertThat(TopicBoundaries.reconcile(List.of(20), List.of(3, 7))).containsExactly(3, 7); // none survive: all
        assertThat(TopicBoundaries.reconcile(List.of(4), List.of())).isEmpty();
        assertThat(TopicBoundaries.reconcile(List.of(), List.of(3))).containsExactly(3);
    }
}
