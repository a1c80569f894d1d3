//! Plan proposals as submitted by borrowers, one row each, keyed for idempotency.

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::date;
use crate::domain::affordability::AffordabilityFlag;
use crate::domain::decision::ReviewReason;
use crate::domain::money::{Currency, Money};
use crate::domain::policy::Frequency;
use crate::domain::proposal::HardshipReason;
use crate::model::{PlanTerms, ProposalStatus};
use crate::server::db::{now_ms, Backend};

/// A stored proposal, parsed.
#[derive(Clone, Debug)]
pub struct ProposalRow {
    pub id: i64,
    pub account_id: i64,
    pub borrower_id: i64,
    pub request_hash: String,
    pub status: ProposalStatus,
    pub balance: Money,
    pub terms: PlanTerms,
    pub hardship_reason: Option<HardshipReason>,
    pub hardship_note: String,
    pub affordability: AffordabilityFlag,
    pub review_reasons: Vec<ReviewReason>,
    pub policy_version: String,
    pub decision_note: Option<String>,
    pub created_at: i64,
}

pub(super) const COLUMNS: &str =
    "id, account_id, borrower_id, request_hash, status, currency, balance_minor, down_payment_minor, \
    installments, frequency, first_payment_date, hardship_reason, hardship_note, affordability, review_reasons, \
    policy_version, decision_note, created_at";

fn decode_err(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored proposal has an invalid {what}").into())
}

pub(crate) fn terms_from(row: &AnyRow, currency: Currency) -> Result<PlanTerms, sqlx::Error> {
    let installments: i64 = row.try_get("installments")?;
    let frequency: String = row.try_get("frequency")?;
    Ok(PlanTerms {
        down_payment: Money::new(row.try_get("down_payment_minor")?, currency),
        installments: u32::try_from(installments).map_err(|_| decode_err("installment count"))?,
        frequency: Frequency::parse(&frequency).ok_or_else(|| decode_err("frequency"))?,
        first_payment_date: date(&row.try_get::<String, _>("first_payment_date")?)?,
    })
}

pub(crate) fn currency_of(row: &AnyRow) -> Result<Currency, sqlx::Error> {
    let code: String = row.try_get("currency")?;
    Currency::parse(&code).ok_or_else(|| decode_err("currency"))
}

pub(super) fn parse(row: &AnyRow) -> Result<ProposalRow, sqlx::Error> {
    let currency = currency_of(row)?;
    let status: String = row.try_get("status")?;
    let reason: Option<String> = row.try_get("hardship_reason")?;
    let affordability: String = row.try_get("affordability")?;
    let reasons: String = row.try_get("review_reasons")?;
    Ok(ProposalRow {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        borrower_id: row.try_get("borrower_id")?,
        request_hash: row.try_get("request_hash")?,
        status: ProposalStatus::parse(&status).ok_or_else(|| decode_err("status"))?,
        balance: Money::new(row.try_get("balance_minor")?, currency),
        terms: terms_from(row, currency)?,
        hardship_reason: reason.as_deref().and_then(HardshipReason::parse),
        hardship_note: row.try_get("hardship_note")?,
        affordability: serde_json::from_str(&affordability).map_err(|_| decode_err("affordability"))?,
        review_reasons: serde_json::from_str(&reasons).map_err(|_| decode_err("review reasons"))?,
        policy_version: row.try_get("policy_version")?,
        decision_note: row.try_get("decision_note")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn by_key<'c, E>(executor: E, borrower_id: i64, key: &str) -> Result<Option<ProposalRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM proposals WHERE borrower_id = $1 AND idempotency_key = $2"
    ))
    .bind(borrower_id)
    .bind(key)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(parse).transpose()
}

pub async fn get<'c, E>(executor: E, id: i64) -> Result<Option<ProposalRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM proposals WHERE id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(parse).transpose()
}

pub async fn for_account<'c, E>(executor: E, account_id: i64) -> Result<Vec<ProposalRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM proposals WHERE account_id = $1 ORDER BY id DESC"
    ))
    .bind(account_id)
    .fetch_all(executor)
    .await?;
    rows.iter().map(parse).collect()
}

