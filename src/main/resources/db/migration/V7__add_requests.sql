-- AddMemory requests that carried a request_id (AIP-155), so a retried request -- a client retry
-- after a lost response, a CloudEvent redelivered by Knative -- is recognized and not accepted twice.
-- One row per accepted request; it lives as long as the user's data (erasure deletes it).
CREATE TABLE add_request (
    user_id     text        NOT NULL,
    request_id  text        NOT NULL,
    -- SHA-256 of the request's messages (roles, speakers, texts), to tell a retry from a reuse of
    -- the id for different messages.
    fingerprint bytea       NOT NULL,
    -- The message_log ids the request was accepted as, in request order: a retry answers with them.
    message_ids bigint[]    NOT NULL,
    accepted_at timestamptz NOT NULL DEFAULT now(),
    -- Serves the one query on this table: the lookup of (user, request id) before and while accepting.
    PRIMARY KEY (user_id, request_id)
);
