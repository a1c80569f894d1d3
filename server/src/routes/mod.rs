//! Plain HTTP handlers beside the Leptos pages: health probes, the sign-in, sign-out and plan
//! forms, and the language switch.

mod auth;
mod collector;
mod health;
mod language;
mod plans;

use app::server::AppState;
use axum::routing::{get, post};
use axum::Router;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/auth/sign-in", post(auth::sign_in))
        .route("/auth/sign-out", post(auth::sign_out))
        .route("/lang/{code}", get(language::switch))
        .route("/plans/submit", post(plans::submit))
        .route("/queue/{id}/decide", post(collector::decide))
        .route("/proposals/{id}/counter-offer", post(collector::answer_counter_offer))
        .route("/agreements/{reference}/payments", post(collector::record_payment))
        .with_state(state)
}
