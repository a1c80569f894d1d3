//! The collector's side of a proposal: the review queue, the context to decide, and the
//! decision itself (approve, reject, counter-offer), recorded exactly once under concurrency.

use chrono::{Days, NaiveDate};

use super::accounts::{summary_with_history, MAX_NOTE_CHARS};
use super::adherence::sweep_broken;
use crate::domain::decision::{decide as rulebook, Decision};
use crate::domain::money::{parse_amount, Currency, Money};
use crate::domain::proposal::{parse_date, AccountTerms};
use crate::domain::schedule::generate;
use crate::domain::stage::Stage;
use crate::error::AppError;
use crate::model::collector::{
    CollectorDecision, Decided, DecisionRecord, QueueItem, QueuePage, QueueQuery, ReviewContext, WatchItem,
};
use crate::model::{AgreementOrigin, CurrentUser, PlanTerms, ProposalStatus};
use crate::server::db::{now_ms, Tx};
use crate::server::store::agreements::{self, NewAgreement};
use crate::server::store::counter_offers::{self, NewCounterOffer};
use crate::server::store::queue::{self, Filter, Sort, WatchRow};
use crate::server::store::{accounts, audit, decisions, proposals};
use crate::server::{AppState, Viewer};

pub const PER_PAGE: u32 = 25;
/// Longest a counter-offer may stay open.
pub const MAX_OFFER_DAYS: u64 = 30;
const DAY_MS: i64 = 86_400_000;

/// An instant as the lender's local "YYYY-MM-DD HH:MM".
pub fn lender_time(ms: i64, zone: chrono_tz::Tz) -> String {
    crate::server::clock::LenderClock::new(zone)
        .local_time(ms)
        .map(|t| format!("{} {:02}:{:02}", t.date, t.hour, t.minute))
        .unwrap_or_default()
}

/// Reads the filters; anything unreadable is ignored rather than failing the page.
fn filter_of(q: &QueueQuery) -> Filter {
    let amount = |text: &str| parse_amount(text, Currency::CNY).ok().map(|m| m.minor);
    let min_age = q.min_age.trim().parse::<i64>().ok().filter(|d| *d > 0);
    Filter {
        stage: Stage::parse(q.stage.trim()),
        min_balance_minor: (!q.min_amount.trim().is_empty())
            .then(|| amount(&q.min_amount))
            .flatten(),
        max_balance_minor: (!q.max_amount.trim().is_empty())
            .then(|| amount(&q.max_amount))
            .flatten(),
        submitted_before: min_age.map(|days| now_ms() - days * DAY_MS),
        flagged_only: matches!(q.flagged.as_str(), "1" | "on" | "true"),
        sort: match q.sort.as_str() {
            "risk" => Sort::Risk,
            "amount" => Sort::Amount,
            _ => Sort::Oldest,
        },
    }
}

fn watch_item(row: WatchRow) -> WatchItem {
    WatchItem {
        reference: row.reference,
        account_reference: row.account_reference,
        borrower_name: row.borrower_name,
        status: row.status,
        next_due: row.next_due,
        remaining: row.remaining,
    }
}

/// One page of pending proposals plus the at-risk and broken agreements.
#[tracing::instrument(skip(state, viewer, q), fields(request_id = %viewer.request_id))]
pub async fn queue(state: &AppState, viewer: &Viewer, q: &QueueQuery) -> Result<QueuePage, AppError> {
    sweep_broken(state, viewer).await?;
    let filter = filter_of(q);
    let page = q.page.trim().parse::<u32>().unwrap_or(1).max(1);
    let offset = i64::from(page - 1) * i64::from(PER_PAGE);
    let pool = &state.db.pool;
    let (rows, total) = queue::pending(pool, &filter, i64::from(PER_PAGE), offset)
        .await
        .map_err(|e| viewer.internal(e))?;
    let zone = state.clock.zone;
    let now = now_ms();
    let items = rows
        .into_iter()
        .map(|r| QueueItem {
            proposal_id: r.proposal_id,
            account_reference: r.account_reference,
            lender_name: r.lender_name,
            borrower_name: r.borrower_name,
            stage: r.stage,
            dpd: r.dpd,
            balance: r.balance,
            installments: r.installments,
            frequency: r.frequency,
            submitted_on: proposals::submitted_on(r.created_at, zone),
            waiting_days: (now - r.created_at).max(0) / DAY_MS,
            flagged: r.flagged,
        })
        .collect();
    let today = state.clock.today();
    let grace = u64::from(state.policy(viewer).await?.grace_days);
    let from = today.checked_sub_days(Days::new(grace)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(3)).unwrap_or(today);
    let at_risk = queue::at_risk(pool, from, to, 50)
        .await
        .map_err(|e| viewer.internal(e))?;
    let broken = queue::broken(pool, 50).await.map_err(|e| viewer.internal(e))?;
    Ok(QueuePage {
        items,
        total,
        page,
        per_page: PER_PAGE,
        at_risk: at_risk.into_iter().map(watch_item).collect(),
        broken: broken.into_iter().map(watch_item).collect(),
    })
}

