-- How often each memory was retrieved, counted apart from the memory row (docs/design.md, "Storage";
-- BENCHMARKS.md, "Hit counts apart from the memory rows").
-- Counting in memory_entry.hit_time rewrote a 2 KB memory row for every retrieved memory. Where its
-- page had no room for the new version (no HOT update), the new version took new entries in every
-- index of the table, the HNSW graph included: 2.5 ms of database time per counted memory, about
-- 25 ms behind every Retrieve of 10, more than the Retrieve itself, and a graph that grew with dead
-- entries until vacuum. A row here is a few dozen bytes whose only index is its key, which a count
-- never changes, so counting is a HOT update of a small row.
-- memory_entry.hit_time keeps the count a memory was written or imported with; a memory's hit count
-- is that plus its row here (io.lightmem.store.MemoryRepository.COLUMNS).
CREATE TABLE memory_hit_count (
    -- Deleting a memory (erasure, consolidation, undo) deletes its count with it.
    id    uuid    PRIMARY KEY REFERENCES memory_entry (id) ON DELETE CASCADE,
    hits  integer NOT NULL CHECK (hits > 0)
) WITH (fillfactor = 70); -- room on each page for the next version of its rows
