package io.lightmem.retrieve;

import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import java.util.List;

/** One retrieval strategy: finds the memories of one user most relevant to a query, best first. Counts no hits. */
public interface Retriever {

    RetrievalStrategy strategy();

    List<ScoredMemory> retrieve(SearchRequest request);
}
