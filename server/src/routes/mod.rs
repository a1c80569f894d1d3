//! Plain HTTP handlers beside the Leptos pages: health probes, the sign-in, sign-out and
//! first-access, plan, collector and policy forms, the payment file upload, the CSV exports,
//! the language switch and the lender API (`api`). `table()` is the one list the router is
//! built from and `server routes` prints, so the access-matrix test sees every endpoint.

pub mod api;
mod auth;
pub mod bench;
mod collector;
mod exports;
mod first_access;
mod health;
mod imports;
mod language;
mod plans;
mod policy;

pub use plans::PageRenderer;

use app::error::AppError;
use app::i18n::T;
use app::server::{AppState, Viewer};
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, on, MethodFilter, MethodRouter};
use axum::Router;

/// Marks a response as an access refusal; the viewer layer records it in the audit trail
/// (one place for every form handler, as `edge::finish` is for the server functions).
#[derive(Clone)]
pub struct Refusal(pub AppError);

/// The answer to a request refused before any work (not signed in, not allowed, not found),
/// in the viewer's language; `None` for an error that is not a refusal.
pub fn refusal(viewer: &Viewer, error: &AppError) -> Option<Response> {
    let mut response = match error {
        AppError::NotSignedIn => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, "/sign-in?error=expired")]).into_response()
        }
        AppError::Forbidden => plain_text(StatusCode::FORBIDDEN, T::ErrorForbidden.get(viewer.locale)),
        AppError::NotFound => plain_text(StatusCode::NOT_FOUND, T::ErrorNotFound.get(viewer.locale)),
        _ => return None,
    };
    response.extensions_mut().insert(Refusal(error.clone()));
    Some(response)
}

/// The answer to a failed `require_*` check (any other error reads as not allowed).
pub fn refused(viewer: &Viewer, error: &AppError) -> Response {
    refusal(viewer, error).unwrap_or_else(|| refused(viewer, &AppError::Forbidden))
}

/// A short plain-text answer for a client that asked outside the pages.
pub fn plain_text(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// One endpoint: its method, its path (axum syntax) and what answers it.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a standard HTTP method");
    Route {
        method,
        path,
        handler: on(filter, handler),
    }
}

/// A lender API operation: a method it does not answer gets a problem document, not a bare 405.
fn api_route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let route = route(method, path, handler);
    Route {
        handler: route.handler.fallback(api::wrong_method),
        ..route
    }
}

pub fn table() -> Vec<Route> {
    vec![
        route(Method::GET, "/healthz", health::healthz),
        route(Method::GET, "/readyz", health::readyz),
        route(Method::POST, "/auth/sign-in", auth::sign_in),
        route(Method::POST, "/auth/sign-out", auth::sign_out),
        route(Method::POST, "/auth/first-access", first_access::prove),
        route(
            Method::POST,
            "/auth/first-access/password",
            first_access::choose_password,
        ),
        route(Method::GET, "/lang/{code}", language::switch),
        route(Method::POST, "/plans/submit", plans::submit),
        route(Method::POST, "/plans/preview", plans::preview),
        route(Method::POST, "/queue/{id}/decide", collector::decide),
        route(
            Method::POST,
            "/proposals/{id}/counter-offer",
            collector::answer_counter_offer,
        ),
        route(
            Method::POST,
            "/agreements/{reference}/payments",
            collector::record_payment,
        ),
        route(
            Method::POST,
            "/payments/import",
            imports::upload.layer(DefaultBodyLimit::max(imports::BODY_LIMIT)),
        ),
        route(Method::GET, "/exports/{name}", exports::download),
        route(Method::POST, "/policy/publish", policy::publish),
        api_route(Method::GET, "/api/v1/openapi.json", api::openapi_json),
        api_route(Method::GET, "/api/v1/docs", api::reference_page),
        api_route(Method::PUT, "/api/v1/accounts/{external_ref}", api::put_account),
        api_route(Method::POST, "/api/v1/accounts:batch", api::batch_accounts),
        api_route(Method::POST, "/api/v1/payments", api::record_payment),
        api_route(Method::GET, "/api/v1/proposals", api::list_proposals),
        api_route(Method::GET, "/api/v1/agreements", api::list_agreements),
        // Listed as GET, answers every method: unknown API paths get a problem document too.
        Route {
            method: Method::GET,
            path: "/api/v1/{*rest}",
            handler: any(api::unknown_path),
        },
    ]
}

pub fn router(state: AppState) -> Router {
    table()
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
        .with_state(state)
}
