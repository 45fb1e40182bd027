package io.lightmem.model;

import java.util.List;

/** Turns texts into unit-length vectors whose dot product is their cosine similarity. */
public interface Embedder {

    /** Length of every vector this embedder returns. */
    int dimension();

    /** Identifies the model: vectors of embedders with different ids are not comparable. */
    String modelId();

    /**
     * Where this model puts LightMem's similarity thresholds: a built-in model's own, LightMem's
     * (all-MiniLM-L6-v2's) for any other.
     */
    default SimilarityScale similarityScale() {
        return EmbeddingModel.ofModelId(modelId()).map(EmbeddingModel::scale).orElse(SimilarityScale.LIGHTMEM);
    }

    /** One vector per text, in order, each embedded as {@code input}. */
    List<float[]> embed(List<String> texts, EmbeddingInput input);

    /** Texts to be stored and found later. */
    default List<float[]> embedPassages(List<String> texts) {
        return embed(texts, EmbeddingInput.PASSAGE);
    }

    default float[] embedPassage(String text) {
        return embed(List.of(text), EmbeddingInput.PASSAGE).get(0);
    }

    /** The question of a search. */
    default float[] embedQuery(String text) {
        return embed(List.of(text), EmbeddingInput.QUERY).get(0);
    }
}
