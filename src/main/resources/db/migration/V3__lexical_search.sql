-- Lexical ("context") retrieval: Okapi BM25 over the memory text, computed inside PostgreSQL.
-- The formula and how each part is computed are in io.lightmem.store.LexicalRepository and BENCHMARKS.md.

-- The memory text as English lexemes with positions (stemmed, stop words removed). Generated, so
-- every writer (ingest, consolidation's rewrites, undo) keeps it consistent without knowing about it.
ALTER TABLE memory_entry
    ADD COLUMN memory_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', memory)) STORED;

-- Serves the candidate set of a lexical query: memory_tsv @@ (term1 | term2 | ...) within one user,
-- a bitmap index scan whose rows are then checked against user_id and the filters.
CREATE INDEX memory_entry_lexical ON memory_entry USING gin (memory_tsv);

-- BM25 needs N (documents per user) and the mean document length per user. Counting them per query
-- would scan the user's whole scope; these counters are kept by a trigger instead, so a query reads
-- one row. Document length = number of distinct lexemes, length(memory_tsv): read from the tsvector
-- header, so scoring never unnests a document twice (short chat memories rarely repeat a lexeme).
CREATE TABLE memory_lexical_stats (
    user_id     text   PRIMARY KEY,
    documents   bigint NOT NULL,
    lexemes     bigint NOT NULL
);

CREATE FUNCTION memory_lexical_stats_maintain() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE memory_lexical_stats
           SET documents = documents - 1, lexemes = lexemes - length(OLD.memory_tsv)
         WHERE user_id = OLD.user_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO memory_lexical_stats AS s (user_id, documents, lexemes)
        VALUES (NEW.user_id, 1, length(NEW.memory_tsv))
        ON CONFLICT (user_id) DO UPDATE
           SET documents = s.documents + 1, lexemes = s.lexemes + EXCLUDED.lexemes;
    END IF;
    RETURN NULL;
END $$;

-- AFTER: memory_tsv (a generated column) is computed by then.
CREATE TRIGGER memory_lexical_stats_maintain
    AFTER INSERT OR DELETE OR UPDATE OF memory, user_id ON memory_entry
    FOR EACH ROW EXECUTE FUNCTION memory_lexical_stats_maintain();

INSERT INTO memory_lexical_stats (user_id, documents, lexemes)
SELECT user_id, count(*), sum(length(memory_tsv)) FROM memory_entry GROUP BY user_id;
