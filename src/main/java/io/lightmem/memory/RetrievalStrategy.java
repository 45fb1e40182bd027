package io.lightmem.memory;

/** How memories are found for a query (docs/design.md, "Retrieval"). */
public enum RetrievalStrategy {
    /** Cosine nearest neighbours of the query embedding (pgvector HNSW). */
    embedding,
    /** Lexical BM25 over the memory text, computed in PostgreSQL (GIN). */
    context,
    /** Both, fused by reciprocal rank fusion. */
    hybrid;

    /** Whether an instance indexing for this strategy can serve {@code retrieve}. */
    public boolean serves(RetrievalStrategy retrieve) {
        return this == hybrid || this == retrieve;
    }
}
