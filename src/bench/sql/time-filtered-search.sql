-- What a nearest-neighbour search within a period costs, with and without V17's index on (tenant_id,
-- user_id, time_stamp) (BENCHMARKS.md, "Time-filtered search"). The search is the one the period boost and
-- a Retrieve's time filter make (MemoryRepository.nearestQuery, HNSW mode: ef_search 300, iterative scan),
-- for the day, the month and the year of one memory of the scope, as EXPLAIN (ANALYZE, BUFFERS) times it;
-- "without" drops the index inside a transaction that is rolled back (it holds the table's lock meanwhile:
-- run it on a benchmark database, never a serving one). Each variant runs three times; read the last.
-- psql "postgresql://lightmem@127.0.0.1:54329/<database>" -v tenant=default -v user=<user id of a large scope> \
--      -f src/bench/sql/time-filtered-search.sql
\set ON_ERROR_STOP on
SET statement_timeout = 0;
SELECT embedding AS q, date_trunc('day', time_stamp) AS day, date_trunc('month', time_stamp) AS month,
       date_trunc('year', time_stamp) AS year
  FROM memory_entry WHERE tenant_id = :'tenant' AND user_id = :'user' ORDER BY id LIMIT 1 \gset
SELECT count(*) AS scope,
       count(*) FILTER (WHERE time_stamp >= :'day' AND time_stamp < :'day'::timestamptz + interval '1 day') AS in_day,
       count(*) FILTER (WHERE time_stamp >= :'month' AND time_stamp < :'month'::timestamptz + interval '1 month') AS in_month,
       count(*) FILTER (WHERE time_stamp >= :'year' AND time_stamp < :'year'::timestamptz + interval '1 year') AS in_year
  FROM memory_entry WHERE tenant_id = :'tenant' AND user_id = :'user';

\set search 'SELECT id, embedding <=> :''q'' AS distance FROM memory_entry m WHERE tenant_id = :''tenant'' AND user_id = :''user'' AND time_stamp >= :''from'' AND time_stamp < :''from''::timestamptz + :''span''::interval ORDER BY embedding <=> :''q'' LIMIT 50'

\echo '== with the index'
BEGIN;
SELECT set_config('hnsw.ef_search', '300', true), set_config('hnsw.iterative_scan', 'relaxed_order', true) \gset
\set from :day
\set span '1 day'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search;
\set from :month
\set span '1 month'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search;
\set from :year
\set span '1 year'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search;
COMMIT;

\echo '== without the index'
BEGIN;
DROP INDEX memory_entry_user_time_stamp;
SELECT set_config('hnsw.ef_search', '300', true), set_config('hnsw.iterative_scan', 'relaxed_order', true) \gset
\set from :day
\set span '1 day'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search;
\set from :month
\set span '1 month'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search;
\set from :year
\set span '1 year'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :search;
ROLLBACK;
