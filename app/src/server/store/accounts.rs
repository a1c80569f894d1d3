//! Overdue accounts placed by lenders, each owned by one borrower.

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{agreements, date, proposals};
use crate::domain::money::{Currency, Money};
use crate::model::{Balance, PlanBlock};
use crate::server::db::{now_ms, Db, Tx};

/// An account row, parsed.
#[derive(Clone, Debug)]
pub struct AccountRow {
    pub id: i64,
    pub borrower_id: i64,
    pub reference: String,
    pub lender_name: String,
    pub balance: Balance,
    pub oldest_unpaid_due: NaiveDate,
    pub as_of: NaiveDate,
}

pub(super) const COLUMNS: &str = "id, borrower_id, reference, lender_name, currency, principal_minor, interest_minor, \
                       fees_minor, oldest_unpaid_due, as_of";

pub(super) fn parse(row: &AnyRow) -> Result<AccountRow, sqlx::Error> {
    let code: String = row.try_get("currency")?;
    let currency =
        Currency::parse(&code).ok_or_else(|| sqlx::Error::Decode(format!("unknown currency {code}").into()))?;
    let money = |col: &str| -> Result<Money, sqlx::Error> { Ok(Money::new(row.try_get(col)?, currency)) };
    let (principal, interest, fees) = (
        money("principal_minor")?,
        money("interest_minor")?,
        money("fees_minor")?,
    );
    let total = principal
        .checked_add(interest)
        .and_then(|m| m.checked_add(fees))
        .map_err(|e| sqlx::Error::Decode(format!("balance does not add up: {e:?}").into()))?;
    Ok(AccountRow {
        id: row.try_get("id")?,
        borrower_id: row.try_get("borrower_id")?,
        reference: row.try_get("reference")?,
        lender_name: row.try_get("lender_name")?,
        balance: Balance {
            principal,
            interest,
            fees,
            total,
        },
        oldest_unpaid_due: date(&row.try_get::<String, _>("oldest_unpaid_due")?)?,
        as_of: date(&row.try_get::<String, _>("as_of")?)?,
    })
}

/// The account if it belongs to `borrower_id`; someone else's reads exactly like a missing one.
pub async fn owned_by<'c, E>(executor: E, account_id: i64, borrower_id: i64) -> Result<Option<AccountRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM accounts WHERE id = $1 AND borrower_id = $2"
    ))
    .bind(account_id)
    .bind(borrower_id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(parse).transpose()
}

/// What a plan submission needs to know before it writes, read in one statement: the account
/// (when it is the borrower's), whether the borrower already used the idempotency key, and
/// what blocks a new plan on the account.
pub struct SubmissionFacts {
    pub account: Option<AccountRow>,
    pub key_used: bool,
    pub active_agreement: Option<String>,
    pub pending_proposal: Option<i64>,
}

pub async fn submission_facts<'c, E>(
    executor: E,
    account_id: i64,
    borrower_id: i64,
    key: &str,
) -> Result<SubmissionFacts, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, \
         (SELECT p.id FROM proposals p WHERE p.borrower_id = $2 AND p.idempotency_key = $3) AS used_by, \
         (SELECT g.reference FROM agreements g WHERE g.account_id = $1 AND g.status = 'active') AS active_agreement, \
         (SELECT q.id FROM proposals q WHERE q.account_id = $1 AND q.status = 'pending') AS pending_proposal \
         FROM (SELECT 1 AS one) AS params LEFT JOIN accounts ON accounts.id = $1 AND accounts.borrower_id = $2"
    ))
    .bind(account_id)
    .bind(borrower_id)
    .bind(key)
    .fetch_one(executor)
    .await?;
    let owned = row.try_get::<Option<i64>, _>("id")?.is_some();
    Ok(SubmissionFacts {
        account: if owned { Some(parse(&row)?) } else { None },
        key_used: row.try_get::<Option<i64>, _>("used_by")?.is_some(),
        active_agreement: if owned { row.try_get("active_agreement")? } else { None },
        pending_proposal: if owned { row.try_get("pending_proposal")? } else { None },
    })
}

/// What keeps a new plan off the account: its active agreement, else a proposal waiting for
/// review.
pub async fn plan_block(conn: &mut AnyConnection, account_id: i64) -> Result<Option<PlanBlock>, sqlx::Error> {
    if let Some(reference) = agreements::active_for_account(&mut *conn, account_id).await? {
        return Ok(Some(PlanBlock::ActiveAgreement { reference }));
    }
    Ok(proposals::pending_for_account(conn, account_id)
        .await?
        .map(|proposal_id| PlanBlock::PendingProposal { proposal_id }))
}

/// `plan_block`, inside the write transaction that records an agreement. On PostgreSQL the
/// account's row lock is taken first, the lock a submission's gate takes
/// (`claim_account_for_new_plan`), and the check after it reads afresh, as every statement of a
/// READ COMMITTED transaction does; on SQLite write transactions already run one at a time.
pub async fn plan_block_locked(tx: &mut Tx, account_id: i64) -> Result<Option<PlanBlock>, sqlx::Error> {
    if tx.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
            .bind(account_id)
            .execute(&mut **tx)
            .await?;
    }
    plan_block(tx, account_id).await
}

pub struct NewAccount<'a> {
    pub borrower_id: i64,
    pub reference: &'a str,
    pub lender_name: &'a str,
    pub principal: Money,
    pub interest: Money,
    pub fees: Money,
    pub oldest_unpaid_due: NaiveDate,
    pub as_of: NaiveDate,
}

pub async fn insert<'c, E>(executor: E, account: &NewAccount<'_>) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO accounts (borrower_id, reference, lender_name, currency, principal_minor, interest_minor, \
         fees_minor, oldest_unpaid_due, as_of, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(account.borrower_id)
    .bind(account.reference)
    .bind(account.lender_name)
    .bind(account.principal.currency.code())
    .bind(account.principal.minor)
    .bind(account.interest.minor)
    .bind(account.fees.minor)
    .bind(account.oldest_unpaid_due.to_string())
    .bind(account.as_of.to_string())
    .bind(now)
    .bind(now)
    .fetch_one(executor)
    .await
}

pub async fn by_id(db: &Db, account_id: i64) -> Result<Option<AccountRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

pub async fn borrower_name(db: &Db, borrower_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
        .bind(borrower_id)
        .fetch_one(&db.pool)
        .await
}

/// The account placed under the lender's `reference`, if any.
pub async fn by_reference<'c, E>(executor: E, reference: &str) -> Result<Option<AccountRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE reference = $1"))
        .bind(reference)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(parse).transpose()
}

/// Rewrites what a lender may change on a placed account: its lender name, balance and dates.
/// Its reference, borrower and currency stay as placed (`account`'s are ignored).
pub async fn update<'c, E>(executor: E, account_id: i64, update: &NewAccount<'_>) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE accounts SET lender_name = $2, principal_minor = $3, interest_minor = $4, fees_minor = $5, \
         oldest_unpaid_due = $6, as_of = $7, updated_at = $8 WHERE id = $1",
    )
    .bind(account_id)
    .bind(update.lender_name)
    .bind(update.principal.minor)
    .bind(update.interest.minor)
    .bind(update.fees.minor)
    .bind(update.oldest_unpaid_due.to_string())
    .bind(update.as_of.to_string())
    .bind(now_ms())
    .execute(executor)
    .await?;
    Ok(())
}
