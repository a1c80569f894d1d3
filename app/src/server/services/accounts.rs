//! The borrower's view of their accounts: balances, stage, what happens next, and the
//! hardship reasons they have told us.

use crate::domain::consequences;
use crate::domain::proposal::HardshipReason;
use crate::error::AppError;
use crate::model::{
    AccountDetail, AccountSummary, AgreementStatus, CurrentUser, HardshipRecord, PlanHistoryItem, ProposalStatus,
};
use crate::server::store::accounts::{self, AccountRow};
use crate::server::store::{agreements, audit, hardship, proposals};
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
    let mut summaries = Vec::with_capacity(rows.len());
    for row in rows {
        summaries.push(summarize(state, viewer, row).await?);
    }
    Ok(summaries)
}

/// One account with its plan history, for its own borrower only.
pub async fn detail(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
    account_id: i64,
) -> Result<AccountDetail, AppError> {
    let row = accounts::owned_by(&state.db.pool, account_id, borrower.id)
        .await
        .map_err(|e| viewer.internal(e))?
        .ok_or(AppError::NotFound)?;
    let history = history(state, row.id).await.map_err(|e| viewer.internal(e))?;
    Ok(AccountDetail {
        account: summarize(state, viewer, row).await?,
        history,
    })
}

/// Every account of the borrower with its plan history (the "plans and agreements" page).
pub async fn all_details(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
) -> Result<Vec<AccountDetail>, AppError> {
    let rows = accounts::for_borrower(&state.db, borrower.id)
        .await
        .map_err(|e| viewer.internal(e))?;
    let mut details = Vec::with_capacity(rows.len());
    for row in rows {
        let history = history(state, row.id).await.map_err(|e| viewer.internal(e))?;
        details.push(AccountDetail {
            account: summarize(state, viewer, row).await?,
            history,
        });
    }
    Ok(details)
}

/// Proposals and agreements on an account, newest first.
pub async fn history(state: &AppState, account_id: i64) -> Result<Vec<PlanHistoryItem>, sqlx::Error> {
    let zone = state.clock.zone;
    let mut items: Vec<(i64, PlanHistoryItem)> = Vec::new();
    for p in proposals::for_account(&state.db, account_id).await? {
        let submitted_on = proposals::submitted_on(p.created_at, zone);
        items.push((
            p.created_at,
            PlanHistoryItem::Proposal {
                id: p.id,
                status: p.status,
                submitted_on,
                terms: p.terms,
            },
        ));
    }
    for a in agreements::for_account(&state.db, account_id).await? {
        let accepted_on = proposals::submitted_on(a.accepted_at, zone);
        // An agreement sorts just after the proposal it came from.
        items.push((
            a.accepted_at + 1,
            PlanHistoryItem::Agreement {
                reference: a.reference,
                status: a.status,
                accepted_on,
                terms: a.terms,
                total: a.total,
            },
        ));
    }
    items.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(items.into_iter().map(|(_, item)| item).collect())
}

/// The overview card of one account: balance, stage, next step, plan in progress.
pub(crate) async fn summarize(state: &AppState, viewer: &Viewer, row: AccountRow) -> Result<AccountSummary, AppError> {
    let history = history(state, row.id).await.map_err(|e| viewer.internal(e))?;
    let in_progress = history.into_iter().find(|item| match item {
        PlanHistoryItem::Agreement { status, .. } => *status == AgreementStatus::Active,
        PlanHistoryItem::Proposal { status, .. } => {
            matches!(status, ProposalStatus::Pending | ProposalStatus::Countered)
        }
    });
    let plan_kept = matches!(in_progress, Some(PlanHistoryItem::Agreement { .. }));
    let policy = state.policy(viewer).await?;
    let timeline = consequences::timeline(row.oldest_unpaid_due, state.clock.today(), &policy, plan_kept);
    let hardship = hardship::latest(&state.db, row.id, state.clock.zone)
        .await
        .map_err(|e| viewer.internal(e))?;
    Ok(AccountSummary {
        id: row.id,
        reference: row.reference,
        lender_name: row.lender_name,
        balance: row.balance,
        as_of: row.as_of,
        timeline,
        hardship,
        in_progress,
    })
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
    let reason = HardshipReason::parse(reason).ok_or_else(|| AppError::invalid("reason", "choose_reason"))?;
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid("note", "note_too_long"));
    }
    let account = accounts::owned_by(&state.db.pool, account_id, borrower.id)
        .await
        .map_err(|e| viewer.internal(e))?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await.map_err(|e| viewer.internal(e))?;
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
