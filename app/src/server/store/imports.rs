//! Imported payment files and the outcome of each of their rows. Rows are written once, after
//! their payment was recorded or refused, and never changed.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::domain::money::{Currency, Money};
use crate::model::collector::{ImportRow, RowOutcome};
use crate::model::AgreementStatus;
use crate::server::db::now_ms;

pub async fn create<'c, E>(
    executor: E,
    file_name: &str,
    rows_in_file: u32,
    uploaded_by: i64,
) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar(
        "INSERT INTO payment_imports (file_name, rows_in_file, uploaded_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(file_name)
    .bind(i64::from(rows_in_file))
    .bind(uploaded_by)
    .bind(now_ms())
    .fetch_one(executor)
    .await
}

pub async fn add_row<'c, E>(executor: E, import_id: i64, row: &ImportRow) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let (outcome, reason, payment_id, applied, currency, status) = match &row.outcome {
        RowOutcome::Applied {
            payment_id,
            applied,
            status,
        } => {
            let pairs: Vec<(u32, i64)> = applied.iter().map(|(n, m)| (*n, m.minor)).collect();
            (
                "applied",
                None,
                Some(*payment_id),
                serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into()),
                applied.first().map(|(_, m)| m.currency.code()),
                Some(status.code()),
            )
        }
        RowOutcome::Refused { reason } => ("refused", Some(reason.as_str()), None, "[]".to_owned(), None, None),
    };
    sqlx::query(
        "INSERT INTO payment_import_rows (import_id, row_number, agreement_reference, amount, paid_on, payment_reference, \
         outcome, reason, payment_id, applied, currency, status_after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(import_id)
    .bind(i64::from(row.row))
    .bind(&row.agreement_reference)
    .bind(&row.amount)
    .bind(&row.paid_on)
    .bind(&row.payment_reference)
    .bind(outcome)
    .bind(reason)
    .bind(payment_id)
    .bind(applied)
    .bind(currency)
    .bind(status)
    .execute(executor)
    .await?;
    Ok(())
}

/// An import's header: file name, uploader's name, instant (Unix ms), rows in the file.
pub struct ImportHead {
    pub id: i64,
    pub file_name: String,
    pub uploaded_by: String,
    pub created_at: i64,
    pub rows_in_file: u32,
    pub applied: u32,
    pub refused: u32,
}

const HEAD: &str = "SELECT i.id, i.file_name, i.rows_in_file, i.created_at, u.full_name, \
     (SELECT COUNT(*) FROM payment_import_rows r WHERE r.import_id = i.id AND r.outcome = 'applied') AS applied, \
     (SELECT COUNT(*) FROM payment_import_rows r WHERE r.import_id = i.id AND r.outcome = 'refused') AS refused \
     FROM payment_imports i JOIN users u ON u.id = i.uploaded_by";

fn count(row: &AnyRow, column: &str) -> Result<u32, sqlx::Error> {
    u32::try_from(row.try_get::<i64, _>(column)?).map_err(|_| sqlx::Error::Decode(format!("bad {column}").into()))
}

fn head(row: &AnyRow) -> Result<ImportHead, sqlx::Error> {
    Ok(ImportHead {
        id: row.try_get("id")?,
        file_name: row.try_get("file_name")?,
        uploaded_by: row.try_get("full_name")?,
        created_at: row.try_get("created_at")?,
        rows_in_file: count(row, "rows_in_file")?,
        applied: count(row, "applied")?,
        refused: count(row, "refused")?,
    })
}

pub async fn get(pool: &sqlx::AnyPool, id: i64) -> Result<Option<ImportHead>, sqlx::Error> {
    let row = sqlx::query(&format!("{HEAD} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(head).transpose()
}

/// The latest imports, newest first.
pub async fn recent(pool: &sqlx::AnyPool, limit: i64) -> Result<Vec<ImportHead>, sqlx::Error> {
    let rows = sqlx::query(&format!("{HEAD} ORDER BY i.id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(head).collect()
}

pub async fn rows(pool: &sqlx::AnyPool, import_id: i64) -> Result<Vec<ImportRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT row_number, agreement_reference, amount, paid_on, payment_reference, outcome, reason, payment_id, \
         applied, currency, status_after FROM payment_import_rows WHERE import_id = $1 ORDER BY row_number",
    )
    .bind(import_id)
    .fetch_all(pool)
    .await?;
    let bad = |what: &str| sqlx::Error::Decode(format!("import row has an invalid {what}").into());
    rows.iter()
        .map(|r| {
            let outcome: String = r.try_get("outcome")?;
            let outcome = if outcome == "applied" {
                let currency: Option<String> = r.try_get("currency")?;
                let currency = currency.as_deref().and_then(Currency::parse).unwrap_or(Currency::CNY);
                let pairs: Vec<(u32, i64)> =
                    serde_json::from_str(&r.try_get::<String, _>("applied")?).map_err(|_| bad("applied"))?;
                let status: Option<String> = r.try_get("status_after")?;
                RowOutcome::Applied {
                    payment_id: r
                        .try_get::<Option<i64>, _>("payment_id")?
                        .ok_or_else(|| bad("payment"))?,
                    applied: pairs.into_iter().map(|(n, m)| (n, Money::new(m, currency))).collect(),
                    status: status
                        .as_deref()
                        .and_then(AgreementStatus::parse)
                        .ok_or_else(|| bad("status"))?,
                }
            } else {
                RowOutcome::Refused {
                    reason: r.try_get::<Option<String>, _>("reason")?.unwrap_or_default(),
                }
            };
            Ok(ImportRow {
                row: count(r, "row_number")?,
                agreement_reference: r.try_get("agreement_reference")?,
                amount: r.try_get("amount")?,
                paid_on: r.try_get("paid_on")?,
                payment_reference: r.try_get("payment_reference")?,
                outcome,
            })
        })
        .collect()
}
