package io.lightmem.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which texts the encoder runs together. A run pads every text to the longest of the run, so a
 * request that mixes short messages with long ones (a chat turn beside a 256-token assistant
 * answer) would spend most of its work on padding. Texts are taken shortest first, and a run ends
 * when it is full or when the next text is more than twice as long as the run's first (and longer
 * than {@link #MIN_WIDTH}, below which splitting saves less than a run costs). See docs/retrieval.md,
 * "Batches".
 */
public final class LengthBatches {

    /** Tokens up to which texts always share a run. */
    static final int MIN_WIDTH = 32;

    private LengthBatches() {
    }

    /** The runs, each as indexes into {@code lengths}; every index appears in exactly one run. */
    public static List<int[]> plan(int[] lengths, int batchSize) {
        List<Integer> order = IntStream.range(0, lengths.length).boxed()
                .sorted(Comparator.comparingInt(i -> lengths[i])).toList();
        List<int[]> runs = new ArrayList<>();
        List<Integer> run = new ArrayList<>();
        for (int index : order) {
            if (!run.isEmpty() && (run.size() == batchSize
                    || lengths[index] > Math.max(2 * lengths[run.get(0)], MIN_WIDTH))) {
                runs.add(run.stream().mapToInt(Integer::intValue).toArray());
                run.clear();
            }
            run.add(index);
        }
        if (!run.isEmpty()) {
            runs.add(run.stream().mapToInt(Integer::intValue).toArray());
        }
        return runs;
    }
}
