//! Importing a payment file: every good row is recorded through `adherence::record_payment`
//! (its own transaction, so a payment is applied whole or not at all), every bad row is
//! refused with its reason, and the outcome of each row is kept for the report.
//!
//! Rows apply one by one rather than all-or-nothing: one bad line in a bank's file must not
//! hold back the good ones, and the payment reference (required, unique) makes uploading the
//! same file again safe: rows already recorded are refused as duplicates, never applied twice.

use std::collections::HashSet;

use super::adherence::{record_payment, PaymentAmount, PaymentInput};
use super::review::lender_time;
use crate::error::AppError;
use crate::model::collector::{ImportReport, ImportRow, ImportSummary, RowOutcome};
use crate::model::CurrentUser;
use crate::server::csv;
use crate::server::store::audit::{self, Actor};
use crate::server::store::imports;
use crate::server::{AppState, Viewer};

pub use crate::model::collector::{
    IMPORT_COLUMNS as COLUMNS, IMPORT_MAX_FILE_BYTES as MAX_FILE_BYTES, IMPORT_MAX_ROWS as MAX_ROWS,
};
const MAX_FILE_NAME_CHARS: usize = 200;

/// Why a whole file was refused before any row was applied (a code worded by the UI).
pub fn file_error(code: &str) -> AppError {
    AppError::invalid("file", code)
}

/// Reads the file, applies its rows and returns the id of the stored report.
#[tracing::instrument(skip(state, viewer, collector, bytes), fields(request_id = %viewer.request_id))]
pub async fn import(
    state: &AppState,
    viewer: &Viewer,
    collector: &CurrentUser,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, AppError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(file_error("file_too_large"));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| file_error("file_not_utf8"))?;
    // A NUL byte means a binary file (and PostgreSQL text cannot hold one).
    if text.contains('\0') {
        return Err(file_error("file_not_utf8"));
    }
    let records = csv::parse(text).map_err(|_| file_error("file_unreadable"))?;
    let mut records = records.into_iter();
    let header = records.next().ok_or_else(|| file_error("file_empty"))?;
    let header_ok = header.1.len() == COLUMNS.len()
        && header
            .1
            .iter()
            .zip(COLUMNS)
            .all(|(got, want)| got.trim().eq_ignore_ascii_case(want));
    if !header_ok {
        return Err(file_error("file_header"));
    }
    // Blank lines (a trailing one is common) are no rows; everything else is reported.
    let data: Vec<(usize, Vec<String>)> = records
        .filter(|(_, cells)| !(cells.len() == 1 && cells[0].trim().is_empty()))
        .collect();
    if data.is_empty() {
        return Err(file_error("file_empty"));
    }
    if data.len() > MAX_ROWS {
        return Err(file_error("file_too_many_rows"));
    }
    let file_name: String = file_name.trim().chars().take(MAX_FILE_NAME_CHARS).collect();
    let rows_in_file = u32::try_from(data.len()).unwrap_or(u32::MAX);
    // Through the writer, like every write: a write on another connection would wait in
    // SQLite's busy handler for the writer's open batch.
    let started = async {
        let mut tx = state.db.begin_write().await?;
        let import_id = imports::create(&mut *tx, &file_name, rows_in_file, collector.id).await?;
        let entry = audit::Entry {
            action: "payment_import.started",
            subject_kind: "payment_import",
            subject_id: import_id.to_string(),
            detail: serde_json::json!({ "file_name": file_name, "rows": rows_in_file }),
        };
        audit::append(&mut *tx, viewer, None, entry).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(import_id)
    };
    let import_id = started.await.map_err(|e| viewer.internal(e))?;
    let mut seen = HashSet::new();
    for (row, cells) in data {
        let row = apply_row(state, viewer, collector, row, &cells, &mut seen).await;
        let reported = async {
            let mut tx = state.db.begin_write().await?;
            imports::add_row(&mut *tx, import_id, &row).await?;
            tx.commit().await
        };
        reported.await.map_err(|e| viewer.internal(e))?;
    }
    Ok(import_id)
}

