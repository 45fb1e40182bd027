-- Keep each memory's vector in its row (docs/design.md, "Storage"; BENCHMARKS.md, "Vectors in the row").
-- A memory row is about 2.1 KB with a 384-dimension vector, just over the 2 KB at which PostgreSQL
-- starts moving long values out of line, so most vectors lived in the TOAST table and every distance an
-- exact search computes (a small scope, consolidation's update queue) first fetched the vector from
-- there: 21,954 buffer reads for a scope of 10,000 memories instead of 3,131, about 2.5 times the time.
-- Rows are moved out of line only beyond 8,160 bytes now, and then the texts go before the vector.
-- Both settings apply to rows written from now on; rows written before keep their layout until the
-- table is rewritten (VACUUM FULL memory_entry, which locks the table while it runs).
ALTER TABLE memory_entry SET (toast_tuple_target = 8160);
ALTER TABLE memory_entry ALTER COLUMN embedding SET STORAGE MAIN;
