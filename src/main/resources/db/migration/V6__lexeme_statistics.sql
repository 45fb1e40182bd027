-- Per-user document frequency of every lexeme, so the lexical ("context") query knows df(t) of the
-- query's terms before it touches a memory: it picks the rarest terms to find candidates with and
-- never scores more than a bounded number of memories (io.lightmem.store.LexicalRepository).
CREATE TABLE memory_lexeme (
    user_id  text    NOT NULL,
    lexeme   text    NOT NULL,
    -- Memories of the user whose memory_tsv holds the lexeme; a row never stays at 0 (erasure must
    -- leave nothing of a user's words behind).
    df       integer NOT NULL CHECK (df > 0),
    PRIMARY KEY (user_id, lexeme)
);

-- Inserts and deletes are counted per statement (transition tables), so a batch of memories or an
-- erasure costs one grouped upsert rather than one per memory and lexeme. The row triggers of
-- memory_lexical_stats (V3) run first and lock the user's stats row until commit, so two writers of
-- one user never interleave here (no deadlock between these rows).
CREATE FUNCTION memory_lexeme_added() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO memory_lexeme AS l (user_id, lexeme, df)
    SELECT n.user_id, u.lexeme, count(*)
      FROM added n CROSS JOIN LATERAL unnest(n.memory_tsv) u
     GROUP BY n.user_id, u.lexeme
     ORDER BY n.user_id, u.lexeme
    ON CONFLICT (user_id, lexeme) DO UPDATE SET df = l.df + EXCLUDED.df;
    RETURN NULL;
END $$;

CREATE FUNCTION memory_lexeme_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        SELECT o.user_id, u.lexeme, count(*)::integer AS n
          FROM removed o CROSS JOIN LATERAL unnest(o.memory_tsv) u
         GROUP BY o.user_id, u.lexeme
    ), last AS (
        DELETE FROM memory_lexeme l USING gone g
         WHERE l.user_id = g.user_id AND l.lexeme = g.lexeme AND l.df <= g.n
    )
    UPDATE memory_lexeme l SET df = l.df - g.n
      FROM gone g
     WHERE l.user_id = g.user_id AND l.lexeme = g.lexeme AND l.df > g.n;
    RETURN NULL;
END $$;

-- A changed text (consolidation's rewrite, undo) moves one memory from its old lexemes to its new.
CREATE FUNCTION memory_lexeme_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    WITH old_terms AS (
        SELECT lexeme FROM unnest(OLD.memory_tsv)
    ), new_terms AS (
        SELECT lexeme FROM unnest(NEW.memory_tsv)
    ), gone AS (
        SELECT lexeme FROM old_terms EXCEPT SELECT lexeme FROM new_terms
    ), last AS (
        DELETE FROM memory_lexeme l USING gone g
         WHERE l.user_id = OLD.user_id AND l.lexeme = g.lexeme AND l.df <= 1
    )
    UPDATE memory_lexeme l SET df = l.df - 1
      FROM gone g
     WHERE l.user_id = OLD.user_id AND l.lexeme = g.lexeme AND l.df > 1;
    INSERT INTO memory_lexeme AS l (user_id, lexeme, df)
    SELECT NEW.user_id, a.lexeme, 1
      FROM (SELECT lexeme FROM unnest(NEW.memory_tsv) EXCEPT SELECT lexeme FROM unnest(OLD.memory_tsv)) a
     ORDER BY a.lexeme
    ON CONFLICT (user_id, lexeme) DO UPDATE SET df = l.df + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER memory_lexeme_added
    AFTER INSERT ON memory_entry REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION memory_lexeme_added();

CREATE TRIGGER memory_lexeme_removed
    AFTER DELETE ON memory_entry REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION memory_lexeme_removed();

-- Row level with a WHEN clause: retrieval updates hit_time of every returned memory, and that must
-- not pay for this trigger. A memory never changes user.
CREATE TRIGGER memory_lexeme_changed
    AFTER UPDATE OF memory ON memory_entry
    FOR EACH ROW WHEN (OLD.memory_tsv IS DISTINCT FROM NEW.memory_tsv)
    EXECUTE FUNCTION memory_lexeme_changed();

INSERT INTO memory_lexeme (user_id, lexeme, df)
SELECT m.user_id, u.lexeme, count(*)
  FROM memory_entry m CROSS JOIN LATERAL unnest(m.memory_tsv) u
 GROUP BY m.user_id, u.lexeme;