/// The proposal with everything around it a collector needs to decide.
pub async fn context(
    state: &AppState,
    viewer: &Viewer,
    staff: &CurrentUser,
    id: i64,
) -> Result<ReviewContext, AppError> {
    let proposal = super::plans::proposal(state, viewer, staff, id).await?;
    let internal = |e: sqlx::Error| viewer.internal(e);
    let row = proposals::get(&state.db.pool, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let account = accounts::by_id(&state.db, row.account_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let borrower_name = accounts::borrower_name(&state.db, row.borrower_id)
        .await
        .map_err(internal)?;
    let (income, expenses) = decisions::affordability_inputs(&state.db.pool, id)
        .await
        .map_err(internal)?;
    let decided = decisions::decided(&state.db.pool, id).await.map_err(internal)?;
    let currency = row.balance.currency;
    let terms = AccountTerms {
        balance: row.balance,
        oldest_unpaid_due: account.oldest_unpaid_due,
    };
    let (account, history) = summary_with_history(state, viewer, account).await?;
    Ok(ReviewContext {
        proposal,
        borrower_name,
        account,
        history,
        monthly_income: income.map(|m| Money::new(m, currency)),
        monthly_expenses: expenses.map(|m| Money::new(m, currency)),
        decided: decided.map(|(by, at)| DecisionRecord {
            by,
            at: lender_time(at, state.clock.zone),
        }),
        policy: (*state.policy(viewer).await?).clone(),
        terms,
        today: state.clock.today(),
    })
}

/// The error for the loser of a decision race: who won, and when.
async fn already_decided(state: &AppState, tx: &mut Tx, proposal_id: i64) -> Result<AppError, sqlx::Error> {
    Ok(match decisions::decided(&mut **tx, proposal_id).await? {
        Some((by, at)) => AppError::AlreadyDecided {
            by,
            at: lender_time(at, state.clock.zone),
        },
        None => AppError::Conflict {
            code: "not_pending".into(),
        },
    })
}

fn check_text(field: &str, text: &str, required: bool) -> Result<String, AppError> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(AppError::invalid(field, "reason_required"));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid(field, "note_too_long"));
    }
    Ok(text.to_owned())
}

fn check_expiry(text: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let latest = today.checked_add_days(Days::new(MAX_OFFER_DAYS)).unwrap_or(today);
    parse_date(text)
        .filter(|d| *d > today && *d <= latest)
        .ok_or_else(|| AppError::invalid("expires_on", "expiry_invalid"))
}

/// Records a collector's decision; exactly one decision per proposal ever wins.
#[tracing::instrument(skip(state, viewer, collector, decision), fields(request_id = %viewer.request_id))]
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    collector: &CurrentUser,
    proposal_id: i64,
    decision: &CollectorDecision,
) -> Result<Decided, AppError> {
    let today = state.clock.today();
    // Input errors first: they never depend on the proposal's state.
    let (reason, note, expiry) = match decision {
        CollectorDecision::Approve => (None, None, None),
        CollectorDecision::Reject { reason } => (Some(check_text("reason", reason, true)?), None, None),
        CollectorDecision::CounterOffer { note, expires_on, .. } => (
            None,
            Some(check_text("note", note, false)?),
            Some(check_expiry(expires_on, today)?),
        ),
    };
    let result = try_decide(state, viewer, collector, proposal_id, decision, reason, note, expiry).await;
    match result {
        Ok(outcome) => outcome,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::Conflict {
            code: "agreement_active".into(),
        }),
        Err(e) => Err(viewer.internal(e)),
    }
}

