-- Offline consolidation (SPEC 1.8): run bookkeeping, per-target decisions, and what undo needs.
-- Every table carries user_id and every query filters on it.

-- One row per consolidation pass (queue construction or update) of one user. A run found
-- 'running' while its user's advisory lock is free died with its process; it is closed as
-- 'interrupted' by the next run.
CREATE TABLE consolidation_run (
    run_id        bigserial   PRIMARY KEY,
    user_id       text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('construct', 'update')),
    status        text        NOT NULL DEFAULT 'running'
                              CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
    -- The parameters the run used: top_k/keep_top_n or score_threshold, and its trigger.
    params        jsonb       NOT NULL DEFAULT '{}',
    entries       integer     NOT NULL DEFAULT 0,
    decisions     integer     NOT NULL DEFAULT 0,
    llm_calls     integer     NOT NULL DEFAULT 0,
    error         text,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
-- Serves "the user's last finished update run" (the scheduler's changed-since test) and
-- "the user's runs still marked running" (closed as interrupted when a new run starts).
CREATE INDEX consolidation_run_user ON consolidation_run (user_id, kind, started_at);

-- One row per decision taken for a target entry: the durable progress of OfflineUpdate. A target
-- is decided again only when its set of sources changes, so a rerun after a crash finishes the
-- rest without repeating a finished decision. No foreign key to memory_entry: the row outlives a
-- deleted target, so undoing a delete does not make the next run delete it again.
CREATE TABLE consolidation_decision (
    decision_id   bigserial   PRIMARY KEY,
    user_id       text        NOT NULL,
    target_id     uuid        NOT NULL,
    -- The source entries the decision saw, sorted: the identity of the question asked.
    sources       uuid[]      NOT NULL,
    action        text        NOT NULL CHECK (action IN ('update', 'delete', 'ignore')),
    new_memory    text,
    run_id        bigint      REFERENCES consolidation_run (run_id) ON DELETE SET NULL,
    change_id     bigint,
    decided_at    timestamptz NOT NULL DEFAULT now()
);
-- Serves "has this target already been decided with these sources?" (the skip test of every run),
-- and makes a second decision for the same question impossible even if two runs raced.
CREATE UNIQUE INDEX consolidation_decision_question ON consolidation_decision (user_id, target_id, sources);

-- Undo restores the vector as it was (see HistoryRepository): no re-embedding, and exact even
-- after a model change.
ALTER TABLE memory_history ADD COLUMN old_embedding vector(${embedding_dims});
ALTER TABLE memory_history ADD COLUMN run_id bigint REFERENCES consolidation_run (run_id) ON DELETE SET NULL;
-- ListHistory and undo's "no later change of this memory is still in effect" check are served by
-- memory_history_memory (user_id, memory_id, change_id) of V1.

-- Serves the scheduler's "users with entries changed since their last run".
CREATE INDEX memory_entry_user_updated ON memory_entry (user_id, updated_at);
