-- Plan policy versions (SQLite), shared by every replica. The newest row is the policy in
-- force; rows are only ever added, so every decision's `policy_version` can be looked up.
-- Mirrors postgres/0006_policy.sql.

CREATE TABLE policy_versions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       TEXT    NOT NULL UNIQUE,
    -- The whole policy as TOML, read back with `PlanPolicy::from_toml` (validated).
    body          TEXT    NOT NULL,
    -- NULL for the version stored at start-up from the policy file or the built-in default.
    published_by  INTEGER REFERENCES users (id),
    published_at  INTEGER NOT NULL
);
