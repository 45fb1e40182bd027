package io.lightmem.client;

/**
 * A memory found by a retrieval, with its relevance.
 *
 * @param formatted the line to put in a prompt: "2024-01-15T10:30:00.000 Mon User's favorite color is blue."
 * @param score higher is better; its scale depends on the strategy (embedding: cosine similarity in [-1, 1];
 *     context: BM25, unbounded; hybrid: reciprocal-rank-fusion score)
 */
public record RetrievedMemory(Memory memory, String formatted, double score) {
}
