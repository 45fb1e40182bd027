package io.lightmem.model;

import java.util.List;

/**
 * Sentence-to-sentence attention of an encoder over the concatenated user sentences
 * ({@link TopicBoundaries#sentenceAttention}), the source of coarse topic boundaries.
 */
public interface SentenceAttention {

    double[][] of(List<String> sentences);
}
