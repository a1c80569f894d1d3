//! Plans: the builder's context, submission (validated again with the same rulebook,
//! recorded exactly once per idempotency key), and the proposal and agreement pages.

use sha2::{Digest, Sha256};

use super::accounts::summarize;
use crate::domain::decision::{decide, Decision};
use crate::domain::proposal::{AccountTerms, RawProposal};
use crate::domain::schedule::generate;
use crate::error::AppError;
use crate::model::{
    AgreementOrigin, AgreementStatus, AgreementView, CurrentUser, InstallmentView, PlanBlock, PlanContext, PlanTerms,
    ProposalStatus, ProposalView, SubmitOutcome,
};
use crate::server::store::accounts;
use crate::server::store::agreements::{self, AgreementRow};
use crate::server::store::proposals::{self, NewProposal, ProposalRow};
use crate::server::store::submissions::{self, Accepted};
use crate::server::{AppState, Viewer};

const KEY_MIN: usize = 8;
const KEY_MAX: usize = 100;

fn terms_of(row: &accounts::AccountRow) -> AccountTerms {
    AccountTerms {
        balance: row.balance.total,
        oldest_unpaid_due: row.oldest_unpaid_due,
    }
}

/// Everything the plan builder needs for one of the borrower's accounts.
pub async fn context(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
    account_id: i64,
) -> Result<PlanContext, AppError> {
    let row = accounts::owned_by(&state.db.pool, account_id, borrower.id)
        .await
        .map_err(|e| viewer.internal(e))?
        .ok_or(AppError::NotFound)?;
    let terms = terms_of(&row);
    let mut conn = state.db.pool.acquire().await.map_err(|e| viewer.internal(e))?;
    let blocked = accounts::plan_block(&mut conn, row.id)
        .await
        .map_err(|e| viewer.internal(e))?;
    // Back to the pool before the reads below take their own.
    drop(conn);
    let today = state.clock.today();
    let account = summarize(state, viewer, row).await?;
    let policy = state.policy(viewer).await?;
    Ok(PlanContext {
        terms,
        policy: (*policy).clone(),
        today,
        account,
        blocked,
    })
}

fn request_hash(account_id: i64, raw: &RawProposal) -> String {
    let canonical = serde_json::to_string(&(account_id, raw)).unwrap_or_default();
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_key(key: &str) -> Result<&str, AppError> {
    let ok = (KEY_MIN..=KEY_MAX).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(key)
    } else {
        Err(AppError::invalid("idempotency_key", "idempotency_key_invalid"))
    }
}

enum Attempt {
    Done(Result<SubmitOutcome, AppError>),
    /// Another request with the same key (or for the same account) committed first.
    LostRace,
}

/// Validates a proposal with the rulebook and records it (and, within policy, its agreement)
/// in one transaction. The same key with the same proposal returns the first result; with a
/// different proposal it is refused.
pub async fn submit(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
    account_id: i64,
    key: &str,
    raw: &RawProposal,
) -> Result<SubmitOutcome, AppError> {
    let key = check_key(key)?;
    let hash = request_hash(account_id, raw);
    // The version in force when the borrower submits (read with the session) is the one the
    // decision records.
    let policy = state.policy(viewer).await?;
    for _ in 0..3 {
        match try_submit(state, viewer, borrower, account_id, key, &hash, raw, &policy).await {
            Ok(Attempt::Done(result)) => return result,
            // The winner's writes may wait in the writer's open batch: once they are committed,
            // the next attempt reads them.
            Ok(Attempt::LostRace) => state.db.settle().await.map_err(|e| viewer.internal(e))?,
            Err(e) => return Err(viewer.internal(e)),
        }
    }
    Err(AppError::Conflict {
        code: "try_again".into(),
    })
}

/// The answer the submission of `proposal` got when it was recorded: its agreement if it was
/// accepted on the spot, otherwise "sent for review", whatever a collector decided since.
async fn outcome_of(pool: &sqlx::AnyPool, proposal: &ProposalRow) -> Result<SubmitOutcome, sqlx::Error> {
    let accepted_at_once = match proposal.status {
        ProposalStatus::AutoApproved => agreements::by_proposal(pool, proposal.id)
            .await?
            .filter(|a| a.origin == AgreementOrigin::SelfService),
        _ => None,
    };
    Ok(match accepted_at_once {
        Some(agreement) => SubmitOutcome::AgreementRecorded {
            reference: agreement.reference,
        },
        None => SubmitOutcome::SentForReview {
            proposal_id: proposal.id,
        },
    })
}