#[allow(clippy::too_many_arguments)]
async fn try_decide(
    state: &AppState,
    viewer: &Viewer,
    collector: &CurrentUser,
    proposal_id: i64,
    decision: &CollectorDecision,
    reason: Option<String>,
    note: Option<String>,
    expiry: Option<NaiveDate>,
) -> Result<Result<Decided, AppError>, sqlx::Error> {
    let today = state.clock.today();
    let mut tx = state.db.begin_write().await?;
    let Some(proposal) = proposals::get(&mut *tx, proposal_id).await? else {
        return Ok(Err(AppError::NotFound));
    };
    if proposal.status != ProposalStatus::Pending {
        return Ok(Err(already_decided(state, &mut tx, proposal_id).await?));
    }
    let Some(account) = accounts::owned_by(&mut *tx, proposal.account_id, proposal.borrower_id).await? else {
        return Ok(Err(AppError::NotFound));
    };
    let subject = account.id.to_string();
    let (status, decision_note) = match decision {
        CollectorDecision::Approve => (ProposalStatus::Approved, None),
        CollectorDecision::Reject { .. } => (ProposalStatus::Rejected, reason.clone()),
        CollectorDecision::CounterOffer { .. } => (ProposalStatus::Countered, note.clone()),
    };
    // The counter-offer must pass the same rulebook (not necessarily the auto-approve limits).
    let counter = match decision {
        CollectorDecision::CounterOffer { terms, .. } => {
            let account_terms = AccountTerms {
                balance: proposal.balance,
                oldest_unpaid_due: account.oldest_unpaid_due,
            };
            // In the transaction: a second pooled connection could wait on a pool it holds.
            let policy = state.policies.current_in(&mut tx).await?;
            let outcome = rulebook(terms, &account_terms, &policy, today);
            match (outcome.decision, outcome.proposal) {
                (Decision::Reject { errors }, _) => return Ok(Err(AppError::PlanRejected { errors })),
                (_, Some(plan)) => Some((plan, outcome.policy_version)),
                (_, None) => return Ok(Err(AppError::PlanRejected { errors: Vec::new() })),
            }
        }
        _ => None,
    };
    let changed =
        decisions::mark_decided(&mut *tx, proposal_id, status, collector.id, decision_note.as_deref()).await?;
    if changed == 0 {
        return Ok(Err(already_decided(state, &mut tx, proposal_id).await?));
    }
    let outcome = match decision {
        CollectorDecision::Approve => {
            let Ok(schedule) = generate(
                proposal.balance,
                proposal.terms.down_payment,
                proposal.terms.installments,
                proposal.terms.frequency,
                proposal.terms.first_payment_date,
            ) else {
                return Ok(Err(
                    viewer.internal(format!("proposal {proposal_id} no longer schedules"))
                ));
            };
            let reference = agreements::insert(
                &mut tx,
                &NewAgreement {
                    account_id: account.id,
                    borrower_id: proposal.borrower_id,
                    proposal_id,
                    origin: AgreementOrigin::CollectorApproval,
                    terms: &proposal.terms,
                    schedule: &schedule,
                    policy_version: &proposal.policy_version,
                    accepted_by: collector.id,
                    today,
                },
            )
            .await?;
            let entry = audit::Entry {
                action: "proposal.approved",
                subject_kind: "account",
                subject_id: subject.clone(),
                detail: serde_json::json!({ "proposal_id": proposal_id }),
            };
            audit::append(&mut *tx, viewer, Some(collector), entry).await?;
            let entry = audit::Entry {
                action: "agreement.recorded",
                subject_kind: "account",
                subject_id: subject,
                detail: serde_json::json!({ "reference": reference, "origin": "collector_approval", "proposal_id": proposal_id }),
            };
            audit::append(&mut *tx, viewer, Some(collector), entry).await?;
            Decided::Approved { reference }
        }
        CollectorDecision::Reject { .. } => {
            let entry = audit::Entry {
                action: "proposal.rejected",
                subject_kind: "account",
                subject_id: subject,
                detail: serde_json::json!({ "proposal_id": proposal_id, "reason": reason }),
            };
            audit::append(&mut *tx, viewer, Some(collector), entry).await?;
            Decided::Rejected
        }
        CollectorDecision::CounterOffer { .. } => {
            let Some((plan, policy_version)) = counter else {
                return Ok(Err(AppError::PlanRejected { errors: Vec::new() }));
            };
            let terms = PlanTerms {
                down_payment: plan.down_payment,
                installments: plan.installments,
                frequency: plan.frequency,
                first_payment_date: plan.first_payment_date,
            };
            let expires_on = expiry.unwrap_or(today);
            let offer_id = counter_offers::insert(
                &mut *tx,
                &NewCounterOffer {
                    proposal_id,
                    collector_id: collector.id,
                    terms: &terms,
                    note: note.as_deref().unwrap_or_default(),
                    expires_on,
                    policy_version: &policy_version,
                },
            )
            .await?;
            let entry = audit::Entry {
                action: "proposal.countered",
                subject_kind: "account",
                subject_id: subject,
                detail: serde_json::json!({
                    "proposal_id": proposal_id, "counter_offer_id": offer_id, "installments": terms.installments,
                    "frequency": terms.frequency.code(), "down_payment_minor": terms.down_payment.minor,
                    "first_payment_date": terms.first_payment_date.to_string(), "total_minor": plan.schedule.total.minor,
                    "expires_on": expires_on.to_string(), "policy_version": policy_version,
                }),
            };
            audit::append(&mut *tx, viewer, Some(collector), entry).await?;
            Decided::Countered
        }
    };
    tx.commit().await?;
    Ok(Ok(outcome))
}
