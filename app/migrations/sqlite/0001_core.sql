-- RepayDesk core schema (SQLite). Money is integer minor units; dates are ISO text
-- (YYYY-MM-DD); instants are Unix milliseconds. Mirrors postgres/0001_core.sql.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    role           TEXT    NOT NULL CHECK (role IN ('borrower', 'collector', 'supervisor')),
    username       TEXT    UNIQUE,
    full_name      TEXT    NOT NULL,
    phone          TEXT    UNIQUE,
    email          TEXT    UNIQUE,
    date_of_birth  TEXT,
    password_hash  TEXT,
    created_at     INTEGER NOT NULL
);

CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    borrower_id        INTEGER NOT NULL REFERENCES users (id),
    reference          TEXT    NOT NULL UNIQUE,
    lender_name        TEXT    NOT NULL,
    currency           TEXT    NOT NULL,
    principal_minor    INTEGER NOT NULL CHECK (principal_minor >= 0),
    interest_minor     INTEGER NOT NULL CHECK (interest_minor >= 0),
    fees_minor         INTEGER NOT NULL CHECK (fees_minor >= 0),
    oldest_unpaid_due  TEXT    NOT NULL,
    as_of              TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX accounts_by_borrower ON accounts (borrower_id);

CREATE TABLE hardship_reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    reason      TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    reported_by INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX hardship_by_account ON hardship_reports (account_id, id);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Append-only: no code path updates or deletes a row.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    actor_id     INTEGER,
    actor_role   TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    subject_kind TEXT    NOT NULL,
    subject_id   TEXT    NOT NULL,
    detail       TEXT    NOT NULL,
    request_id   TEXT    NOT NULL,
    client_addr  TEXT    NOT NULL
);
CREATE INDEX audit_by_subject ON audit_log (subject_kind, subject_id, id);
