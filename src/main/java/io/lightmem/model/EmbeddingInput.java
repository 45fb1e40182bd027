package io.lightmem.model;

/**
 * What a text is embedded as. Retrieval models trained with instructions embed a question and the
 * texts that answer it differently (E5's {@code query: } / {@code passage: }, BGE's instruction on
 * queries), so every caller says which it has; symmetric models (all-MiniLM-L6-v2) ignore it.
 */
public enum EmbeddingInput {
    /** A text to be found later: a memory, a turn compared with its neighbours. */
    PASSAGE,
    /** A search: the question of a Retrieve. */
    QUERY
}
