package io.lightmem.retrieve;

import io.lightmem.store.MemoryRepository.Filter;
import io.lightmem.store.MemoryRepository.Scored;
import java.util.List;

/** Finds the memories of one user most relevant to a query, best first. */
public interface Retriever {

    List<Scored> retrieve(String userId, String query, int limit, Filter filter);
}
