//! The first-access forms: prove identity, then choose a password and be signed in. Answers
//! are redirects (post/redirect/get); the proof between the two steps is an HttpOnly cookie
//! scoped to these handlers, never a URL.

use app::error::AppError;
use app::server::auth::session;
use app::server::services::first_access as service;
use app::server::{AppState, Viewer};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;

use super::auth::see_other;
use crate::middleware::cookie;

const TICKET_COOKIE: &str = "rd_first_access";

#[derive(Deserialize)]
pub struct ProofForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    date_of_birth: String,
    #[serde(default)]
    phone_last4: String,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirmation: String,
}

fn ticket_cookie(value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{TICKET_COOKIE}={value}; Path=/auth/first-access; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    )
}

/// The error code and, for a lock, the minutes to wait, as query pairs.
fn error_pairs(error: &AppError) -> Vec<(&'static str, String)> {
    match error {
        AppError::Invalid { code, .. } => {
            let code = code.strip_prefix("first_access_").unwrap_or(code);
            vec![("error", code.to_owned())]
        }
        AppError::TooManyAttempts { minutes } => {
            vec![("error", "locked".into()), ("minutes", minutes.to_string())]
        }
        _ => vec![("error", "unavailable".into())],
    }
}

pub async fn prove(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<ProofForm>,
) -> Response {
    match service::prove_identity(&state, &viewer, &form.reference, &form.date_of_birth, &form.phone_last4).await {
        Ok(ticket) => see_other(
            "/first-access/password",
            Some(ticket_cookie(
                &ticket,
                service::TICKET_VALID_MS / 1000,
                state.sessions.secure_cookie,
            )),
        ),
        Err(error) => {
            // What they typed comes back, except the phone digits (a secret of sorts).
            let mut pairs = error_pairs(&error);
            pairs.push(("reference", form.reference.trim().to_owned()));
            pairs.push(("dob", form.date_of_birth.trim().to_owned()));
            let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
            see_other(&format!("/first-access?{query}"), None)
        }
    }
}

pub async fn choose_password(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let ticket = cookie(&headers, TICKET_COOKIE).unwrap_or_default();
    let outcome = if ticket.is_empty() {
        Err(AppError::invalid("ticket", "first_access_expired"))
    } else {
        service::choose_password(&state, &viewer, ticket, &form.new_password, &form.confirmation).await
    };
    match outcome {
        Ok(token) => {
            // Signing in always starts a fresh session: an old one (if any) ends here.
            if let Some(old) = cookie(&headers, session::COOKIE_NAME) {
                let _ = session::destroy(&state.db, old).await;
            }
            let mut response = see_other("/accounts", Some(session::cookie(&token, &state.sessions)));
            if let Ok(value) = ticket_cookie("", 0, state.sessions.secure_cookie).parse() {
                response.headers_mut().append(axum::http::header::SET_COOKIE, value);
            }
            response
        }
        Err(AppError::Invalid { code, .. }) if code == "first_access_expired" => {
            see_other("/first-access?error=expired", None)
        }
        Err(error) => {
            let query = serde_urlencoded::to_string(error_pairs(&error)).unwrap_or_default();
            see_other(&format!("/first-access/password?{query}"), None)
        }
    }
}
