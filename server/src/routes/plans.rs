//! The plan form without JavaScript: the same service as the `submit_plan` server function.
//! An accepted plan redirects to its result; a refused one (and "update preview") is answered
//! with the builder page itself, rendered with everything typed.

use app::domain::proposal::RawProposal;
use app::error::AppError;
use app::model::PlanDraft;
use app::server::services::plans;
use app::server::{AppState, Viewer};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::Response;
use axum::{Extension, Form, Router};
use serde::Deserialize;
use tower::ServiceExt;

use super::refused;

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

/// The Leptos pages as a service, so a form handler can answer with a rendered page.
#[derive(Clone)]
pub struct PageRenderer(pub Router);

/// The builder page rendered in this very response, with the typed values (and the server's
/// objection): a redirect would have to carry them, hardship note and income included, in a URL.
async fn builder_page(
    pages: PageRenderer,
    viewer: &Viewer,
    headers: &HeaderMap,
    account_id: i64,
    draft: PlanDraft,
    status: StatusCode,
) -> Response {
    let mut request = Request::get(format!("/accounts/{account_id}/plan"))
        .body(Body::empty())
        .unwrap_or_default();
    for name in [
        header::COOKIE,
        header::ACCEPT_LANGUAGE,
        HeaderName::from_static("x-request-id"),
    ] {
        if let Some(value) = headers.get(&name) {
            request.headers_mut().insert(name, value.clone());
        }
    }
    request.extensions_mut().insert(viewer.clone());
    request.extensions_mut().insert(draft);
    let mut response = match pages.0.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

fn account_of(viewer: &Viewer, form: &PlanForm) -> Result<i64, Response> {
    form.account_id
        .trim()
        .parse::<i64>()
        .map_err(|_| refused(viewer, &AppError::NotFound))
}

/// Submits the plan; a refusal renders the builder again with everything typed.
pub async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Extension(pages): Extension<PageRenderer>,
    headers: HeaderMap,
    Form(form): Form<PlanForm>,
) -> Response {
    let borrower = match viewer.require_borrower() {
        Ok(user) => user.clone(),
        Err(e) => return refused(&viewer, &e),
    };
    let account_id = match account_of(&viewer, &form) {
        Ok(id) => id,
        Err(response) => return response,
    };
    let error = match plans::submit(
        &state,
        &viewer,
        &borrower,
        account_id,
        &form.idempotency_key,
        &form.proposal,
    )
    .await
    {
        Ok(outcome) => return see_other(&outcome.location()),
        Err(e @ AppError::NotFound) => return refused(&viewer, &e),
        // The builder shows each broken rule beside its field.
        Err(AppError::PlanRejected { .. }) => None,
        Err(e @ (AppError::Conflict { .. } | AppError::Invalid { .. })) => Some(e),
        Err(_) => Some(AppError::Conflict {
            code: "try_again".into(),
        }),
    };
    let draft = PlanDraft {
        raw: form.proposal,
        error,
    };
    builder_page(
        pages,
        &viewer,
        &headers,
        account_id,
        draft,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// "Update preview" without JavaScript: the builder recomputed on the server from what was typed.
pub async fn preview(
    Extension(viewer): Extension<Viewer>,
    Extension(pages): Extension<PageRenderer>,
    headers: HeaderMap,
    Form(form): Form<PlanForm>,
) -> Response {
    if let Err(e) = viewer.require_borrower() {
        return refused(&viewer, &e);
    }
    let account_id = match account_of(&viewer, &form) {
        Ok(id) => id,
        Err(response) => return response,
    };
    let draft = PlanDraft {
        raw: form.proposal,
        error: None,
    };
    builder_page(pages, &viewer, &headers, account_id, draft, StatusCode::OK).await
}
