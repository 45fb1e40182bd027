package io.lightmem.model.remote;

import io.lightmem.model.SentenceAttention;
import java.util.List;

/**
 * Sentence attention from the model service. When the service has no attention model, the matrix
 * is all zeros: it has no local maximum, so it gives no coarse boundary, which is exactly the
 * segmentation without attention (fine boundaries only).
 */
final class RemoteSentenceAttention implements SentenceAttention {

    private final ModelServiceClient client;

    RemoteSentenceAttention(ModelServiceClient client) {
        this.client = client;
    }

    @Override
    public double[][] of(List<String> sentences) {
        double[][] matrix = client.sentenceAttention(sentences);
        return matrix != null ? matrix : new double[sentences.size()][sentences.size()];
    }

    @Override
    public String toString() {
        return "attention of the model service at " + client.endpoint();
    }
}
