-- The lexical search's candidate scan reads a narrow copy of each memory's lexical document instead of
-- the memory row (io.lightmem.store.LexicalRepository; BENCHMARKS.md, "Fast recall").
-- Since V13 keeps the vector in the row, a memory_entry row fills about a third of a page, so the scan
-- read about one page per candidate: 4,015 pages for the 3,440 memories holding a question's rarest
-- term in a 100k scope, 24 of the query's 32 ms. A row here is a tenth of that size, so a scope's
-- documents take few pages and stay in shared buffers.
CREATE TABLE memory_lexical_document (
    -- Deleting a memory (erasure, consolidation, undo) deletes its document with it.
    id           uuid        PRIMARY KEY REFERENCES memory_entry (id) ON DELETE CASCADE,
    tenant_id    text        NOT NULL,
    user_id      text        NOT NULL,
    -- What the scan filters on (io.lightmem.store.FilterClause) and keeps the most recent by.
    time_stamp   timestamptz NOT NULL,
    speaker_name text,
    category     text,
    memory_tsv   tsvector    NOT NULL
);

-- Serves the candidate set of a lexical query: memory_tsv @@ (term1 | term2 | ...), then the rows are
-- checked against tenant, user and filters. It replaces V10's index on memory_entry, which no query
-- reads any more.
CREATE INDEX memory_lexical_document_terms ON memory_lexical_document USING gin (memory_tsv);
DROP INDEX memory_entry_lexical;

-- Kept by triggers, like the statistics of V3 and V6, so every writer of memories (ingest, import,
-- consolidation, undo) keeps it without knowing about it. Inserts are copied per statement, a batch
-- in one insert.
CREATE FUNCTION memory_lexical_document_added() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO memory_lexical_document (id, tenant_id, user_id, time_stamp, speaker_name, category, memory_tsv)
    SELECT id, tenant_id, user_id, time_stamp, speaker_name, category, memory_tsv FROM added;
    RETURN NULL;
END $$;

CREATE TRIGGER memory_lexical_document_added
    AFTER INSERT ON memory_entry REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_document_added();

-- Only statements that set one of these columns fire it (hit counting does not).
CREATE FUNCTION memory_lexical_document_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE memory_lexical_document
       SET time_stamp = NEW.time_stamp, speaker_name = NEW.speaker_name, category = NEW.category,
           memory_tsv = NEW.memory_tsv
     WHERE id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER memory_lexical_document_changed
    AFTER UPDATE OF memory, speaker_name, time_stamp, category ON memory_entry
    FOR EACH ROW WHEN ((OLD.memory_tsv, OLD.time_stamp, OLD.speaker_name, OLD.category)
                       IS DISTINCT FROM (NEW.memory_tsv, NEW.time_stamp, NEW.speaker_name, NEW.category))
    EXECUTE FUNCTION memory_lexical_document_changed();

INSERT INTO memory_lexical_document (id, tenant_id, user_id, time_stamp, speaker_name, category, memory_tsv)
SELECT id, tenant_id, user_id, time_stamp, speaker_name, category, memory_tsv FROM memory_entry;
