-- Speaker-aware search without putting the speaker's name into the memory text (docs/retrieval.md).
-- Verbatim memories used to begin with "Caroline: ...", which let questions naming a participant find
-- that participant's turns, but also made the embeddings of one speaker's short messages alike. The
-- text is now the message alone; the speaker stays a column that search uses in two ways:
-- (1) its name is part of the lexical document, so BM25 matches a question's "Caroline" against
--     Caroline's memories (a name said by half the scope weighs little, as its idf says);
-- (2) a question naming a participant raises that participant's memories in the embedding search
--     (io.lightmem.retrieve.SpeakerMatch), looked up through the index below.

-- memory_tsv is regenerated from the speaker name and the text. Its dependants go first: the trigger
-- whose WHEN clause reads it, and (with the column) the GIN index on it. This rewrites memory_entry,
-- which rebuilds every index of it, the HNSW index included: give the migration maintenance_work_mem.
DROP TRIGGER memory_lexeme_changed ON memory_entry;
ALTER TABLE memory_entry DROP COLUMN memory_tsv;
-- The roles' default names (User, Assistant: io.lightmem.memory.Role) stay out: under user_only every
-- memory would hold "user", and a question about "the user" would match every memory.
ALTER TABLE memory_entry
    ADD COLUMN memory_tsv tsvector GENERATED ALWAYS AS
        (to_tsvector('english', CASE WHEN speaker_name IN ('User', 'Assistant') THEN '' ELSE speaker_name END
                                || ' ' || memory)) STORED;

-- Serves the candidate set of a lexical query (as in V3): memory_tsv @@ (term1 | term2 | ...).
CREATE INDEX memory_entry_lexical ON memory_entry USING gin (memory_tsv);

-- Serves SpeakerMatch: "does this user have a speaker called w" for each capitalized word w of a
-- question, one index probe each (case-insensitive, as people write names in questions).
CREATE INDEX memory_entry_user_speaker ON memory_entry (tenant_id, user_id, lower(speaker_name));

-- The statistics of V3 and V6 (per tenant and user since V8) count lexemes of memory_tsv: recount them
-- for the new documents.
TRUNCATE memory_lexical_stats;
INSERT INTO memory_lexical_stats (tenant_id, user_id, documents, lexemes)
SELECT tenant_id, user_id, count(*), sum(length(memory_tsv)) FROM memory_entry GROUP BY tenant_id, user_id;
TRUNCATE memory_lexeme;
INSERT INTO memory_lexeme (tenant_id, user_id, lexeme, df)
SELECT m.tenant_id, m.user_id, u.lexeme, count(*)
  FROM memory_entry m CROSS JOIN LATERAL unnest(m.memory_tsv) u
 GROUP BY m.tenant_id, m.user_id, u.lexeme;

-- A changed speaker name changes the document as a changed text does.
DROP TRIGGER memory_lexical_stats_maintain ON memory_entry;
CREATE TRIGGER memory_lexical_stats_maintain
    AFTER INSERT OR DELETE OR UPDATE OF memory, speaker_name, user_id ON memory_entry
    FOR EACH ROW EXECUTE FUNCTION memory_lexical_stats_maintain();
CREATE TRIGGER memory_lexeme_changed
    AFTER UPDATE OF memory, speaker_name ON memory_entry
    FOR EACH ROW WHEN (OLD.memory_tsv IS DISTINCT FROM NEW.memory_tsv)
    EXECUTE FUNCTION memory_lexeme_changed();
