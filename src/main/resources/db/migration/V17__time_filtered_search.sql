-- Serves a nearest-neighbour search restricted to a period: the period a question names (the time boost's
-- search, io.lightmem.retrieve.EmbeddingRetriever) and a Retrieve's own filter.time_from / time_to
-- (io.lightmem.store.FilterClause): tenant_id = ? AND user_id = ? AND time_stamp >= ? AND time_stamp < ?.
-- memory_entry_user_time orders by float_time_stamp (paging, consolidation) and cannot serve time_stamp.
-- Without this index such a search read the whole scope: a day of a 10k scope took 15-19 ms (a
-- sequential scan of the table), a day of a 100k scope 281 ms; on this index 0.3 ms, sorting the
-- period's memories by distance (BENCHMARKS.md, "Time-filtered search"). A long period still goes to the
-- HNSW index, as the planner decides from the period's estimated share of the scope.
CREATE INDEX memory_entry_user_time_stamp ON memory_entry (tenant_id, user_id, time_stamp);
