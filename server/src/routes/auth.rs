//! The sign-in and sign-out forms. They answer with redirects (post/redirect/get), so a
//! reload never re-posts a password, and they work without JavaScript.

use app::error::AppError;
use app::model::Role;
use app::server::auth::session;
use app::server::services::sign_in as service;
use app::server::{AppState, Viewer};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use crate::middleware::cookie;

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

pub(super) fn see_other(location: &str, set_cookie: Option<String>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_owned())]).into_response();
    if let Some(value) = set_cookie.and_then(|c| c.parse().ok()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

fn back_to_sign_in(error: &str, login: &str) -> Response {
    let query = serde_urlencoded::to_string([("error", error), ("login", login)]).unwrap_or_default();
    see_other(&format!("/sign-in?{query}"), None)
}

fn locked_out(minutes: u32, login: &str) -> Response {
    let minutes = minutes.to_string();
    let query = serde_urlencoded::to_string([("error", "locked"), ("minutes", minutes.as_str()), ("login", login)])
        .unwrap_or_default();
    see_other(&format!("/sign-in?{query}"), None)
}

pub async fn sign_in(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let login = form.login.trim();
    if login.is_empty() || form.password.is_empty() {
        return back_to_sign_in("missing", login);
    }
    // A sign-in always starts a fresh session: the old one (if any) is destroyed first.
    if let Some(old) = cookie(&headers, session::COOKIE_NAME) {
        let _ = session::destroy(&state.db, old).await;
    }
    match service::sign_in(&state, &viewer, login, &form.password).await {
        Ok((token, role)) => {
            let home = if role == Role::Borrower { "/accounts" } else { "/" };
            see_other(home, Some(session::cookie(&token, &state.sessions)))
        }
        Err(AppError::Invalid { .. }) => back_to_sign_in("failed", login),
        Err(AppError::TooManyAttempts { minutes }) => locked_out(minutes, login),
        Err(_) => back_to_sign_in("unavailable", login),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = cookie(&headers, session::COOKIE_NAME) {
        let _ = service::sign_out(&state, &viewer, token).await;
    }
    see_other(
        "/sign-in?notice=signed_out",
        Some(session::clearing_cookie(&state.sessions)),
    )
}
