-- A re-embedding under way (lightmem.text-embedder.on-model-change=re-embed; io.lightmem.store.ReEmbedding):
-- the model the stored vectors are being moved to, and how far the move got. model_id keeps naming the
-- old model until the last vector is re-embedded, and the progress commits with each batch of vectors,
-- so a crash or restart midway resumes after the last batch done and the database never claims the new
-- model while still holding vectors of the old one; a start that finds re_embedding_to set knows the
-- vectors are mixed, and serves nothing until the move is finished (docs/design.md, "Embedding model").
ALTER TABLE embedding_model
    -- The model id being re-embedded to; NULL when no re-embedding is under way.
    ADD COLUMN re_embedding_to        text,
    -- The memory_entry ids up to this one (in uuid order) hold vectors of re_embedding_to.
    ADD COLUMN re_embedded_entry      uuid,
    -- The memory_history change ids up to this one hold old_embedding vectors of re_embedding_to.
    ADD COLUMN re_embedded_change     bigint,
    ADD COLUMN re_embedding_started   timestamptz;
