package io.lightmem.store;

/**
 * How a nearest-neighbour query is answered: by computing the distance to every memory of the scope
 * ({@link #exact()}), or by walking the HNSW index with a candidate list of {@code efSearch}
 * ({@link #hnsw(int)}). The service chooses per request (io.lightmem.retrieve.VectorSearchRule).
 *
 * @param efSearch hnsw.ef_search; 0 for exact search
 */
public record VectorSearch(int efSearch) {

    /** pgvector's bounds of hnsw.ef_search. */
    public static final int MIN_EF_SEARCH = 1;
    public static final int MAX_EF_SEARCH = 1000;

    public VectorSearch {
        if (efSearch != 0 && (efSearch < MIN_EF_SEARCH || efSearch > MAX_EF_SEARCH)) {
            throw new IllegalArgumentException("ef_search must be 0 (exact) or within " + MIN_EF_SEARCH + ".."
                    + MAX_EF_SEARCH + ", got " + efSearch);
        }
    }

    public static VectorSearch exact() {
        return new VectorSearch(0);
    }

    public static VectorSearch hnsw(int efSearch) {
        if (efSearch == 0) {
            throw new IllegalArgumentException("an HNSW search needs an ef_search of at least " + MIN_EF_SEARCH);
        }
        return new VectorSearch(efSearch);
    }

    public boolean isExact() {
        return efSearch == 0;
    }

    @Override
    public String toString() {
        return isExact() ? "exact" : "hnsw(ef_search=" + efSearch + ")";
    }
}
