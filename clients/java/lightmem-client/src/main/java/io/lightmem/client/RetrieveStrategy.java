package io.lightmem.client;

/** How a retrieval ranks memories. */
public enum RetrieveStrategy {
    /** The service's configured default. */
    DEFAULT,
    /** Cosine nearest neighbours of the query's embedding. */
    EMBEDDING,
    /** Lexical BM25 over the memory text. */
    CONTEXT,
    /** Both, fused by reciprocal rank. */
    HYBRID
}
