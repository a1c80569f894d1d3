-- Payment files imported by collectors and the outcome of every row (SQLite), so the report
-- can be read again later and by another replica. Mirrors postgres/0007_payment_imports.sql.

CREATE TABLE payment_imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name     TEXT    NOT NULL,
    rows_in_file  INTEGER NOT NULL,
    uploaded_by   INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX payment_imports_by_time ON payment_imports (created_at, id);

-- One row per data row of the file, as typed, with what happened to it.
CREATE TABLE payment_import_rows (
    import_id            INTEGER NOT NULL REFERENCES payment_imports (id),
    row_number           INTEGER NOT NULL,
    agreement_reference  TEXT    NOT NULL,
    amount               TEXT    NOT NULL,
    paid_on              TEXT    NOT NULL,
    payment_reference    TEXT    NOT NULL,
    outcome              TEXT    NOT NULL CHECK (outcome IN ('applied', 'refused')),
    -- Why a row was refused (an error code, worded by the UI).
    reason               TEXT,
    payment_id           INTEGER REFERENCES payments (id),
    -- Installments paid by an applied row: JSON [[number, minor], ...] in `currency`.
    applied              TEXT    NOT NULL,
    currency             TEXT,
    status_after         TEXT,
    PRIMARY KEY (import_id, row_number)
);
