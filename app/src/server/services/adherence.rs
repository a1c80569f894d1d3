//! Adherence: payments recorded against an agreement's schedule, and the agreement's status
//! following from them (completed when all is paid, broken beyond the policy's tolerance).

use chrono::Days;

use crate::domain::allocation::{allocate, standing, AllocationError, Due, Standing};
use crate::domain::money::{parse_amount, AmountError, Currency, Money};
use crate::domain::proposal::parse_date;
use crate::error::AppError;
use crate::model::collector::PaymentReceipt;
use crate::model::AgreementStatus;
use crate::server::db::Tx;
use crate::server::store::audit::{self, Actor};
use crate::server::store::payments::{self, NewPayment};
use crate::server::store::queue;
use crate::server::{AppState, Viewer};

const MAX_REF_CHARS: usize = 100;

/// How much was paid: typed into a form (parsed in the agreement's currency), or exact minor
/// units with their currency from the lender's system (which must be the agreement's).
#[derive(Clone, Copy, Debug)]
pub enum PaymentAmount<'a> {
    Typed(&'a str),
    Exact(Money),
}

/// What the form, the file or the lender's system says about one payment.
pub struct PaymentInput<'a> {
    pub amount: PaymentAmount<'a>,
    pub paid_on: &'a str,
    pub external_ref: &'a str,
    /// "form", "import" or "api".
    pub source: &'a str,
}

/// Records one payment and applies it to the schedule, in one transaction.
#[tracing::instrument(skip(state, viewer, recorder, input), fields(request_id = %viewer.request_id))]
pub async fn record_payment(
    state: &AppState,
    viewer: &Viewer,
    recorder: Actor<'_>,
    reference: &str,
    input: &PaymentInput<'_>,
) -> Result<PaymentReceipt, AppError> {
    let outcome = async {
        let mut tx = state.db.begin_write().await?;
        let receipt = apply_payment(&mut tx, state, viewer, recorder, reference, input).await?;
        if receipt.is_ok() {
            tx.commit().await?;
        }
        Ok(receipt)
    }
    .await;
    outcome.unwrap_or_else(|e| Err(storage_error(viewer, e)))
}

/// A storage failure while recording a payment: a reused payment reference is the caller's
/// conflict, anything else ours.
pub fn storage_error(viewer: &Viewer, error: sqlx::Error) -> AppError {
    match error {
        sqlx::Error::Database(e) if e.is_unique_violation() => AppError::Conflict {
            code: "duplicate_payment".into(),
        },
        e => viewer.internal(e),
    }
}

fn parse_amount_for(amount: PaymentAmount<'_>, currency: Currency) -> Result<Money, AppError> {
    match amount {
        PaymentAmount::Typed(text) => parse_amount(text, currency).map_err(|e| match e {
            AmountError::Negative => AppError::invalid("amount", "amount_not_positive"),
            _ => AppError::invalid("amount", "amount_invalid"),
        }),
        PaymentAmount::Exact(money) if money.currency != currency => {
            Err(AppError::invalid("currency", "currency_mismatch"))
        }
        PaymentAmount::Exact(money) if money.minor <= 0 || money.minor > Money::MAX_TYPED_MINOR => {
            Err(AppError::invalid("amount", "amount_invalid"))
        }
        PaymentAmount::Exact(money) => Ok(money),
    }
}

/// Applies one payment inside `tx`: checks, allocation over the schedule, the agreement's new
/// status and the audit entries. The caller commits on success and must not on a refusal (the
/// agreement row was already touched to lock it).
pub async fn apply_payment(
    tx: &mut Tx,
    state: &AppState,
    viewer: &Viewer,
    recorder: Actor<'_>,
    reference: &str,
    input: &PaymentInput<'_>,
) -> Result<Result<PaymentReceipt, AppError>, sqlx::Error> {
    let today = state.clock.today();
    let external_ref = Some(input.external_ref.trim()).filter(|r| !r.is_empty());
    if external_ref.is_some_and(|r| r.chars().count() > MAX_REF_CHARS) {
        return Ok(Err(AppError::invalid("external_ref", "reference_too_long")));
    }
    if external_ref.is_some_and(|r| r.chars().any(char::is_control)) {
        return Ok(Err(AppError::invalid("external_ref", "reference_invalid")));
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
    let Some(agreement) = payments::lock_agreement(&mut **tx, reference).await? else {
        return Ok(Err(AppError::NotFound));
    };
    // Nothing is paid towards a plan before it exists. (`min` keeps a clock pinned to an
    // earlier day, as in demonstrations, able to record payments dated on it.)
    if paid_on < state.clock.date_of_ms(agreement.accepted_at).min(today) {
        return Ok(Err(AppError::invalid("paid_on", "paid_on_before_agreement")));
    }
    // Money received on a broken plan is still recorded; a finished one owes nothing.
    if !matches!(agreement.status, AgreementStatus::Active | AgreementStatus::Broken) {
        return Ok(Err(AppError::Conflict {
            code: "agreement_not_active".into(),
        }));
    }
    let amount = match parse_amount_for(input.amount, agreement.currency) {
        Ok(amount) => amount,
        Err(e) => return Ok(Err(e)),
    };
    let schedule = payments::schedule(&mut **tx, agreement.id, agreement.currency).await?;
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
        &mut **tx,
        &NewPayment {
            agreement_id: agreement.id,
            external_ref,
            amount,
            paid_on,
            source: input.source,
            recorded_by: match recorder {
                Actor::Person(user) => Some(user.id),
                _ => None,
            },
        },
    )
    .await?;
    let mut applied = Vec::new();
    let mut after = Vec::with_capacity(dues.len());
    for ((number, due), share) in schedule.iter().zip(&shares) {
        if share.minor > 0 {
            payments::add_paid(&mut **tx, agreement.id, *number, *share).await?;
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
    audit::append_by(&mut **tx, viewer, recorder, entry).await?;
    // Read in the transaction: waiting for a second pooled connection while holding this one
    // (and the agreement's row lock) can starve the pool under concurrent payments.
    let policy = state.policies.current_in(tx).await?;
    let next = match (
        standing(&after, today, policy.grace_days, policy.missed_tolerance),
        agreement.status,
    ) {
        (Standing::Completed, _) => AgreementStatus::Completed,
        (Standing::Broken, AgreementStatus::Active) => AgreementStatus::Broken,
        (_, current) => current,
    };
    if next != agreement.status {
        payments::set_status(&mut **tx, agreement.id, agreement.status, next).await?;
        let entry = audit::Entry {
            action: "agreement.status_changed",
            subject_kind: "account",
            subject_id: subject,
            detail: serde_json::json!({ "reference": reference, "from": agreement.status.code(), "to": next.code() }),
        };
        audit::append_by(&mut **tx, viewer, recorder, entry).await?;
    }
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
