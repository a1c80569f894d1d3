-- The lender API (SQLite): API keys, stored replies for idempotent writes, the API client
-- named in the audit trail, and the index incremental sync reads by. Mirrors postgres/0005_lender_api.sql.

-- A lender's system signs in with a key; only its SHA-256 is stored. The prefix is the start
-- of the key, shown by `server api-key list` so an operator can tell keys apart.
-- Revoked keys stay, so the audit trail can still name them.
CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    key_hash    TEXT    NOT NULL UNIQUE,
    prefix      TEXT    NOT NULL,
    scopes      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

-- The first successful reply to an idempotent write, answered again to any replay of it.
CREATE TABLE api_replies (
    operation     TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (operation, key)
);

-- Who acted, when it is not a signed-in person: an API key's name or an operator command.
ALTER TABLE audit_log ADD COLUMN actor_name TEXT;

-- Incremental sync pages through proposals and agreements by (updated_at, id).
CREATE INDEX proposals_by_updated ON proposals (updated_at, id);
