package io.lightmem.memory;

/**
 * An entry with its relevance to a query: cosine similarity (embedding), BM25 score (context)
 * or reciprocal-rank-fusion score (hybrid). Higher is better within one strategy only.
 */
public record ScoredMemory(MemoryEntry entry, double similarity) {
}
