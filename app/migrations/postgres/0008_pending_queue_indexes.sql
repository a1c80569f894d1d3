-- The review queue reads pending proposals only, so its indexes hold those only (PostgreSQL).
-- Mirrors sqlite/0008_pending_queue_indexes.sql.
--
-- A plan accepted on the spot is never pending: with full indexes every such submission wrote
-- three queue entries nobody reads, and the queue's indexes grew with every proposal ever made
-- instead of with the backlog. The queue's WHERE clause names the status literally
-- (`status = 'pending'`), which is what lets both databases use these partial indexes.

DROP INDEX proposals_by_status;
DROP INDEX proposals_queue;
DROP INDEX proposals_queue_by_dpd;

-- Oldest first, over every stage.
CREATE INDEX proposals_pending_by_age ON proposals (created_at, id) WHERE status = 'pending';
-- One stage, oldest first.
CREATE INDEX proposals_pending_by_stage ON proposals (stage, created_at, id) WHERE status = 'pending';
-- Most overdue first.
CREATE INDEX proposals_pending_by_dpd ON proposals (dpd, created_at, id) WHERE status = 'pending';
