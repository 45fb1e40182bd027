-- LightMem storage. Every table carries user_id (the tenant scope) and every query filters on it.
-- ${embedding_dims}, ${hnsw_m} and ${hnsw_ef_construction} come from lightmem.text-embedder.dims and
-- lightmem.embedding-retriever.* when this migration first runs; changing them later needs a new migration.

-- pgvector is not a trusted extension: on a managed database an administrator creates it first,
-- and then this is a no-op.
CREATE EXTENSION IF NOT EXISTS vector;

-- Every accepted message, written before any processing: the durable sensory/short-term buffer.
CREATE TABLE message_log (
    id            bigserial PRIMARY KEY,
    user_id       text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('user', 'assistant')),
    content       text        NOT NULL,
    time_stamp    timestamptz NOT NULL,
    weekday       text        NOT NULL,
    speaker_id    text,
    speaker_name  text        NOT NULL,
    status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed')),
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text,
    received_at   timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz
);
-- Serves "the pending messages of a user, in arrival order" (the buffer read on every add).
CREATE INDEX message_log_pending ON message_log (user_id, id) WHERE status = 'pending';

CREATE TABLE memory_entry (
    id                 uuid        PRIMARY KEY,
    user_id            text        NOT NULL,
    time_stamp         timestamptz NOT NULL,
    float_time_stamp   double precision NOT NULL,
    weekday            text        NOT NULL,
    category           text,
    subcategory        text,
    memory_class       text,
    memory             text        NOT NULL,
    original_memory    text,
    compressed_memory  text,
    topic_id           integer,
    topic_summary      text,
    speaker_id         text,
    speaker_name       text,
    hit_time           integer     NOT NULL DEFAULT 0,
    consolidated       boolean     NOT NULL DEFAULT false,
    keywords           jsonb       NOT NULL DEFAULT '[]',
    entities           jsonb       NOT NULL DEFAULT '[]',
    -- Provenance: message_log ids or external turn ids, as strings.
    source             jsonb       NOT NULL DEFAULT '[]',
    embedding          vector(${embedding_dims}) NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- Serves nearest-neighbour retrieval: ORDER BY embedding <=> :query (cosine distance), filtered
-- to one user (with hnsw.iterative_scan so the user filter does not starve the result).
CREATE INDEX memory_entry_embedding ON memory_entry
    USING hnsw (embedding vector_cosine_ops) WITH (m = ${hnsw_m}, ef_construction = ${hnsw_ef_construction});
-- Serves per-user scans in time order (listing, consolidation's "earlier or same time"), and
-- exact search when a user's scope is small enough that the planner prefers it.
CREATE INDEX memory_entry_user_time ON memory_entry (user_id, float_time_stamp);

-- Consolidation candidates: for entry_id, the earlier entries most similar to it.
CREATE TABLE update_queue (
    user_id       text    NOT NULL,
    entry_id      uuid    NOT NULL REFERENCES memory_entry (id) ON DELETE CASCADE,
    candidate_id  uuid    NOT NULL REFERENCES memory_entry (id) ON DELETE CASCADE,
    score         real    NOT NULL,
    rank          smallint NOT NULL,
    PRIMARY KEY (entry_id, candidate_id)
);
-- Serves "the sources of a target": which entries hold candidate_id in their queue.
CREATE INDEX update_queue_candidate ON update_queue (user_id, candidate_id, score);

-- Every update or delete of a memory, with the old content, for audit and undo.
CREATE TABLE memory_history (
    change_id   bigserial   PRIMARY KEY,
    user_id     text        NOT NULL,
    memory_id   uuid        NOT NULL,
    action      text        NOT NULL CHECK (action IN ('update', 'delete')),
    old_memory  text,
    new_memory  text,
    -- The whole row before the change (embedding excluded), so undo restores it exactly.
    old_entry   jsonb       NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    undone_at   timestamptz
);
-- Serves ListHistory(user_id, memory_id).
CREATE INDEX memory_history_memory ON memory_history (user_id, memory_id, change_id);

-- One row per LLM call, for token accounting.
CREATE TABLE llm_usage (
    id                 bigserial   PRIMARY KEY,
    user_id            text        NOT NULL,
    operation          text        NOT NULL,
    model              text        NOT NULL,
    prompt_tokens      integer     NOT NULL,
    completion_tokens  integer     NOT NULL,
    total_tokens       integer     NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
-- Serves usage totals per user and operation.
CREATE INDEX llm_usage_user ON llm_usage (user_id, operation);
