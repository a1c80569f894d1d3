-- Plan policy versions (PostgreSQL), shared by every replica. The newest row is the policy in
-- force; rows are only ever added, so every decision's `policy_version` can be looked up.
-- Mirrors sqlite/0006_policy.sql.

CREATE TABLE policy_versions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version       TEXT   NOT NULL UNIQUE,
    -- The whole policy as TOML, read back with `PlanPolicy::from_toml` (validated).
    body          TEXT   NOT NULL,
    -- NULL for the version stored at start-up from the policy file or the built-in default.
    published_by  BIGINT REFERENCES users (id),
    published_at  BIGINT NOT NULL
);