/// One data row: the checks only a file needs, then the same path as the payment form.
async fn apply_row(
    state: &AppState,
    viewer: &Viewer,
    collector: &CurrentUser,
    row: usize,
    cells: &[String],
    seen: &mut HashSet<String>,
) -> ImportRow {
    // The report keeps what the row said; a control character (no bank means one, and
    // PostgreSQL cannot store NUL) is shown as U+FFFD and refuses the row.
    let cell = |i: usize| {
        let text = cells.get(i).map(|c| c.trim()).unwrap_or_default();
        text.chars()
            .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
            .collect::<String>()
    };
    let mut report = ImportRow {
        row: u32::try_from(row).unwrap_or(u32::MAX),
        agreement_reference: cell(0),
        amount: cell(1),
        paid_on: cell(2),
        payment_reference: cell(3),
        outcome: RowOutcome::Refused { reason: String::new() },
    };
    let refusal = if cells.len() != COLUMNS.len() {
        Some("row_columns")
    } else if cells.iter().any(|c| c.trim().chars().any(char::is_control)) {
        Some("row_control_characters")
    } else if report.agreement_reference.is_empty() {
        Some("row_reference_missing")
    } else if report.paid_on.is_empty() {
        Some("paid_on_invalid")
    } else if report.payment_reference.is_empty() {
        Some("row_payment_reference_missing")
    } else if !seen.insert(report.payment_reference.clone()) {
        Some("row_duplicate_in_file")
    } else {
        None
    };
    if let Some(reason) = refusal {
        report.outcome = RowOutcome::Refused { reason: reason.into() };
        return report;
    }
    let input = PaymentInput {
        amount: PaymentAmount::Typed(&report.amount),
        paid_on: &report.paid_on,
        external_ref: &report.payment_reference,
        source: "import",
    };
    report.outcome = match record_payment(
        state,
        viewer,
        Actor::Person(collector),
        &report.agreement_reference,
        &input,
    )
    .await
    {
        Ok(receipt) => RowOutcome::Applied {
            payment_id: receipt.payment_id,
            applied: receipt.applied,
            status: receipt.status,
        },
        Err(error) => RowOutcome::Refused {
            reason: refusal_code(&error).into(),
        },
    };
    report
}

/// The row's reason, from what `record_payment` answered.
fn refusal_code(error: &AppError) -> &str {
    match error {
        AppError::NotFound => "row_unknown_agreement",
        AppError::Conflict { code } if code == "duplicate_payment" => "row_already_recorded",
        AppError::Invalid { code, .. } | AppError::Conflict { code } => code,
        _ => "try_again",
    }
}

/// The stored report of one import.
pub async fn report(state: &AppState, viewer: &Viewer, id: i64) -> Result<ImportReport, AppError> {
    let pool = &state.db.pool;
    let head = imports::get(pool, id)
        .await
        .map_err(|e| viewer.internal(e))?
        .ok_or(AppError::NotFound)?;
    let rows = imports::rows(pool, id).await.map_err(|e| viewer.internal(e))?;
    Ok(ImportReport {
        id: head.id,
        file_name: head.file_name,
        uploaded_by: head.uploaded_by,
        uploaded_at: lender_time(head.created_at, state.clock.zone),
        rows_in_file: head.rows_in_file,
        rows,
    })
}

/// The latest imports, newest first.
pub async fn recent(state: &AppState, viewer: &Viewer) -> Result<Vec<ImportSummary>, AppError> {
    let heads = imports::recent(&state.db.pool, 20)
        .await
        .map_err(|e| viewer.internal(e))?;
    Ok(heads
        .into_iter()
        .map(|h| ImportSummary {
            id: h.id,
            file_name: h.file_name,
            uploaded_by: h.uploaded_by,
            uploaded_at: lender_time(h.created_at, state.clock.zone),
            rows_in_file: h.rows_in_file,
            applied: h.applied,
            refused: h.refused,
        })
        .collect())
}
