-- The embedding model whose vectors memory_entry holds. Vectors of two models are not comparable:
-- a query embedded by one model finds nothing sensible among memories embedded by another. The
-- first start records its model (lightmem.text-embedder.model, or a model-path file, with its
-- pooling and prefixes: the model id); a later start with another model refuses to run
-- (io.lightmem.store.EmbeddingModelGuard) instead of silently mixing vectors.
CREATE TABLE embedding_model (
    -- One row per database: the table holds the answer to "which model", not a history.
    singleton    boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    model_id     text        NOT NULL,
    dimension    integer     NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
