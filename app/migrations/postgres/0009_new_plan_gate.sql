-- The gate a plan submission passes on PostgreSQL (PostgreSQL only: on SQLite write
-- transactions already run one at a time, and the submission checks with NOT EXISTS).
--
-- A submission is one statement of data-modifying WITH clauses, run on its own, without an
-- explicit transaction around it: one round trip instead of three (BEGIN with the account's
-- row lock, the statement, COMMIT). The statement's own snapshot is taken before it could wait
-- for the lock, so it cannot tell whether whoever held the lock left a pending proposal or an
-- active agreement behind. This function can: it takes the account's row lock first, and as a
-- VOLATILE function it reads with a fresh snapshot, which sees every transaction committed
-- before the lock was granted. A blocked account raises SQLSTATE RD409, which undoes the whole
-- statement and which the server reads as "blocked meanwhile" (`db::JOB_DECLINED`).
CREATE FUNCTION claim_account_for_new_plan(account BIGINT) RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    blocked BOOLEAN;
BEGIN
    PERFORM 1 FROM accounts WHERE id = account FOR UPDATE;
    SELECT EXISTS (SELECT 1 FROM proposals WHERE account_id = account AND status = 'pending')
        OR EXISTS (SELECT 1 FROM agreements WHERE account_id = account AND status = 'active')
        INTO blocked;
    IF blocked THEN
        RAISE EXCEPTION 'account % already has a pending proposal or an active agreement', account
            USING ERRCODE = 'RD409';
    END IF;
    RETURN TRUE;
END
$$;
