//! The borrower's view of their accounts: balances, stage, what happens next, and the
//! hardship reasons they have told us.

use crate::domain::consequences;
use crate::domain::policy::PlanPolicy;
use crate::domain::proposal::HardshipReason;
use crate::error::AppError;
use crate::model::{
    AccountDetail, AccountSummary, AgreementStatus, CurrentUser, HardshipRecord, PlanHistoryItem, ProposalStatus,
};
use crate::server::store::accounts::{self, AccountRow};
use crate::server::store::agreements::AgreementRow;
use crate::server::store::overview::{self, BorrowerRecords};
use crate::server::store::proposals::ProposalRow;
use crate::server::store::{agreements, audit, hardship, proposals};
use crate::server::{AppState, Viewer};

/// Longest free-text note we keep; more is refused, never cut silently.
pub const MAX_NOTE_CHARS: usize = 1000;

pub async fn overview(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
) -> Result<Vec<AccountSummary>, AppError> {
    Ok(all_details(state, viewer, borrower)
        .await?
        .into_iter()
        .map(|detail| detail.account)
        .collect())
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
    let (account, history) = summary_with_history(state, viewer, row).await?;
    Ok(AccountDetail { account, history })
}

/// Every account of the borrower with its plan history (the overview and the "plans and
/// agreements" page): a fixed number of queries however many accounts there are.
pub async fn all_details(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
) -> Result<Vec<AccountDetail>, AppError> {
    let zone = state.clock.zone;
    let internal = |e| viewer.internal(e);
    // One connection for the four reads, put back without the pool's liveness round trip.
    let mut conn = state.db.read().await.map_err(internal)?;
    let BorrowerRecords {
        accounts: rows,
        proposals,
        agreements,
        mut hardship,
    } = overview::for_borrower(&mut conn, borrower.id, zone)
        .await
        .map_err(internal)?;
    conn.done();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let policy = state.policy(viewer).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let history = history_of(
                proposals.iter().filter(|p| p.account_id == row.id),
                agreements.iter().filter(|a| a.account_id == row.id),
                zone,
            );
            let hardship = hardship.remove(&row.id);
            AccountDetail {
                account: summary_of(state, &policy, row, &history, hardship),
                history,
            }
        })
        .collect())
}

fn history_of<'a>(
    proposals: impl Iterator<Item = &'a ProposalRow>,
    agreements: impl Iterator<Item = &'a AgreementRow>,
    zone: chrono_tz::Tz,
) -> Vec<PlanHistoryItem> {
    let mut items: Vec<(i64, PlanHistoryItem)> = Vec::new();
    for p in proposals {
        items.push((
            p.created_at,
            PlanHistoryItem::Proposal {
                id: p.id,
                status: p.status,
                submitted_on: proposals::submitted_on(p.created_at, zone),
                terms: p.terms.clone(),
            },
        ));
    }
    for a in agreements {
        // An agreement sorts just after the proposal it came from.
        items.push((
            a.accepted_at + 1,
            PlanHistoryItem::Agreement {
                reference: a.reference.clone(),
                status: a.status,
                accepted_on: proposals::submitted_on(a.accepted_at, zone),
                terms: a.terms.clone(),
                total: a.total,
            },
        ));
    }
    items.sort_by_key(|item| std::cmp::Reverse(item.0));
    items.into_iter().map(|(_, item)| item).collect()
}

/// The overview card of one account: balance, stage, next step, plan in progress.
pub(crate) async fn summarize(state: &AppState, viewer: &Viewer, row: AccountRow) -> Result<AccountSummary, AppError> {
    Ok(summary_with_history(state, viewer, row).await?.0)
}

/// One account's overview card and the plan history (newest first) it was drawn from, read on
/// one connection.
pub(crate) async fn summary_with_history(
    state: &AppState,
    viewer: &Viewer,
    row: AccountRow,
) -> Result<(AccountSummary, Vec<PlanHistoryItem>), AppError> {
    let zone = state.clock.zone;
    let internal = |e| viewer.internal(e);
    let mut conn = state.db.read().await.map_err(internal)?;
    let proposals = proposals::for_account(&mut *conn, row.id).await.map_err(internal)?;
    let agreements = agreements::for_account(&mut *conn, row.id).await.map_err(internal)?;
    let hardship = hardship::latest(&mut *conn, row.id, zone).await.map_err(internal)?;
    conn.done();
    let history = history_of(proposals.iter(), agreements.iter(), zone);
    let policy = state.policy(viewer).await?;
    Ok((summary_of(state, &policy, row, &history, hardship), history))
}

fn summary_of(
    state: &AppState,
    policy: &PlanPolicy,
    row: AccountRow,
    history: &[PlanHistoryItem],
    hardship: Option<HardshipRecord>,
) -> AccountSummary {
    let in_progress = history
        .iter()
        .find(|item| match item {
            PlanHistoryItem::Agreement { status, .. } => *status == AgreementStatus::Active,
            PlanHistoryItem::Proposal { status, .. } => {
                matches!(status, ProposalStatus::Pending | ProposalStatus::Countered)
            }
        })
        .cloned();
    let plan_kept = matches!(in_progress, Some(PlanHistoryItem::Agreement { .. }));
    let timeline = consequences::timeline(row.oldest_unpaid_due, state.clock.today(), policy, plan_kept);
    AccountSummary {
        id: row.id,
        reference: row.reference,
        lender_name: row.lender_name,
        balance: row.balance,
        as_of: row.as_of,
        timeline,
        hardship,
        in_progress,
    }
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
