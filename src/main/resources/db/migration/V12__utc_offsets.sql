-- Times keep the offset their caller gave (docs/design.md, "Messages and normalization"): time_stamp holds the instant, and
-- utc_offset the offset in seconds east of UTC in which the caller wrote it, so that
-- "2024-01-15T01:30:00+09:00" is printed as 2024-01-15T01:30:00.000 Mon, its speaker's Monday, and not
-- as the Sunday it is in UTC. Rows written before this migration were written (and printed) in UTC.
-- No index: no query selects or orders by the offset; time order stays float_time_stamp's.
ALTER TABLE message_log  ADD COLUMN utc_offset integer NOT NULL DEFAULT 0
    CHECK (utc_offset BETWEEN -64800 AND 64800);
ALTER TABLE memory_entry ADD COLUMN utc_offset integer NOT NULL DEFAULT 0
    CHECK (utc_offset BETWEEN -64800 AND 64800);
