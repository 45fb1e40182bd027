package io.lightmem.model;

/**
 * What the embedder does with a text longer than its window ({@code lightmem.text-embedder.max-length}
 * tokens), such as a long assistant answer (docs/retrieval.md, "Long texts").
 */
public enum LongTexts {
    /** Embed each window of the text and average the vectors, weighted by their tokens: all of it counts. */
    average,
    /** Embed the first window only: the rest of the text is not seen by vector search. */
    truncate
}