pub async fn pending_for_account<'c, E>(executor: E, account_id: i64) -> Result<Option<i64>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar("SELECT id FROM proposals WHERE account_id = $1 AND status = 'pending'")
        .bind(account_id)
        .fetch_optional(executor)
        .await
}

/// Marks a proposal as changed for incremental sync (it now reads with its agreement).
pub async fn touch<'c, E>(executor: E, id: i64) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("UPDATE proposals SET updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_ms())
        .execute(executor)
        .await?;
    Ok(())
}

pub struct NewProposal<'a> {
    pub account_id: i64,
    pub borrower_id: i64,
    pub idempotency_key: &'a str,
    pub request_hash: &'a str,
    pub status: ProposalStatus,
    pub balance: Money,
    pub terms: &'a PlanTerms,
    pub hardship_reason: Option<HardshipReason>,
    pub hardship_note: &'a str,
    pub monthly_income: Option<Money>,
    pub monthly_expenses: Option<Money>,
    pub affordability: &'a AffordabilityFlag,
    pub review_reasons: &'a [ReviewReason],
    pub stage: &'a str,
    pub dpd: u32,
    pub policy_version: &'a str,
}

/// Records a proposal ($1 to $21, bound by `bind_new`) unless its account already has a
/// pending proposal or an active agreement, checked in the same statement, so a request that
/// lost a race learns it here. On SQLite, whose write transactions run one at a time, no row
/// is inserted then. On PostgreSQL the check takes the account's row lock first and fails the
/// statement with `db::JOB_DECLINED` (`claim_account_for_new_plan`, migration 0009).
pub(super) fn insert_unless_blocked(backend: Backend) -> String {
    let gate = match backend {
        Backend::Sqlite => {
            "NOT EXISTS (SELECT 1 FROM proposals WHERE account_id = $1 AND status = 'pending') \
             AND NOT EXISTS (SELECT 1 FROM agreements WHERE account_id = $1 AND status = 'active')"
        }
        Backend::Postgres => "claim_account_for_new_plan($1)",
    };
    format!(
        "INSERT INTO proposals (account_id, borrower_id, idempotency_key, request_hash, status, currency, balance_minor, \
         down_payment_minor, installments, frequency, first_payment_date, hardship_reason, hardship_note, \
         monthly_income_minor, monthly_expenses_minor, affordability, review_reasons, stage, dpd, policy_version, \
         created_at, updated_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21 \
         WHERE {gate}"
    )
}

/// Binds `p` as $1 to $21 of a query whose first parameters are those of `insert_unless_blocked`
/// ($21 is the time of the insert).
pub(super) fn bind_new<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    p: &NewProposal<'_>,
    now: i64,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, sqlx::Error> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| sqlx::Error::Encode(Box::new(e)));
    Ok(query
        .bind(p.account_id)
        .bind(p.borrower_id)
        .bind(p.idempotency_key.to_owned())
        .bind(p.request_hash.to_owned())
        .bind(p.status.code())
        .bind(p.balance.currency.code())
        .bind(p.balance.minor)
        .bind(p.terms.down_payment.minor)
        .bind(i64::from(p.terms.installments))
        .bind(p.terms.frequency.code())
        .bind(p.terms.first_payment_date.to_string())
        .bind(p.hardship_reason.map(|r| r.code()))
        .bind(p.hardship_note.to_owned())
        .bind(p.monthly_income.map(|m| m.minor))
        .bind(p.monthly_expenses.map(|m| m.minor))
        .bind(json(serde_json::to_string(p.affordability))?)
        .bind(json(serde_json::to_string(p.review_reasons))?)
        .bind(p.stage.to_owned())
        .bind(i64::from(p.dpd))
        .bind(p.policy_version.to_owned())
        .bind(now))
}

/// The date a proposal was submitted on, in the lender's zone.
pub fn submitted_on(created_at_ms: i64, zone: chrono_tz::Tz) -> NaiveDate {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(created_at_ms)
        .map(|t| t.with_timezone(&zone).date_naive())
        .unwrap_or_default()
}
