-- Tenants are namespaces (docs/design.md, "Tenants"): every user-scoped row carries the tenant of
-- the credential that wrote it, every key, index and query starts with (tenant_id, user_id), and the
-- same user_id in two tenants never meets. Rows written before tenants existed belong to 'default'.
-- The default is dropped again at once: from here on every writer names the tenant.

ALTER TABLE message_log            ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE memory_entry           ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE update_queue           ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE memory_history         ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE llm_usage              ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE consolidation_run      ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE consolidation_decision ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE memory_lexical_stats   ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE memory_lexeme          ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';
ALTER TABLE add_request            ADD COLUMN tenant_id text NOT NULL DEFAULT 'default';

ALTER TABLE message_log            ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE memory_entry           ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE update_queue           ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE memory_history         ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE llm_usage              ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE consolidation_run      ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE consolidation_decision ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE memory_lexical_stats   ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE memory_lexeme          ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE add_request            ALTER COLUMN tenant_id DROP DEFAULT;

-- The same indexes as before, each led by the tenant; the queries they serve are unchanged but for
-- the tenant condition.

-- The pending messages of a user, in arrival order (the buffer read on every add).
DROP INDEX message_log_pending;
CREATE INDEX message_log_pending ON message_log (tenant_id, user_id, id) WHERE status = 'pending';

-- Per-user scans in time order (listing, consolidation's "earlier or same time", exact search).
DROP INDEX memory_entry_user_time;
CREATE INDEX memory_entry_user_time ON memory_entry (tenant_id, user_id, float_time_stamp);

-- The scheduler's "users with entries changed since their last run".
DROP INDEX memory_entry_user_updated;
CREATE INDEX memory_entry_user_updated ON memory_entry (tenant_id, user_id, updated_at);

-- "The sources of a target": which entries hold candidate_id in their queue.
DROP INDEX update_queue_candidate;
CREATE INDEX update_queue_candidate ON update_queue (tenant_id, user_id, candidate_id, score);

-- ListHistory and undo's "no later change of this memory is still in effect".
DROP INDEX memory_history_memory;
CREATE INDEX memory_history_memory ON memory_history (tenant_id, user_id, memory_id, change_id);

-- Usage totals per user and operation.
DROP INDEX llm_usage_user;
CREATE INDEX llm_usage_user ON llm_usage (tenant_id, user_id, operation);

-- The user's last finished run, and the user's runs still marked running.
DROP INDEX consolidation_run_user;
CREATE INDEX consolidation_run_user ON consolidation_run (tenant_id, user_id, kind, started_at);

-- "Has this target already been decided with these sources?", and at most one decision per question.
DROP INDEX consolidation_decision_question;
CREATE UNIQUE INDEX consolidation_decision_question
    ON consolidation_decision (tenant_id, user_id, target_id, sources);

-- BM25 statistics per user: one row per user, and df per user and lexeme.
ALTER TABLE memory_lexical_stats DROP CONSTRAINT memory_lexical_stats_pkey;
ALTER TABLE memory_lexical_stats ADD PRIMARY KEY (tenant_id, user_id);
ALTER TABLE memory_lexeme DROP CONSTRAINT memory_lexeme_pkey;
ALTER TABLE memory_lexeme ADD PRIMARY KEY (tenant_id, user_id, lexeme);

-- The lookup of (user, request id) before and while accepting an AddMemory.
ALTER TABLE add_request DROP CONSTRAINT add_request_pkey;
ALTER TABLE add_request ADD PRIMARY KEY (tenant_id, user_id, request_id);

-- The triggers of V3 and V6 keep their statistics per tenant and user.
CREATE OR REPLACE FUNCTION memory_lexical_stats_maintain() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE memory_lexical_stats
           SET documents = documents - 1, lexemes = lexemes - length(OLD.memory_tsv)
         WHERE tenant_id = OLD.tenant_id AND user_id = OLD.user_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO memory_lexical_stats AS s (tenant_id, user_id, documents, lexemes)
        VALUES (NEW.tenant_id, NEW.user_id, 1, length(NEW.memory_tsv))
        ON CONFLICT (tenant_id, user_id) DO UPDATE
           SET documents = s.documents + 1, lexemes = s.lexemes + EXCLUDED.lexemes;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION memory_lexeme_added() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO memory_lexeme AS l (tenant_id, user_id, lexeme, df)
    SELECT n.tenant_id, n.user_id, u.lexeme, count(*)
      FROM added n CROSS JOIN LATERAL unnest(n.memory_tsv) u
     GROUP BY n.tenant_id, n.user_id, u.lexeme
     ORDER BY n.tenant_id, n.user_id, u.lexeme
    ON CONFLICT (tenant_id, user_id, lexeme) DO UPDATE SET df = l.df + EXCLUDED.df;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION memory_lexeme_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        SELECT o.tenant_id, o.user_id, u.lexeme, count(*)::integer AS n
          FROM removed o CROSS JOIN LATERAL unnest(o.memory_tsv) u
         GROUP BY o.tenant_id, o.user_id, u.lexeme
    ), last AS (
        DELETE FROM memory_lexeme l USING gone g
         WHERE l.tenant_id = g.tenant_id AND l.user_id = g.user_id AND l.lexeme = g.lexeme AND l.df <= g.n
    )
    UPDATE memory_lexeme l SET df = l.df - g.n
      FROM gone g
     WHERE l.tenant_id = g.tenant_id AND l.user_id = g.user_id AND l.lexeme = g.lexeme AND l.df > g.n;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION memory_lexeme_changed() RETURNS trigger
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
         WHERE l.tenant_id = OLD.tenant_id AND l.user_id = OLD.user_id AND l.lexeme = g.lexeme AND l.df <= 1
    )
    UPDATE memory_lexeme l SET df = l.df - 1
      FROM gone g
     WHERE l.tenant_id = OLD.tenant_id AND l.user_id = OLD.user_id AND l.lexeme = g.lexeme AND l.df > 1;
    INSERT INTO memory_lexeme AS l (tenant_id, user_id, lexeme, df)
    SELECT NEW.tenant_id, NEW.user_id, a.lexeme, 1
      FROM (SELECT lexeme FROM unnest(NEW.memory_tsv) EXCEPT SELECT lexeme FROM unnest(OLD.memory_tsv)) a
     ORDER BY a.lexeme
    ON CONFLICT (tenant_id, user_id, lexeme) DO UPDATE SET df = l.df + 1;
    RETURN NULL;
END $$;
