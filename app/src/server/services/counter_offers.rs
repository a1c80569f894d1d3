//! The borrower's side of a counter-offer: read it next to their own plan, accept it (which
//! records the agreement, once) or decline it, before it expires.

use crate::domain::schedule::generate;
use crate::error::AppError;
use crate::model::{AgreementOrigin, CounterOfferStatus, CounterOfferView, CurrentUser, ProposalStatus};
use crate::server::store::accounts;
use crate::server::store::agreements::{self, NewAgreement};
use crate::server::store::audit;
use crate::server::store::counter_offers;
use crate::server::store::proposals::{self, ProposalRow};
use crate::server::{AppState, Viewer};

/// The counter-offer on a proposal, if any, with its schedule; an open one past its date
/// reads as expired.
pub async fn view_for(state: &AppState, row: &ProposalRow) -> Result<Option<CounterOfferView>, String> {
    if row.status != ProposalStatus::Countered {
        return Ok(None);
    }
    let Some(offer) = counter_offers::for_proposal(&state.db.pool, row.id, row.balance.currency)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let schedule = generate(
        row.balance,
        offer.terms.down_payment,
        offer.terms.installments,
        offer.terms.frequency,
        offer.terms.first_payment_date,
    )
    .map_err(|e| format!("stored counter-offer {} no longer schedules: {e:?}", offer.id))?;
    let status = match offer.status {
        CounterOfferStatus::Open if state.clock.today() > offer.expires_on => CounterOfferStatus::Expired,
        other => other,
    };
    Ok(Some(CounterOfferView {
        terms: offer.terms,
        schedule,
        note: offer.note,
        expires_on: offer.expires_on,
        status,
    }))
}

/// Accepts (recording the agreement) or declines the open counter-offer on the borrower's
/// proposal. Returns the agreement reference when accepted.
#[tracing::instrument(skip(state, viewer, borrower), fields(request_id = %viewer.request_id))]
pub async fn answer(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
    proposal_id: i64,
    accept: bool,
) -> Result<Option<String>, AppError> {
    match try_answer(state, viewer, borrower, proposal_id, accept).await {
        Ok(result) => result,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::Conflict {
            code: "agreement_active".into(),
        }),
        Err(e) => Err(viewer.internal(e)),
    }
}

async fn try_answer(
    state: &AppState,
    viewer: &Viewer,
    borrower: &CurrentUser,
    proposal_id: i64,
    accept: bool,
) -> Result<Result<Option<String>, AppError>, sqlx::Error> {
    let today = state.clock.today();
    let mut tx = state.db.begin_write().await?;
    let Some(proposal) = proposals::get(&mut *tx, proposal_id)
        .await?
        .filter(|p| p.borrower_id == borrower.id)
    else {
        return Ok(Err(AppError::NotFound));
    };
    let Some(offer) = counter_offers::for_proposal(&mut *tx, proposal_id, proposal.balance.currency).await? else {
        return Ok(Err(AppError::NotFound));
    };
    let closed = || {
        Ok(Err(AppError::Conflict {
            code: "counter_offer_closed".into(),
        }))
    };
    if offer.status != CounterOfferStatus::Open {
        return closed();
    }
    let subject = proposal.account_id.to_string();
    if today > offer.expires_on {
        if counter_offers::close(&mut *tx, offer.id, CounterOfferStatus::Expired).await? == 1 {
            let entry = audit::Entry {
                action: "counter_offer.expired",
                subject_kind: "account",
                subject_id: subject,
                detail: serde_json::json!({ "proposal_id": proposal_id, "counter_offer_id": offer.id }),
            };
            audit::append(&mut *tx, viewer, None, entry).await?;
            tx.commit().await?;
        }
        return Ok(Err(AppError::Conflict {
            code: "counter_offer_expired".into(),
        }));
    }
    // The borrower may have sent another plan while the offer was open: an agreement from the
    // offer must not land beside it.
    if accept {
        if let Some(block) = accounts::plan_block_locked(&mut tx, proposal.account_id).await? {
            return Ok(Err(AppError::Conflict {
                code: block.code().into(),
            }));
        }
    }
    let status = if accept {
        CounterOfferStatus::Accepted
    } else {
        CounterOfferStatus::Declined
    };
    if counter_offers::close(&mut *tx, offer.id, status).await? == 0 {
        return closed();
    }
    let entry = audit::Entry {
        action: if accept {
            "counter_offer.accepted"
        } else {
            "counter_offer.declined"
        },
        subject_kind: "account",
        subject_id: subject.clone(),
        detail: serde_json::json!({ "proposal_id": proposal_id, "counter_offer_id": offer.id }),
    };
    audit::append(&mut *tx, viewer, Some(borrower), entry).await?;
    let reference = if accept {
        let Ok(schedule) = generate(
            proposal.balance,
            offer.terms.down_payment,
            offer.terms.installments,
            offer.terms.frequency,
            offer.terms.first_payment_date,
        ) else {
            return Ok(Err(
                viewer.internal(format!("counter-offer {} no longer schedules", offer.id))
            ));
        };
        let reference = agreements::insert(
            &mut tx,
            &NewAgreement {
                account_id: proposal.account_id,
                borrower_id: borrower.id,
                proposal_id,
                origin: AgreementOrigin::CounterOffer,
                terms: &offer.terms,
                schedule: &schedule,
                policy_version: &offer.policy_version,
                accepted_by: borrower.id,
                today,
            },
        )
        .await?;
        // The proposal now reads with its agreement: incremental sync must see it again.
        proposals::touch(&mut *tx, proposal_id).await?;
        let entry = audit::Entry {
            action: "agreement.recorded",
            subject_kind: "account",
            subject_id: subject,
            detail: serde_json::json!({ "reference": reference, "origin": "counter_offer", "proposal_id": proposal_id }),
        };
        audit::append(&mut *tx, viewer, Some(borrower), entry).await?;
        Some(reference)
    } else {
        None
    };
    tx.commit().await?;
    Ok(Ok(reference))
}
