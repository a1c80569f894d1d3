//! Counter-offers: a collector's terms for a proposal, answered once by its borrower.

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::date;
use super::proposals::terms_from;
use crate::domain::money::Currency;
use crate::model::{CounterOfferStatus, PlanTerms};
use crate::server::db::now_ms;

#[derive(Clone, Debug)]
pub struct CounterOfferRow {
    pub id: i64,
    pub proposal_id: i64,
    pub terms: PlanTerms,
    pub note: String,
    pub expires_on: NaiveDate,
    pub status: CounterOfferStatus,
    pub policy_version: String,
}

fn parse(row: &AnyRow, currency: Currency) -> Result<CounterOfferRow, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(CounterOfferRow {
        id: row.try_get("id")?,
        proposal_id: row.try_get("proposal_id")?,
        terms: terms_from(row, currency)?,
        note: row.try_get("note")?,
        expires_on: date(&row.try_get::<String, _>("expires_on")?)?,
        status: CounterOfferStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode("stored counter-offer has an invalid status".into()))?,
        policy_version: row.try_get("policy_version")?,
    })
}

pub async fn for_proposal<'c, E>(
    executor: E,
    proposal_id: i64,
    currency: Currency,
) -> Result<Option<CounterOfferRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT id, proposal_id, down_payment_minor, installments, frequency, first_payment_date, note, expires_on, \
         status, policy_version FROM counter_offers WHERE proposal_id = $1",
    )
    .bind(proposal_id)
    .fetch_optional(executor)
    .await?;
    row.map(|r| parse(&r, currency)).transpose()
}

pub struct NewCounterOffer<'a> {
    pub proposal_id: i64,
    pub collector_id: i64,
    pub terms: &'a PlanTerms,
    pub note: &'a str,
    pub expires_on: NaiveDate,
    pub policy_version: &'a str,
}

pub async fn insert<'c, E>(executor: E, c: &NewCounterOffer<'_>) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar(
        "INSERT INTO counter_offers (proposal_id, collector_id, down_payment_minor, installments, frequency, \
         first_payment_date, note, expires_on, status, policy_version, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10) RETURNING id",
    )
    .bind(c.proposal_id)
    .bind(c.collector_id)
    .bind(c.terms.down_payment.minor)
    .bind(i64::from(c.terms.installments))
    .bind(c.terms.frequency.code())
    .bind(c.terms.first_payment_date.to_string())
    .bind(c.note)
    .bind(c.expires_on.to_string())
    .bind(c.policy_version)
    .bind(now_ms())
    .fetch_one(executor)
    .await
}

/// Answers an open counter-offer; 0 rows means it was already answered (or expired).
pub async fn close<'c, E>(executor: E, id: i64, status: CounterOfferStatus) -> Result<u64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let done =
        sqlx::query("UPDATE counter_offers SET status = $2, responded_at = $3 WHERE id = $1 AND status = 'open'")
            .bind(id)
            .bind(status.code())
            .bind(now_ms())
            .execute(executor)
            .await?;
    Ok(done.rows_affected())
}