/// The first answer given to `key`, when a submission with that key is already recorded: the
/// same result for the same proposal, a refusal for a different one.
async fn replay(
    pool: &sqlx::AnyPool,
    borrower: &CurrentUser,
    key: &str,
    hash: &str,
) -> Result<Option<Result<SubmitOutcome, AppError>>, sqlx::Error> {
    let Some(existing) = proposals::by_key(pool, borrower.id, key).await? else {
        return Ok(None);
    };
    if existing.request_hash != hash {
        return Ok(Some(Err(AppError::invalid(
            "idempotency_key",
            "idempotency_key_reused",
        ))));
    }
    Ok(Some(Ok(outcome_of(pool, &existing).await?)))
}

/// One attempt. Everything that can answer without writing (a replay, someone else's account,
/// a blocked account, a rejected plan) is read before the write transaction, which then holds
/// the writer for its inserts only. The inserts re-check what those reads saw (the key is
/// unique, the proposal insert refuses a blocked account), so a request that raced another
/// one loses cleanly and the next attempt reads the winner.
#[allow(clippy::too_many_arguments)]
async fn try_submit(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
    account_id: i64,
    key: &str,
    hash: &str,
    raw: &RawProposal,
    policy: &crate::domain::policy::PlanPolicy,
) -> Result<Attempt, sqlx::Error> {
    let pool = &state.db.pool;
    let mut conn = state.db.read().await?;
    let facts = accounts::submission_facts(&mut *conn, account_id, borrower.id, key).await?;
    conn.done();
    if facts.key_used {
        if let Some(answer) = replay(pool, borrower, key, hash).await? {
            return Ok(Attempt::Done(answer));
        }
    }
    let Some(account) = facts.account else {
        return Ok(Attempt::Done(Err(AppError::NotFound)));
    };
    let block = match (facts.active_agreement, facts.pending_proposal) {
        (Some(reference), _) => Some(PlanBlock::ActiveAgreement { reference }),
        (None, Some(proposal_id)) => Some(PlanBlock::PendingProposal { proposal_id }),
        (None, None) => None,
    };
    if let Some(block) = block {
        // A copy of this very request may have committed since the key was looked up: then
        // what blocks the account is its own answer.
        if let Some(answer) = replay(pool, borrower, key, hash).await? {
            return Ok(Attempt::Done(answer));
        }
        return Ok(Attempt::Done(Err(AppError::Conflict {
            code: block.code().into(),
        })));
    }
    let today = state.clock.today();
    let outcome = decide(raw, &terms_of(&account), policy, today);
    let (status, reasons) = match &outcome.decision {
        Decision::Reject { errors } => {
            return Ok(Attempt::Done(Err(AppError::PlanRejected { errors: errors.clone() })))
        }
        Decision::AutoApprove => (ProposalStatus::AutoApproved, Vec::new()),
        Decision::NeedsReview { reasons } => (ProposalStatus::Pending, reasons.clone()),
    };
    let Some(plan) = outcome.proposal else {
        return Ok(Attempt::Done(Err(AppError::PlanRejected { errors: Vec::new() })));
    };
    let terms = PlanTerms {
        down_payment: plan.down_payment,
        installments: plan.installments,
        frequency: plan.frequency,
        first_payment_date: plan.first_payment_date,
    };
    let new = NewProposal {
        account_id: account.id,
        borrower_id: borrower.id,
        idempotency_key: key,
        request_hash: hash,
        status,
        balance: plan.balance,
        terms: &terms,
        hardship_reason: plan.hardship_reason,
        hardship_note: &plan.hardship_note,
        monthly_income: plan.affordability.map(|a| a.monthly_income),
        monthly_expenses: plan.affordability.map(|a| a.monthly_expenses),
        affordability: &plan.affordability_flag,
        review_reasons: &reasons,
        stage: plan.stage.code(),
        dpd: plan.dpd,
        policy_version: &outcome.policy_version,
    };

    let submitted = serde_json::json!({
        "decision": outcome.decision.code(), "policy_version": outcome.policy_version,
        "installments": terms.installments, "frequency": terms.frequency.code(), "total_minor": plan.schedule.total.minor,
    });
    let accepted = (status == ProposalStatus::AutoApproved).then_some(Accepted {
        schedule: &plan.schedule,
        today,
    });
    let submission = submissions::job(state.db.backend, viewer, borrower, &new, accepted.as_ref(), submitted)?;
    let proposal_id = match state.db.write_job(submission.job).await {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(Attempt::LostRace),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(Attempt::LostRace),
        Err(e) => return Err(e),
    };
    Ok(Attempt::Done(Ok(match submission.agreement {
        Some(reference) => SubmitOutcome::AgreementRecorded { reference },
        None => SubmitOutcome::SentForReview { proposal_id },
    })))
}

