-- An agreement's schedule is stored in the order of its key (SQLite only; PostgreSQL keeps
-- its rows in a heap with the key beside them either way, so it has no counterpart).
--
-- As a rowid table, every installment was written twice: once in the table and once in the
-- index SQLite makes for the primary key, which every read went through anyway. WITHOUT ROWID,
-- the table is that index, and a plan accepted on the spot writes each installment once.

CREATE TABLE agreement_installments_by_key (
    agreement_id  INTEGER NOT NULL REFERENCES agreements (id),
    number        INTEGER NOT NULL,
    due_date      TEXT    NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    paid_minor    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (agreement_id, number)
) WITHOUT ROWID;

INSERT INTO agreement_installments_by_key (agreement_id, number, due_date, amount_minor, paid_minor)
SELECT agreement_id, number, due_date, amount_minor, paid_minor FROM agreement_installments;

DROP TABLE agreement_installments;
ALTER TABLE agreement_installments_by_key RENAME TO agreement_installments;
CREATE INDEX installments_by_due ON agreement_installments (due_date, agreement_id);
