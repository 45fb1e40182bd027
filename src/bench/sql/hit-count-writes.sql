-- What counting a retrieval costs the database, three ways (BENCHMARKS.md, "Hit counts apart from the
-- memory rows"). 20,000 rows shaped like memory_entry since V13 (a 384-dimension vector kept in the row,
-- about 2 KB), an HNSW index on the vector, autovacuum off so every variant sees the same pages; then
-- 40 flushes of 250 randomly chosen memories, as HitCounts' writer makes them:
--   wide      the count in the memory row (before V15), pages filled as inserts leave them;
--   wide_ff70 the same with fillfactor 70 (room on each page for one new row version);
--   narrow    the count in a row of its own (V15's memory_hit_count), upserted.
-- Run in a scratch database: LIGHTMEM_PG_DB=lightmem_exp bash deploy/local/postgres.sh up, then
-- psql "postgresql://lightmem@127.0.0.1:54329/lightmem_exp" -f src/bench/sql/hit-count-writes.sql
\timing off
SET statement_timeout = 0;
CREATE EXTENSION IF NOT EXISTS vector;
DROP TABLE IF EXISTS bench_hits_narrow, bench_hits_wide, bench_hits_wide_ff70;
CREATE TABLE bench_hits_wide (id int PRIMARY KEY, hit_time int NOT NULL DEFAULT 0, memory text, embedding vector(384));
ALTER TABLE bench_hits_wide ALTER COLUMN embedding SET STORAGE MAIN;
ALTER TABLE bench_hits_wide SET (toast_tuple_target = 8160, autovacuum_enabled = false);
CREATE TABLE bench_hits_wide_ff70 (LIKE bench_hits_wide INCLUDING ALL);
ALTER TABLE bench_hits_wide_ff70 SET (toast_tuple_target = 8160, fillfactor = 70, autovacuum_enabled = false);
CREATE TABLE bench_hits_narrow (id int PRIMARY KEY REFERENCES bench_hits_wide (id), hits int NOT NULL)
    WITH (fillfactor = 70, autovacuum_enabled = false);
INSERT INTO bench_hits_wide
SELECT g, 0, repeat('some memory text ', 8),
       (SELECT array_agg(random())::real[] FROM generate_series(1, 384) x WHERE x > -g)::vector
  FROM generate_series(1, 20000) g;
INSERT INTO bench_hits_wide_ff70 SELECT * FROM bench_hits_wide;
CREATE INDEX ON bench_hits_wide USING hnsw (embedding vector_cosine_ops);
CREATE INDEX ON bench_hits_wide_ff70 USING hnsw (embedding vector_cosine_ops);
SELECT relname, pg_relation_size(oid) / 8192 AS pages FROM pg_class
 WHERE relname IN ('bench_hits_wide', 'bench_hits_wide_ff70') ORDER BY relname;
\timing on
\echo wide
DO $$ BEGIN FOR i IN 1..40 LOOP
  UPDATE bench_hits_wide SET hit_time = hit_time + 1
   WHERE id IN (SELECT (random() * 19999)::int + 1 FROM generate_series(1, 250));
END LOOP; END $$;
\echo wide_ff70
DO $$ BEGIN FOR i IN 1..40 LOOP
  UPDATE bench_hits_wide_ff70 SET hit_time = hit_time + 1
   WHERE id IN (SELECT (random() * 19999)::int + 1 FROM generate_series(1, 250));
END LOOP; END $$;
\echo narrow
DO $$ BEGIN FOR i IN 1..40 LOOP
  INSERT INTO bench_hits_narrow AS h (id, hits)
  SELECT DISTINCT (random() * 19999)::int + 1, 1 FROM generate_series(1, 250)
  ON CONFLICT (id) DO UPDATE SET hits = h.hits + EXCLUDED.hits;
END LOOP; END $$;
\timing off
SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables
 WHERE relname LIKE 'bench_hits%' ORDER BY relname;
SELECT c.relname, pg_relation_size(i.indexrelid) / 8192 AS index_pages FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
 WHERE c.relname IN ('bench_hits_wide', 'bench_hits_wide_ff70') AND i.indexrelid::regclass::text LIKE '%embedding%'
 ORDER BY c.relname;
DROP TABLE bench_hits_narrow, bench_hits_wide, bench_hits_wide_ff70;