/// A proposal, as its own borrower (or any staff member) may read it.
pub async fn proposal(
    state: &AppState,
    viewer: &Viewer,
    reader: &CurrentUser,
    id: i64,
) -> Result<ProposalView, AppError> {
    let row = proposals::get(&state.db.pool, id)
        .await
        .map_err(|e| viewer.internal(e))?;
    let row = row
        .filter(|p| reader.role.is_staff() || p.borrower_id == reader.id)
        .ok_or(AppError::NotFound)?;
    let account = accounts::by_id(&state.db, row.account_id)
        .await
        .map_err(|e| viewer.internal(e))?
        .ok_or(AppError::NotFound)?;
    let agreement = agreements::by_proposal(&state.db.pool, row.id)
        .await
        .map_err(|e| viewer.internal(e))?;
    let schedule = generate(
        row.balance,
        row.terms.down_payment,
        row.terms.installments,
        row.terms.frequency,
        row.terms.first_payment_date,
    )
    .map_err(|e| viewer.internal(format!("stored proposal {} no longer schedules: {e:?}", row.id)))?;
    let counter_offer = super::counter_offers::view_for(state, &row)
        .await
        .map_err(|e| viewer.internal(e))?;
    Ok(ProposalView {
        id: row.id,
        account_id: row.account_id,
        account_reference: account.reference,
        lender_name: account.lender_name,
        status: row.status,
        terms: row.terms,
        schedule,
        review_reasons: row.review_reasons,
        affordability: row.affordability,
        hardship_reason: row.hardship_reason,
        hardship_note: row.hardship_note,
        submitted_on: proposals::submitted_on(row.created_at, state.clock.zone),
        decision_note: row.decision_note,
        counter_offer,
        agreement_reference: agreement.map(|a| a.reference),
        policy_version: row.policy_version,
    })
}

/// An agreement with its schedule and adherence marks.
pub async fn agreement(
    state: &AppState,
    viewer: &Viewer,
    reader: &CurrentUser,
    reference: &str,
) -> Result<AgreementView, AppError> {
    let row = agreements::by_reference(&state.db, reference)
        .await
        .map_err(|e| viewer.internal(e))?;
    let row = row
        .filter(|a| reader.role.is_staff() || a.borrower_id == reader.id)
        .ok_or(AppError::NotFound)?;
    view_of(state, viewer, row).await
}

async fn view_of(state: &AppState, viewer: &Viewer, row: AgreementRow) -> Result<AgreementView, AppError> {
    let row = if row.status == AgreementStatus::Active {
        super::adherence::sweep_broken(state, viewer).await?;
        agreements::by_reference(&state.db, &row.reference)
            .await
            .map_err(|e| viewer.internal(e))?
            .unwrap_or(row)
    } else {
        row
    };
    let account = accounts::by_id(&state.db, row.account_id)
        .await
        .map_err(|e| viewer.internal(e))?
        .ok_or(AppError::NotFound)?;
    let borrower_name = accounts::borrower_name(&state.db, row.borrower_id)
        .await
        .map_err(|e| viewer.internal(e))?;
    let today = state.clock.today();
    let grace = state.policy(viewer).await?.grace_days;
    let installments = agreements::installments(&state.db, &row)
        .await
        .map_err(|e| viewer.internal(e))?
        .into_iter()
        .map(|i| InstallmentView {
            number: i.number,
            due: i.due,
            amount: i.amount,
            paid: i.paid,
            state: crate::domain::adherence::installment_state(i.amount, i.paid, i.due, today, grace),
        })
        .collect();
    let accepted_at = state
        .clock
        .local_time(row.accepted_at)
        .ok_or_else(|| viewer.internal(format!("agreement {} has no readable acceptance time", row.reference)))?;
    Ok(AgreementView {
        reference: row.reference,
        account_id: row.account_id,
        account_reference: account.reference,
        lender_name: account.lender_name,
        borrower_name,
        status: row.status,
        origin: row.origin,
        terms: row.terms,
        total: row.total,
        installments,
        policy_version: row.policy_version,
        accepted_at,
        today,
    })
}
