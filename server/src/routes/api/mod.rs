//! The lender API, `/api/v1`: JSON in and out, API keys only (sessions count for nothing),
//! every error as problem+json. Each handler carries its OpenAPI description, from which
//! `/api/v1/openapi.json` and the `/api/v1/docs` page are generated.

mod docs;
mod extract;
pub mod openapi;

use app::server::lender::payments::{self, PaymentRequest, PaymentResource};
use app::server::lender::placement::{
    self, AccountPlacement, AccountResource, BatchRequest, BatchResponse, Placement, PlacementOutcome,
};
use app::server::lender::problem::Problem;
use app::server::lender::sync::{self, AgreementPage, ListQuery, ProposalPage};
use app::server::lender::ApiError;
use app::server::AppState;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub use docs::reference_page;
use extract::{AccountsWrite, AgreementsRead, ApiJson, ApiQuery, Caller, PaymentsWrite, ProposalsRead};
pub use openapi::openapi_json;

/// Body limits: generous for real requests, small enough that nobody can exhaust memory.
pub const ACCOUNT_BODY_LIMIT: usize = 64 * 1024;
pub const BATCH_BODY_LIMIT: usize = 2 * 1024 * 1024;
pub const PAYMENT_BODY_LIMIT: usize = 16 * 1024;

/// Place or update one account
///
/// Creates the account under the lender's reference, with its borrower (who can then sign in
/// through first access), or updates its balance, dates and borrower details. Idempotent: the
/// same request again changes nothing and answers `unchanged`. The borrower is matched by phone
/// number; a new account joins an existing borrower only when the date of birth matches too.
#[utoipa::path(
    put,
    path = "/api/v1/accounts/{external_ref}",
    tag = "accounts",
    operation_id = "putAccount",
    params(("external_ref" = String, Path, description = "The lender's reference for the account: 1 to 64 upper-case letters, digits, '-', '_' or '.'.")),
    request_body = AccountPlacement,
    responses(
        (status = 201, description = "The account was created.", body = AccountResource),
        (status = 200, description = "The account existed: it was updated, or was already exactly so (`unchanged`).", body = AccountResource),
        (status = 409, description = "The request contradicts what is stored (currency change, phone or e-mail of another person).", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["accounts:write"]))
)]
pub async fn put_account(
    State(state): State<AppState>,
    caller: Caller<AccountsWrite>,
    external_ref: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<AccountPlacement, ACCOUNT_BODY_LIMIT>,
) -> Result<Response, ApiError> {
    let external_ref = external_ref.map(|Path(r)| r).unwrap_or_default();
    let placement = Placement::parse(&external_ref, &body, "", state.clock.today()).map_err(ApiError::Invalid)?;
    let resource = placement::place(&state.db, &caller.viewer, caller.client.actor(), &placement).await?;
    let status = match resource.outcome {
        PlacementOutcome::Created => StatusCode::CREATED,
        PlacementOutcome::Updated | PlacementOutcome::Unchanged => StatusCode::OK,
    };
    Ok((status, Json(resource)).into_response())
}

/// Place or update up to 1,000 accounts
///
/// Each item is checked and applied on its own, exactly as `PUT /api/v1/accounts/{external_ref}`
/// would: good items are applied, refused ones listed with every problem, in one answer. A
/// reference given twice in one batch is refused the second time.
#[utoipa::path(
    post,
    path = "/api/v1/accounts:batch",
    tag = "accounts",
    operation_id = "batchAccounts",
    request_body = BatchRequest,
    responses(
        (status = 200, description = "What happened to each item, in order.", body = BatchResponse),
    ),
    security(("bearer" = ["accounts:write"]))
)]
pub async fn batch_accounts(
    State(state): State<AppState>,
    caller: Caller<AccountsWrite>,
    ApiJson(body): ApiJson<BatchRequest, BATCH_BODY_LIMIT>,
) -> Result<Json<BatchResponse>, ApiError> {
    let candidates = placement::candidates_of(&body, state.clock.today())?;
    let response = placement::place_all(&state.db, &caller.viewer, caller.client.actor(), candidates).await?;
    Ok(Json(response))
}

/// Record a payment against an agreement
///
/// Applies the amount to the agreement's schedule, oldest installment first, and updates its
/// status (completed when all is paid). Idempotent by `payment_reference`: a replay of the same
/// payment answers the first reply again (same status, same body) and pays nothing twice; the
/// same reference with different values is a conflict. Refusals are not stored, so a corrected
/// request may reuse the reference.
#[utoipa::path(
    post,
    path = "/api/v1/payments",
    tag = "payments",
    operation_id = "recordPayment",
    request_body = PaymentRequest,
    responses(
        (status = 201, description = "The payment was recorded (or this is a replay of it).", body = PaymentResource),
        (status = 409, description = "The reference was used for another payment, or the agreement takes no more payments.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["payments:write"]))
)]
pub async fn record_payment(
    State(state): State<AppState>,
    caller: Caller<PaymentsWrite>,
    ApiJson(body): ApiJson<PaymentRequest, PAYMENT_BODY_LIMIT>,
) -> Result<Response, ApiError> {
    let reply = payments::record(&state, &caller.viewer, &caller.client, &body).await?;
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::CREATED);
    Ok((status, [(header::CONTENT_TYPE, "application/json")], reply.body).into_response())
}

/// List plan proposals
///
/// Proposals in the order they last changed, oldest change first. For incremental sync, keep the
/// `updated_at` of the last item read and pass it as `updated_since` next time (items changed at
/// that very instant come again: deduplicate by `id`).
#[utoipa::path(
    get,
    path = "/api/v1/proposals",
    tag = "proposals",
    operation_id = "listProposals",
    params(ListQuery),
    responses((status = 200, description = "One page of proposals.", body = ProposalPage)),
    security(("bearer" = ["proposals:read"]))
)]
pub async fn list_proposals(
    State(state): State<AppState>,
    caller: Caller<ProposalsRead>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<ProposalPage>, ApiError> {
    sync::proposals(&state.db, &caller.viewer, &query).await.map(Json)
}

/// List agreements
///
/// Agreements with their schedules and what is paid, in the order they last changed (a payment
/// or a status change moves an agreement to the end). Incremental sync works as for proposals.
#[utoipa::path(
    get,
    path = "/api/v1/agreements",
    tag = "agreements",
    operation_id = "listAgreements",
    params(ListQuery),
    responses((status = 200, description = "One page of agreements.", body = AgreementPage)),
    security(("bearer" = ["agreements:read"]))
)]
pub async fn list_agreements(
    State(state): State<AppState>,
    caller: Caller<AgreementsRead>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<AgreementPage>, ApiError> {
    sync::agreements(&state.db, &caller.viewer, &query).await.map(Json)
}

/// Any path under `/api/v1` that no operation answers.
pub async fn unknown_path() -> ApiError {
    ApiError::NotFound
}

/// A known path asked with a method it does not answer.
pub async fn wrong_method() -> ApiError {
    ApiError::MethodNotAllowed
}
