-- The short-term buffer lives in the message log (SPEC 1.4): pending messages grouped into topic
-- segments, with token counts, so a restart or a scale-to-zero continues exactly where it stopped.
-- (V2 and V3 belong to consolidation and lexical search.)

-- The topic segment a pending message belongs to (the id of the segment's first message);
-- null while the message still waits in the sensory buffer for segmentation.
ALTER TABLE message_log ADD COLUMN segment_id bigint;
-- Tokens of the message's content, counted once when it is accepted.
ALTER TABLE message_log ADD COLUMN tokens integer NOT NULL DEFAULT 0;

UPDATE message_log SET segment_id = id WHERE status = 'pending';

-- A memory's topic is the segment it was extracted from, identified by that segment's id.
ALTER TABLE memory_entry ALTER COLUMN topic_id TYPE bigint;
