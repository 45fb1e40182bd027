package io.lightmem.retrieve;

import io.lightmem.config.LightMemConfig.Strategy;
import io.lightmem.store.MemoryRepository.Scored;
import java.util.List;

/** One retrieval strategy: finds the memories of one user most relevant to a query, best first. Counts no hits. */
public interface Retriever {

    Strategy strategy();

    List<Scored> retrieve(SearchRequest request);
}
