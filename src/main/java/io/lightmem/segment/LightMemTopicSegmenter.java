package io.lightmem.segment;

import io.lightmem.model.Embedder;
import io.lightmem.model.SentenceAttention;
import java.util.List;
import java.util.Optional;

/**
 * LightMem's two-level segmentation: coarse boundaries from attention, fine boundaries from the
 * embeddings of consecutive turns, reconciled within 3 turns. Without an attention source every
 * fine boundary stands (the reconciliation's own rule when no coarse boundary is near).
 */
public final class LightMemTopicSegmenter implements TopicSegmenter, AutoCloseable {

    private final Embedder embedder;
    private final Optional<SentenceAttention> attention;

    public LightMemTopicSegmenter(Embedder embedder, Optional<SentenceAttention> attention) {
        this.embedder = embedder;
        this.attention = attention;
    }

    @Override
    public List<Integer> boundaries(List<Turn> turns) {
        if (turns.size() < 2) {
            return List.of();
        }
        List<float[]> vectors = embedder.embedPassages(turns.stream()
                .map(t -> (t.userText() + " " + t.assistantText()).strip()).toList());
        double[] similarities = new double[turns.size() - 1];
        for (int i = 0; i + 1 < turns.size(); i++) {
            similarities[i] = dot(vectors.get(i), vectors.get(i + 1)); // unit vectors: dot = cosine
        }
        List<Integer> fine = TopicBoundaries.fine(similarities, embedder.similarityScale());
        List<Integer> coarse = attention
                .map(a -> TopicBoundaries.coarse(a.of(turns.stream().map(Turn::userText).toList())))
                .orElse(List.of());
        return TopicBoundaries.reconcile(coarse, fine);
    }

    /** Closes the attention source when it holds a model. */
    @Override
    public void close() throws Exception {
        if (attention.isPresent() && attention.get() instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
