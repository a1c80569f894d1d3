//! The borrower's view of their accounts: balances, stage, what happens next, and the
//! hardship reasons they have told us.

use crate::domain::consequences;
use crate::domain::proposal::HardshipReason;
use crate::error::AppError;
use crate::model::{AccountSummary, CurrentUser, HardshipRecord};
use crate::server::store::{accounts, audit, hardship};
use crate::server::{AppState, Viewer};

/// Longest free-text note we keep; more is refused, never cut silently.
pub const MAX_NOTE_CHARS: usize = 1000;

pub async fn overview(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
) -> Result<Vec<AccountSummary>, AppError> {
    let rows = accounts::for_borrower(&state.db, borrower.id)
        .await
        .map_err(|e| viewer.internal(e))?;
    let today = state.clock.today();
    let mut summaries = Vec::with_capacity(rows.len());
    for row in rows {
        let timeline = consequences::timeline(row.oldest_unpaid_due, today, &state.policy, false);
        let hardship = hardship::latest(&state.db, row.id, state.clock.zone)
            .await
            .map_err(|e| viewer.internal(e))?;
        summaries.push(AccountSummary {
            id: row.id,
            reference: row.reference,
            lender_name: row.lender_name,
            balance: row.balance,
            as_of: row.as_of,
            timeline,
            hardship,
        });
    }
    Ok(summaries)
}

/// Records why the borrower fell behind on one of their own accounts.
pub async fn record_hardship(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
    account_id: i64,
    reason: &str,
    note: &str,
) -> Result<HardshipRecord, AppError> {
    let reason = HardshipReason::parse(reason)
        .ok_or_else(|| AppError::invalid("reason", "choose_reason"))?;
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid("note", "note_too_long"));
    }
    let account = accounts::owned_by(&state.db, account_id, borrower.id)
        .await
        .map_err(|e| viewer.internal(e))?
        .ok_or(AppError::NotFound)?;
    let mut tx = state
        .db
        .begin_write()
        .await
        .map_err(|e| viewer.internal(e))?;
    let id = hardship::insert(&mut *tx, account.id, reason, note, borrower.id)
        .await
        .map_err(|e| viewer.internal(e))?;
    let entry = audit::Entry {
        action: "hardship.recorded",
        subject_kind: "account",
        subject_id: account.id.to_string(),
        detail: serde_json::json!({ "report_id": id, "reason": reason.code() }),
    };
    audit::append(&mut *tx, viewer, Some(borrower), entry)
        .await
        .map_err(|e| viewer.internal(e))?;
    tx.commit().await.map_err(|e| viewer.internal(e))?;
    Ok(HardshipRecord {
        reason,
        note: note.to_owned(),
        recorded_on: state.clock.today(),
    })
}
