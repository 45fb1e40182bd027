package io.lightmem.model;

/**
 * Where an embedding model puts the cosine thresholds LightMem chose on all-MiniLM-L6-v2. Models spread
 * similarities differently (two unrelated chat turns are about 0.1 apart under MiniLM, about 0.5 under BGE),
 * so one number would mean another amount of consolidation, or other topic boundaries, with another model.
 * Each built-in model carries its own, measured on the three development sets: the thresholds at which it
 * selects as many pairs as MiniLM does at LightMem's (BENCHMARKS.md, "Thresholds per model";
 * {@code deploy/local/bench.sh thresholds}).
 *
 * @param sameFact consolidation's default {@code score-threshold}: how similar a newer memory must be to
 *     count as a source of an older one (MiniLM: 0.8)
 * @param topicShiftFrom the first threshold of topic segmentation's fine boundaries (MiniLM: 0.2)
 * @param topicShiftTo the last, reached in six equal steps when no pair is below the lower ones (MiniLM: 0.5)
 */
public record SimilarityScale(double sameFact, double topicShiftFrom, double topicShiftTo) {

    /** LightMem's own thresholds, for all-MiniLM-L6-v2 and for a model given by path. */
    public static final SimilarityScale LIGHTMEM = new SimilarityScale(0.8, 0.2, 0.5);
}
