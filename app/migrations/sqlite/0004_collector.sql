-- The collector workspace (SQLite): indexes for the review queue and the adherence lists.
-- Mirrors postgres/0004_collector.sql.

-- The queue reads pending proposals by stage and age; the sort keys follow the filter.
CREATE INDEX proposals_queue ON proposals (status, stage, created_at, id);
CREATE INDEX proposals_queue_by_dpd ON proposals (status, dpd, created_at, id);
-- Broken and active agreements are listed and swept for misses.
CREATE INDEX agreements_by_status ON agreements (status, id);
-- Installments due soon or missed, found by date.
CREATE INDEX installments_by_due ON agreement_installments (due_date, agreement_id);
-- The audit trail read per actor and per action by supervisors.
CREATE INDEX audit_by_action ON audit_log (action, id);
