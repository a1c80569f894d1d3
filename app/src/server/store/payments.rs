//! Payments received against agreements, and the installment and status updates they cause.

use sqlx::Row;

use super::date;
use super::proposals::currency_of;
use crate::domain::allocation::Due;
use crate::domain::money::{Currency, Money};
use crate::model::AgreementStatus;
use crate::server::db::now_ms;

/// The agreement a payment is for, locked for this transaction (touching `updated_at` takes the
/// row lock on PostgreSQL, and tells incremental sync that what is paid may have changed;
/// SQLite's write transaction already holds the database lock).
pub struct Locked {
    pub id: i64,
    pub account_id: i64,
    pub status: AgreementStatus,
    pub currency: Currency,
    /// When the agreement was made (Unix ms).
    pub accepted_at: i64,
}

pub async fn lock_agreement<'c, E>(executor: E, reference: &str) -> Result<Option<Locked>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "UPDATE agreements SET updated_at = $2 WHERE reference = $1 RETURNING id, account_id, status, currency, accepted_at",
    )
    .bind(reference)
    .bind(now_ms())
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let status: String = row.try_get("status")?;
    Ok(Some(Locked {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        status: AgreementStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode("agreement has an invalid status".into()))?,
        currency: currency_of(&row)?,
        accepted_at: row.try_get("accepted_at")?,
    }))
}

/// The schedule with what is paid, in order (0, the down payment, first).
pub async fn schedule<'c, E>(executor: E, agreement_id: i64, currency: Currency) -> Result<Vec<(u32, Due)>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT number, due_date, amount_minor, paid_minor FROM agreement_installments WHERE agreement_id = $1 ORDER BY number",
    )
    .bind(agreement_id)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            let number: i64 = r.try_get("number")?;
            Ok((
                u32::try_from(number).map_err(|_| sqlx::Error::Decode("bad installment number".into()))?,
                Due {
                    amount: Money::new(r.try_get("amount_minor")?, currency),
                    paid: Money::new(r.try_get("paid_minor")?, currency),
                    due: date(&r.try_get::<String, _>("due_date")?)?,
                },
            ))
        })
        .collect()
}

pub async fn add_paid<'c, E>(executor: E, agreement_id: i64, number: u32, amount: Money) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE agreement_installments SET paid_minor = paid_minor + $3 WHERE agreement_id = $1 AND number = $2",
    )
    .bind(agreement_id)
    .bind(i64::from(number))
    .bind(amount.minor)
    .execute(executor)
    .await?;
    Ok(())
}

pub struct NewPayment<'a> {
    pub agreement_id: i64,
    pub external_ref: Option<&'a str>,
    pub amount: Money,
    pub paid_on: chrono::NaiveDate,
    pub source: &'a str,
    /// The person who recorded it; none when a lender's system did.
    pub recorded_by: Option<i64>,
}

pub async fn insert<'c, E>(executor: E, p: &NewPayment<'_>) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar(
        "INSERT INTO payments (agreement_id, external_ref, amount_minor, paid_on, source, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.agreement_id)
    .bind(p.external_ref)
    .bind(p.amount.minor)
    .bind(p.paid_on.to_string())
    .bind(p.source)
    .bind(p.recorded_by)
    .bind(now_ms())
    .fetch_one(executor)
    .await
}

/// Moves an agreement from `from` to `to`; 0 rows means its status had already changed.
pub async fn set_status<'c, E>(
    executor: E,
    agreement_id: i64,
    from: AgreementStatus,
    to: AgreementStatus,
) -> Result<u64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let done = sqlx::query("UPDATE agreements SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2")
        .bind(agreement_id)
        .bind(from.code())
        .bind(to.code())
        .bind(now_ms())
        .execute(executor)
        .await?;
    Ok(done.rows_affected())
}
