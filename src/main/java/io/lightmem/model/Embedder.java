package io.lightmem.model;

import java.util.List;

/** Turns texts into unit-length vectors whose dot product is their cosine similarity. */
public interface Embedder {

    /** Length of every vector this embedder returns. */
    int dimension();

    /** Identifies the model: vectors of embedders with different ids are not comparable. */
    String modelId();

    /** One vector per text, in order. */
    List<float[]> embed(List<String> texts);

    default float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }
}
