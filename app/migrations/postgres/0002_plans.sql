-- Plan proposals, counter-offers, agreements with their schedules, and payments (PostgreSQL).
-- Mirrors sqlite/0002_plans.sql.

CREATE TABLE proposals (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id              BIGINT NOT NULL REFERENCES accounts (id),
    borrower_id             BIGINT NOT NULL REFERENCES users (id),
    idempotency_key         TEXT    NOT NULL,
    request_hash            TEXT    NOT NULL,
    status                  TEXT    NOT NULL CHECK (status IN ('pending', 'auto_approved', 'approved', 'rejected', 'countered', 'superseded')),
    currency                TEXT    NOT NULL,
    balance_minor           BIGINT NOT NULL,
    down_payment_minor      BIGINT NOT NULL,
    installments            BIGINT NOT NULL,
    frequency               TEXT    NOT NULL,
    first_payment_date      TEXT    NOT NULL,
    hardship_reason         TEXT,
    hardship_note           TEXT    NOT NULL,
    monthly_income_minor    BIGINT,
    monthly_expenses_minor  BIGINT,
    affordability           TEXT    NOT NULL,
    review_reasons          TEXT    NOT NULL,
    stage                   TEXT    NOT NULL,
    dpd                     BIGINT NOT NULL,
    policy_version          TEXT    NOT NULL,
    decided_by              BIGINT REFERENCES users (id),
    decided_at              BIGINT,
    decision_note           TEXT,
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL,
    UNIQUE (borrower_id, idempotency_key)
);
CREATE INDEX proposals_by_account ON proposals (account_id, id);
CREATE INDEX proposals_by_status ON proposals (status, created_at);
-- At most one proposal per account waits for a collector.
CREATE UNIQUE INDEX one_pending_proposal_per_account ON proposals (account_id) WHERE status = 'pending';

CREATE TABLE counter_offers (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id         BIGINT NOT NULL UNIQUE REFERENCES proposals (id),
    collector_id        BIGINT NOT NULL REFERENCES users (id),
    down_payment_minor  BIGINT NOT NULL,
    installments        BIGINT NOT NULL,
    frequency           TEXT    NOT NULL,
    first_payment_date  TEXT    NOT NULL,
    note                TEXT    NOT NULL,
    expires_on          TEXT    NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired')),
    policy_version      TEXT    NOT NULL,
    created_at          BIGINT NOT NULL,
    responded_at        BIGINT
);

-- Terms and schedule never change once written; only the status follows adherence.
CREATE TABLE agreements (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference           TEXT    NOT NULL UNIQUE,
    account_id          BIGINT NOT NULL REFERENCES accounts (id),
    borrower_id         BIGINT NOT NULL REFERENCES users (id),
    proposal_id         BIGINT NOT NULL UNIQUE REFERENCES proposals (id),
    origin              TEXT    NOT NULL CHECK (origin IN ('self_service', 'collector_approval', 'counter_offer')),
    status              TEXT    NOT NULL CHECK (status IN ('active', 'completed', 'broken', 'superseded')),
    currency            TEXT    NOT NULL,
    total_minor         BIGINT NOT NULL,
    down_payment_minor  BIGINT NOT NULL,
    installments        BIGINT NOT NULL,
    frequency           TEXT    NOT NULL,
    first_payment_date  TEXT    NOT NULL,
    policy_version      TEXT    NOT NULL,
    accepted_by         BIGINT NOT NULL REFERENCES users (id),
    accepted_at         BIGINT NOT NULL,
    supersedes          BIGINT REFERENCES agreements (id),
    updated_at          BIGINT NOT NULL
);
CREATE INDEX agreements_by_account ON agreements (account_id, id);
CREATE INDEX agreements_by_updated ON agreements (updated_at, id);
CREATE UNIQUE INDEX one_active_agreement_per_account ON agreements (account_id) WHERE status = 'active';

-- Installment 0 is the down payment, when there is one.
CREATE TABLE agreement_installments (
    agreement_id  BIGINT NOT NULL REFERENCES agreements (id),
    number        BIGINT NOT NULL,
    due_date      TEXT    NOT NULL,
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    paid_minor    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agreement_id, number)
);

CREATE TABLE payments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agreement_id   BIGINT NOT NULL REFERENCES agreements (id),
    external_ref   TEXT    UNIQUE,
    amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
    paid_on        TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    recorded_by    BIGINT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX payments_by_agreement ON payments (agreement_id, id);
