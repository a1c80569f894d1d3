-- The status and origin checks of proposals and agreements, written as comparisons joined by
-- OR instead of IN lists (SQLite only; PostgreSQL checks an IN list in place).
--
-- SQLite checks `x IN (a, b, c, ...)` of more than two values by building a temporary index of
-- the list each time a statement that writes the row runs: a plan submission built three of
-- them (one per check), about a quarter of the work SQLite does for the whole submission. The comparisons
-- accept exactly the same values.
--
-- SQLite cannot alter a check in place, and rebuilding these tables would mean dropping the
-- tables every schedule, payment and counter-offer refers to. A check that accepts the same
-- rows leaves the file's content as it is, so SQLite's documented procedure for such changes
-- applies: rewrite the table's definition in the schema table, then change the schema (the
-- scratch table below) so that every other connection reads the definitions again. The
-- connection that ran this keeps the old ones until it closes (`Db::migrate` closes it).

PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql,
    'CHECK (status IN (''pending'', ''auto_approved'', ''approved'', ''rejected'', ''countered'', ''superseded''))',
    'CHECK (status = ''pending'' OR status = ''auto_approved'' OR status = ''approved'' OR status = ''rejected'' OR status = ''countered'' OR status = ''superseded'')')
WHERE type = 'table' AND name = 'proposals';

UPDATE sqlite_schema
SET sql = replace(replace(sql,
    'CHECK (origin IN (''self_service'', ''collector_approval'', ''counter_offer''))',
    'CHECK (origin = ''self_service'' OR origin = ''collector_approval'' OR origin = ''counter_offer'')'),
    'CHECK (status IN (''active'', ''completed'', ''broken'', ''superseded''))',
    'CHECK (status = ''active'' OR status = ''completed'' OR status = ''broken'' OR status = ''superseded'')')
WHERE type = 'table' AND name = 'agreements';

PRAGMA writable_schema = OFF;

CREATE TABLE schema_reread (unused INTEGER);
DROP TABLE schema_reread;
