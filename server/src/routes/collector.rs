//! The collector's forms and the borrower's counter-offer answer without JavaScript: the same
//! services as the server functions, answered with redirects (post/redirect/get). On an error
//! the form's values come back in the query string, so nothing typed is lost.

use app::domain::proposal::RawProposal;
use app::error::AppError;
use app::model::collector::{CollectorDecision, Decided};
use app::model::Role;
use app::server::services::{adherence, counter_offers, review};
use app::server::store::audit::Actor;
use app::server::{AppState, Viewer};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::{refusal, refused};

pub(super) const STAFF: &[Role] = &[Role::Collector, Role::Supervisor];

pub(super) fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_owned())]).into_response()
}

pub(super) fn with_query(path: &str, pairs: &[(&str, &str)]) -> Response {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    see_other(&format!("{path}?{query}"))
}

/// The short code an error travels as in a redirect.
pub(super) fn code_of(error: &AppError) -> String {
    match error {
        AppError::Invalid { code, .. } | AppError::Conflict { code } => code.clone(),
        AppError::PlanRejected { .. } => "plan_rejected".into(),
        AppError::AlreadyDecided { .. } => "already_decided".into(),
        _ => "try_again".into(),
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    expires_on: String,
    #[serde(flatten)]
    terms: RawProposal,
}

pub async fn decide(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i64>,
    Form(form): Form<DecideForm>,
) -> Response {
    let collector = match viewer.require_role(STAFF) {
        Ok(user) => user.clone(),
        Err(e) => return refused(&viewer, &e),
    };
    let decision = match form.decision.as_str() {
        "approve" => CollectorDecision::Approve,
        "reject" => CollectorDecision::Reject {
            reason: form.reason.clone(),
        },
        "counter" => CollectorDecision::CounterOffer {
            terms: form.terms.clone(),
            expires_on: form.expires_on.clone(),
            note: form.note.clone(),
        },
        _ => return (StatusCode::BAD_REQUEST, "Unknown decision.").into_response(),
    };
    let path = format!("/queue/{id}");
    match review::decide(&state, &viewer, &collector, id, &decision).await {
        Ok(Decided::Approved { .. }) => with_query(&path, &[("done", "approved")]),
        Ok(Decided::Rejected) => with_query(&path, &[("done", "rejected")]),
        Ok(Decided::Countered) => with_query(&path, &[("done", "countered")]),
        Err(e) => {
            if let Some(response) = refusal(&viewer, &e) {
                return response;
            }
            let code = code_of(&e);
            let (by, at) = match &e {
                AppError::AlreadyDecided { by, at } => (by.as_str(), at.as_str()),
                _ => ("", ""),
            };
            with_query(
                &path,
                &[
                    ("error", code.as_str()),
                    ("by", by),
                    ("at", at),
                    ("reason", form.reason.as_str()),
                    ("note", form.note.as_str()),
                    ("expires_on", form.expires_on.as_str()),
                    ("down_payment", form.terms.down_payment.as_str()),
                    ("installments", form.terms.installments.as_str()),
                    ("frequency", form.terms.frequency.as_str()),
                    ("first_payment_date", form.terms.first_payment_date.as_str()),
                ],
            )
        }
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    response: String,
}

pub async fn answer_counter_offer(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let borrower = match viewer.require_borrower() {
        Ok(user) => user.clone(),
        Err(e) => return refused(&viewer, &e),
    };
    let accept = match form.response.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return (StatusCode::BAD_REQUEST, "Unknown answer.").into_response(),
    };
    match counter_offers::answer(&state, &viewer, &borrower, id, accept).await {
        Ok(Some(reference)) => see_other(&format!("/agreements/{reference}")),
        Ok(None) => see_other(&format!("/proposals/{id}")),
        // Already answered (a double click) or expired: the page shows where it stands.
        Err(e) => refusal(&viewer, &e).unwrap_or_else(|| see_other(&format!("/proposals/{id}"))),
    }
}

#[derive(Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    external_ref: String,
}

pub async fn record_payment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(reference): Path<String>,
    Form(form): Form<PaymentForm>,
) -> Response {
    let collector = match viewer.require_role(STAFF) {
        Ok(user) => user.clone(),
        Err(e) => return refused(&viewer, &e),
    };
    let input = adherence::PaymentInput {
        amount: adherence::PaymentAmount::Typed(&form.amount),
        paid_on: &form.paid_on,
        external_ref: &form.external_ref,
        source: "form",
    };
    let path = format!("/agreements/{reference}");
    match adherence::record_payment(&state, &viewer, Actor::Person(&collector), &reference, &input).await {
        Ok(_) => with_query(&path, &[("notice", "payment_recorded")]),
        Err(e) => {
            if let Some(response) = refusal(&viewer, &e) {
                return response;
            }
            let code = code_of(&e);
            with_query(
                &path,
                &[
                    ("error", code.as_str()),
                    ("amount", form.amount.as_str()),
                    ("paid_on", form.paid_on.as_str()),
                    ("external_ref", form.external_ref.as_str()),
                ],
            )
        }
    }
}
