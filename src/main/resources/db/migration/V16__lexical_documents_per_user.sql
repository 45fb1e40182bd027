-- The lexical candidate scan finds a user's documents holding the query's rarest terms through one GIN
-- index over (tenant_id, user_id, memory_tsv) instead of V14's over memory_tsv alone (BENCHMARKS.md,
-- "Fast recall"). With the terms alone, the index returned every user's documents holding them and the
-- scan dropped the others' rows one by one, so a user's search slowed down as other users wrote the same
-- words: the lexical SQL of a 100k scope took 13 ms alone in its table, 27.5 ms once a 1M scope with the
-- same vocabulary was added beside it. btree_gin lets the owner columns join the index, so the index
-- answers for one user only. It is a trusted extension (PostgreSQL 13 and later): the database's owner
-- may create it, unlike pgvector.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Serves the candidate set of a lexical query: tenant_id = ? AND user_id = ? AND memory_tsv @@ (t1 | t2 | ...).
CREATE INDEX memory_lexical_document_user_terms ON memory_lexical_document
    USING gin (tenant_id, user_id, memory_tsv);
DROP INDEX memory_lexical_document_terms;
