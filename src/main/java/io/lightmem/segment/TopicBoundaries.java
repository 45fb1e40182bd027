package io.lightmem.segment;

import io.lightmem.model.SimilarityScale;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * LightMem's topic boundary rules (docs/design.md, "Topic segmentation"), as pure functions over numbers so they can be
 * checked by hand. A boundary {@code b} means a new topic starts at turn {@code b}.
 */
public final class TopicBoundaries {

    /** Attention positions ignored at each end of the sequence ([CLS]/[SEP] and their neighbours attract mass). */
    static final int IGNORED_EDGE_TOKENS = 3;
    /** Thresholds tried for fine boundaries after the first: 0.2 to 0.5 in steps of 0.05 for MiniLM. */
    static final int FINE_THRESHOLD_STEPS = 6;
    /** A fine boundary is kept when a coarse one lies within this many turns. */
    static final int RECONCILE_DISTANCE = 3;

    private TopicBoundaries() {
    }

    /**
     * Sentence-to-sentence attention: for each sentence i, the mean over i's tokens of the
     * attention mass given to each earlier sentence j, normalized over j &lt; i.
     *
     * @param attention token-to-token attention, already averaged over layers and heads
     * @param sentenceOfToken the sentence index of each token position, -1 for special tokens
     */
    public static double[][] sentenceAttention(float[][] attention, int[] sentenceOfToken, int sentences) {
        int length = attention.length;
        double[][] mass = new double[sentences][sentences];
        int[] tokens = new int[sentences];
        for (int from = IGNORED_EDGE_TOKENS; from < length - IGNORED_EDGE_TOKENS; from++) {
            int i = sentenceOfToken[from];
            if (i < 0) {
                continue;
            }
            tokens[i]++;
            for (int to = IGNORED_EDGE_TOKENS; to < length - IGNORED_EDGE_TOKENS; to++) {
                int j = sentenceOfToken[to];
                if (j >= 0 && j < i) {
                    mass[i][j] += attention[from][to];
                }
            }
        }
        for (int i = 0; i < sentences; i++) {
            double total = 0;
            for (int j = 0; j < i; j++) {
                mass[i][j] /= Math.max(1, tokens[i]);
                total += mass[i][j];
            }
            for (int j = 0; j < i && total > 0; j++) {
                mass[i][j] /= total;
            }
        }
        return mass;
    }

    /**
     * Coarse boundaries: with {@code outer[k] = M[k][k-1]}, every k that is a strict local maximum
     * of outer ({@code outer[k-1] < outer[k] > outer[k+1]}).
     */
    public static List<Integer> coarse(double[][] sentenceAttention) {
        int n = sentenceAttention.length;
        List<Integer> boundaries = new ArrayList<>();
        for (int k = 2; k + 1 < n; k++) {
            double previous = sentenceAttention[k - 1][k - 2];
            double current = sentenceAttention[k][k - 1];
            double next = sentenceAttention[k + 1][k];
            if (previous < current && current > next) {
                boundaries.add(k);
            }
        }
        return boundaries;
    }

    /**
     * Fine boundaries: between turns i and i+1 where their cosine similarity is below a threshold
     * that starts at the model's {@code topicShiftFrom} (0.2 for MiniLM) and rises in six equal steps
     * (0.05) up to its {@code topicShiftTo} (0.5), until at least one boundary is found.
     *
     * @param similarities cosine similarity of turn i and turn i+1, for each i
     */
    public static List<Integer> fine(double[] similarities, SimilarityScale scale) {
        double step = (scale.topicShiftTo() - scale.topicShiftFrom()) / FINE_THRESHOLD_STEPS;
        for (int steps = 0; steps <= FINE_THRESHOLD_STEPS; steps++) {
            // Integer steps avoid 0.2 + 0.05 + … drifting past 0.5 in floating point.
            double threshold = scale.topicShiftFrom() + steps * step;
            List<Integer> boundaries = new ArrayList<>();
            for (int i = 0; i < similarities.length; i++) {
                if (similarities[i] < threshold) {
                    boundaries.add(i + 1);
                }
            }
            if (!boundaries.isEmpty()) {
                return boundaries;
            }
        }
        return List.of();
    }

    /**
     * The fine boundaries within 3 turns of some coarse boundary; all fine boundaries when none
     * survive; none when there are no fine boundaries.
     */
    public static List<Integer> reconcile(List<Integer> coarse, List<Integer> fine) {
        TreeSet<Integer> coarseSet = new TreeSet<>(coarse);
        List<Integer> kept = fine.stream().filter(f -> {
            Integer below = coarseSet.floor(f);
            Integer above = coarseSet.ceiling(f);
            return below != null && f - below <= RECONCILE_DISTANCE || above != null && above - f <= RECONCILE_DISTANCE;
        }).toList();
        return kept.isEmpty() ? fine : kept;
    }
}
