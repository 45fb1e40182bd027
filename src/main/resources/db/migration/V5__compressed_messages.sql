-- Pre-compression (SPEC 1.2) keeps the original beside the compressed text: the message log holds
-- both, extraction reads the compressed one, memories record both.
ALTER TABLE message_log ADD COLUMN compressed_content text;
