package io.lightmem.model.remote;

import io.lightmem.model.Embedder;
import io.lightmem.model.EmbeddingInput;
import java.util.List;

/** Embeddings from the model service; the dimension is the one this instance stores (checked there). */
final class RemoteEmbedder implements Embedder {

    private final ModelServiceClient client;
    private final int dimension;

    RemoteEmbedder(ModelServiceClient client, int dimension) {
        this.client = client;
        this.dimension = dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String modelId() {
        return client.info().embeddingModelId();
    }

    @Override
    public List<float[]> embed(List<String> texts, EmbeddingInput input) {
        return client.embed(texts, input);
    }

    @Override
    public String toString() {
        return "embedder of the model service at " + client.endpoint();
    }
}
