//! Adherence: payments recorded against an agreement's schedule, and the agreement's status
//! following from them (completed when all is paid, broken beyond the policy's tolerance).

use chrono::Days;

use crate::domain::allocation::{allocate, standing, AllocationError, Due, Standing};
use crate::domain::money::{parse_amount, AmountError};
use crate::domain::proposal::parse_date;
use crate::error::AppError;
use crate::model::collector::PaymentReceipt;
use crate::model::{AgreementStatus, CurrentUser};
use crate::server::store::payments::{self, NewPayment};
use crate::server::store::{audit, queue};
use crate::server::{AppState, Viewer};

const MAX_REF_CHARS: usize = 100;

/// What the form or the file says about one payment, as typed.
pub struct PaymentInput<'a> {
    pub amount: &'a str,
    pub paid_on: &'a str,
    pub external_ref: &'a str,
    /// "form" or "import".
    pub source: &'a str,
}

/// Records one payment and applies it to the schedule, in one transaction.
#[tracing::instrument(skip(state, viewer, collector, input), fields(request_id = %viewer.request_id))]
pub async fn record_payment(
    state: &AppState,
    viewer: &Viewer,
    collector: &CurrentUser,
    reference: &str,
    input: &PaymentInput<'_>,
) -> Result<PaymentReceipt, AppError> {
    match try_record(state, viewer, collector, reference, input).await {
        Ok(result) => result,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::Conflict {
            code: "duplicate_payment".into(),
        }),
        Err(e) => Err(viewer.internal(e)),
    }
}

async fn try_record(
    state: &AppState,
    viewer: &Viewer,
    collector: &CurrentUser,
    reference: &str,
    input: &PaymentInput<'_>,
) -> Result<Result<PaymentReceipt, AppError>, sqlx::Error> {
    let today = state.clock.today();
    let external_ref = Some(input.external_ref.trim()).filter(|r| !r.is_empty());
    if external_ref.is_some_and(|r| r.chars().count() > MAX_REF_CHARS) {
        return Ok(Err(AppError::invalid("external_ref", "reference_too_long")));
    }
    let paid_on = if input.paid_on.trim().is_empty() {
        Some(today)
    } else {
        parse_date(input.paid_on)
    };
    let Some(paid_on) = paid_on else {
        return Ok(Err(AppError::invalid("paid_on", "paid_on_invalid")));
    };
    if paid_on > today {
        return Ok(Err(AppError::invalid("paid_on", "paid_on_future")));
    }
    // Read before the write transaction: a version published meanwhile applies to the next payment.
    let policy = state.policies.current(&state.db.pool).await?;
    let mut tx = state.db.begin_write().await?;
    let Some(agreement) = payments::lock_agreement(&mut *tx, reference).await? else {
        return Ok(Err(AppError::NotFound));
    };
    // Money received on a broken plan is still recorded; a finished one owes nothing.
    if !matches!(agreement.status, AgreementStatus::Active | AgreementStatus::Broken) {
        return Ok(Err(AppError::Conflict {
            code: "agreement_not_active".into(),
        }));
    }
    let amount = match parse_amount(input.amount, agreement.currency) {
        Ok(amount) => amount,
        Err(AmountError::Negative) => return Ok(Err(AppError::invalid("amount", "amount_not_positive"))),
        Err(_) => return Ok(Err(AppError::invalid("amount", "amount_invalid"))),
    };
    let schedule = payments::schedule(&mut *tx, agreement.id, agreement.currency).await?;
    let dues: Vec<Due> = schedule.iter().map(|(_, d)| *d).collect();
    let shares = match allocate(&dues, amount) {
        Ok(shares) => shares,
        Err(AllocationError::ExceedsRemaining { .. }) => {
            return Ok(Err(AppError::invalid("amount", "payment_exceeds_remaining")))
        }
        Err(AllocationError::NotPositive) => return Ok(Err(AppError::invalid("amount", "amount_not_positive"))),
        Err(_) => return Ok(Err(AppError::invalid("amount", "amount_invalid"))),
    };
    let payment_id = payments::insert(
        &mut *tx,
        &NewPayment {
            agreement_id: agreement.id,
            external_ref,
            amount,
            paid_on,
            source: input.source,
            recorded_by: collector.id,
        },
    )
    .await?;
    let mut applied = Vec::new();
    let mut after = Vec::with_capacity(dues.len());
    for ((number, due), share) in schedule.iter().zip(&shares) {
        if share.minor > 0 {
            payments::add_paid(&mut *tx, agreement.id, *number, *share).await?;
            applied.push((*number, *share));
        }
        let mut due = *due;
        due.paid.minor += share.minor;
        after.push(due);
    }
    let subject = agreement.account_id.to_string();
    let entry = audit::Entry {
        action: "payment.recorded",
        subject_kind: "account",
        subject_id: subject.clone(),
        detail: serde_json::json!({
            "reference": reference, "payment_id": payment_id, "amount_minor": amount.minor, "paid_on": paid_on.to_string(),
            "external_ref": external_ref, "source": input.source,
            "applied": applied.iter().map(|(n, m)| (n, m.minor)).collect::<Vec<_>>(),
        }),
    };
    audit::append(&mut *tx, viewer, Some(collector), entry).await?;
    let next = match (
        standing(&after, today, policy.grace_days, policy.missed_tolerance),
        agreement.status,
    ) {
        (Standing::Completed, _) => AgreementStatus::Completed,
        (Standing::Broken, AgreementStatus::Active) => AgreementStatus::Broken,
        (_, current) => current,
    };
    if next != agreement.status {
        payments::set_status(&mut *tx, agreement.id, agreement.status, next).await?;
        let entry = audit::Entry {
            action: "agreement.status_changed",
            subject_kind: "account",
            subject_id: subject,
            detail: serde_json::json!({ "reference": reference, "from": agreement.status.code(), "to": next.code() }),
        };
        audit::append(&mut *tx, viewer, Some(collector), entry).await?;
    }
    tx.commit().await?;
    Ok(Ok(PaymentReceipt {
        payment_id,
        applied,
        status: next,
    }))
}

/// Marks broken every active agreement with more misses than the policy tolerates (run when
/// the queue or an agreement is viewed, so status never lags what the schedule shows).
pub async fn sweep_broken(state: &AppState, viewer: &Viewer) -> Result<(), AppError> {
    let today = state.clock.today();
    let policy = state.policy(viewer).await?;
    let missed_before = today
        .checked_sub_days(Days::new(u64::from(policy.grace_days)))
        .unwrap_or(today);
    let due = queue::beyond_tolerance(&state.db.pool, missed_before, policy.missed_tolerance)
        .await
        .map_err(|e| viewer.internal(e))?;
    for (id, account_id, reference) in due {
        let result: Result<(), sqlx::Error> = async {
            let mut tx = state.db.begin_write().await?;
            if payments::set_status(&mut *tx, id, AgreementStatus::Active, AgreementStatus::Broken).await? == 1 {
                let entry = audit::Entry {
                    action: "agreement.status_changed",
                    subject_kind: "account",
                    subject_id: account_id.to_string(),
                    detail: serde_json::json!({ "reference": reference, "from": "active", "to": "broken", "why": "missed_beyond_tolerance" }),
                };
                // The system changed it, not whoever happened to look.
                audit::append(&mut *tx, viewer, None, entry).await?;
            }
            tx.commit().await
        }
        .await;
        result.map_err(|e| viewer.internal(e))?;
    }
    Ok(())
}
