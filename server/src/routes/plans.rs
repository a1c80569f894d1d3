//! The plan form without JavaScript: the same service as the `submit_plan` server function,
//! answered with redirects. A rejected plan goes back to the builder with everything typed.

use app::domain::proposal::RawProposal;
use app::error::AppError;
use app::server::services::plans;
use app::server::{AppState, Viewer};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    idempotency_key: String,
    #[serde(flatten)]
    proposal: RawProposal,
}

fn see_other(location: &str) -> Response {
    super::auth::see_other(location, None)
}

/// Back to the builder with the typed values (and a state error code, if any).
fn back_to_builder(account_id: i64, raw: &RawProposal, error: Option<&str>) -> Response {
    let mut pairs = vec![
        ("down_payment", raw.down_payment.as_str()),
        ("installments", raw.installments.as_str()),
        ("frequency", raw.frequency.as_str()),
        ("first_payment_date", raw.first_payment_date.as_str()),
        ("hardship_reason", raw.hardship_reason.as_deref().unwrap_or_default()),
        ("hardship_note", raw.hardship_note.as_str()),
        ("monthly_income", raw.monthly_income.as_str()),
        ("monthly_expenses", raw.monthly_expenses.as_str()),
    ];
    if let Some(code) = error {
        pairs.push(("error", code));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    see_other(&format!("/accounts/{account_id}/plan?{query}"))
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<PlanForm>,
) -> Response {
    let Ok(account_id) = form.account_id.trim().parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "Unknown account.").into_response();
    };
    let borrower = match viewer.require_borrower() {
        Ok(user) => user.clone(),
        Err(AppError::NotSignedIn) => return see_other("/sign-in?error=expired"),
        Err(_) => return (StatusCode::FORBIDDEN, "Only borrowers propose plans.").into_response(),
    };
    match plans::submit(
        &state,
        &viewer,
        &borrower,
        account_id,
        &form.idempotency_key,
        &form.proposal,
    )
    .await
    {
        Ok(outcome) => see_other(&outcome.location()),
        Err(AppError::PlanRejected { .. }) => back_to_builder(account_id, &form.proposal, None),
        Err(AppError::Conflict { code }) => back_to_builder(account_id, &form.proposal, Some(&code)),
        Err(AppError::Invalid { code, .. }) => back_to_builder(account_id, &form.proposal, Some(&code)),
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, "Unknown account.").into_response(),
        Err(_) => back_to_builder(account_id, &form.proposal, Some("try_again")),
    }
}
