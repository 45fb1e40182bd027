package io.lightmem.retrieve;

import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.Owner;
import java.time.Instant;


/**
 * A validated retrieval: whose memories, what for, how many, restricted how.
 *
 * @param efSearch the request's HNSW candidate list for strategies that use it; 0: the service chooses
 *                 ({@link VectorSearchRule})
 * @param queryTime when the question is asked: relative times in it ("last week") are read against it
 */
public record SearchRequest(Owner owner, String query, int limit, MemoryFilter filter, int efSearch,
        Instant queryTime) {
}
