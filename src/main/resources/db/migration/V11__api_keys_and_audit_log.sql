-- Credentials and accountability (README, "Authentication"). API keys are stored only as the
-- SHA-256 of the whole key; the key id is the public part of the key (lmk_<key id>_<secret>).

CREATE TABLE api_key (
    key_id          text PRIMARY KEY,
    key_hash        bytea NOT NULL,
    tenant_id       text NOT NULL,
    name            text NOT NULL,
    -- Subset of memories:read, memories:write, memories:erase, consolidate, admin, models.
    scopes          text[] NOT NULL,
    -- Every user id the key acts for starts with it; NULL: any user of the tenant.
    user_id_prefix  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- The credential that created the key (key:<id>, bootstrap, oidc:<subject>).
    created_by      text NOT NULL,
    -- Updated at most once a minute per key (ApiKeyRepository), so authentication does not write on every call.
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    revoked_by      text
);

-- ListApiKeys: the keys of a tenant, oldest first.
CREATE INDEX api_key_tenant ON api_key (tenant_id, created_at);

-- Administrative and erasure actions: who (a credential id or token subject), what, when, how much.
-- Rows are never updated or deleted by the service, not even by erasing their tenant.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    tenant_id   text NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    -- What the action was about: a key id, a user id; NULL for the whole tenant.
    target      text,
    -- Counts (memories, messages, users deleted) and names of the action, e.g. {"memories": 3}.
    details     jsonb NOT NULL DEFAULT '{}'
);

-- ListAuditLog: a tenant's entries, newest first, paged by id.
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
