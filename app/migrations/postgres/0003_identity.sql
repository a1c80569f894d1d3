-- Identity and access (PostgreSQL): failed-attempt records for throttling and first-access
-- tickets. Mirrors sqlite/0003_identity.sql.

-- One row per failed sign-in or first-access attempt, keyed by what is being throttled
-- (scope: 'sign_in_account', 'sign_in_address', 'first_access_account', 'first_access_address').
-- Shared by every replica, so a limit holds whichever server answers.
CREATE TABLE auth_failures (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope  TEXT   NOT NULL,
    key    TEXT   NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX auth_failures_by_key ON auth_failures (scope, key, at);

-- A borrower who proved who they are may set a first password, once, for a short while.
-- Only the SHA-256 of the ticket is stored.
CREATE TABLE first_access_tickets (
    token_hash  TEXT   PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX first_access_tickets_by_user ON first_access_tickets (user_id);
