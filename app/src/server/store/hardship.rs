//! Why a borrower fell behind, in their words: appended, never edited, latest one shown.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::domain::proposal::HardshipReason;
use crate::model::HardshipRecord;
use crate::server::db::now_ms;

pub async fn insert<'c, E>(
    executor: E,
    account_id: i64,
    reason: HardshipReason,
    note: &str,
    reported_by: i64,
) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar(
        "INSERT INTO hardship_reports (account_id, reason, note, reported_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(reason.code())
    .bind(note)
    .bind(reported_by)
    .bind(now_ms())
    .fetch_one(executor)
    .await
}

/// The most recent report on one account.
pub async fn latest<'c, E>(
    executor: E,
    account_id: i64,
    zone: chrono_tz::Tz,
) -> Result<Option<HardshipRecord>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hardship_reports WHERE account_id = $1 ORDER BY id DESC LIMIT 1"
    ))
    .bind(account_id)
    .fetch_optional(executor)
    .await?;
    Ok(row
        .map(|row| record(&row, zone))
        .transpose()?
        .flatten()
        .map(|(_, record)| record))
}

/// The most recent report on each of the borrower's accounts that has one.
/// What `latest` and `latest_per_account` read of each report.
pub(super) const COLUMNS: &str = "account_id, reason, note, created_at";

/// The latest report per account among `rows` (with `COLUMNS`, oldest first).
pub(super) fn latest_per_account(
    rows: &[AnyRow],
    zone: chrono_tz::Tz,
) -> Result<HashMap<i64, HardshipRecord>, sqlx::Error> {
    let mut latest = HashMap::new();
    // Oldest first, so each account ends with its latest.
    for row in rows {
        if let Some((account_id, record)) = record(row, zone)? {
            latest.insert(account_id, record);
        }
    }
    Ok(latest)
}

/// A report row, parsed; `None` for a reason code this version does not know.
fn record(row: &AnyRow, zone: chrono_tz::Tz) -> Result<Option<(i64, HardshipRecord)>, sqlx::Error> {
    let account_id: i64 = row.try_get("account_id")?;
    let code: String = row.try_get("reason")?;
    let at: i64 = row.try_get("created_at")?;
    Ok(HardshipReason::parse(&code).map(|reason| {
        (
            account_id,
            HardshipRecord {
                reason,
                note: row.try_get("note").unwrap_or_default(),
                recorded_on: DateTime::<Utc>::from_timestamp_millis(at)
                    .map(|t| t.with_timezone(&zone).date_naive())
                    .unwrap_or_default(),
            },
        )
    }))
}
