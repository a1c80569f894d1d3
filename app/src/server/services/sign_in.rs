//! Signing in and out. Every failure looks the same to the client, whatever went wrong.

use crate::error::AppError;
use crate::model::Role;
use crate::server::auth::{password, session};
use crate::server::store::{audit, users};
use crate::server::{AppState, Viewer};

/// A new session token (and the role) for the user whose login and password match.
pub async fn sign_in(state: &AppState, viewer: &Viewer, login: &str, secret: &str) -> Result<(String, Role), AppError> {
    let login = login.trim();
    let credentials = users::find_credentials(&state.db, login)
        .await
        .map_err(|e| viewer.internal(e))?;
    let (user_id, role, stored) = match credentials {
        Some(c) => (Some(c.user_id), c.role, c.password_hash),
        None => (None, Role::Borrower, None),
    };
    let matches = password::verify(secret.to_owned(), stored).await;
    let Some(user_id) = user_id.filter(|_| matches) else {
        let entry = audit::Entry {
            action: "auth.sign_in_failed",
            subject_kind: "login",
            subject_id: user_id.map_or_else(|| "unknown".to_owned(), |id| id.to_string()),
            detail: serde_json::json!({}),
        };
        audit::append(&state.db.pool, viewer, None, entry)
            .await
            .map_err(|e| viewer.internal(e))?;
        return Err(AppError::invalid("login", "sign_in_failed"));
    };
    let token = session::create(&state.db, user_id, &state.sessions)
        .await
        .map_err(|e| viewer.internal(e))?;
    let entry = audit::Entry {
        action: "auth.signed_in",
        subject_kind: "user",
        subject_id: user_id.to_string(),
        detail: serde_json::json!({}),
    };
    audit::append(&state.db.pool, viewer, None, entry)
        .await
        .map_err(|e| viewer.internal(e))?;
    Ok((token, role))
}

pub async fn sign_out(state: &AppState, viewer: &Viewer, token: &str) -> Result<(), AppError> {
    session::destroy(&state.db, token)
        .await
        .map_err(|e| viewer.internal(e))?;
    if let Some(user) = &viewer.user {
        let entry = audit::Entry {
            action: "auth.signed_out",
            subject_kind: "user",
            subject_id: user.id.to_string(),
            detail: serde_json::json!({}),
        };
        audit::append(&state.db.pool, viewer, None, entry)
            .await
            .map_err(|e| viewer.internal(e))?;
    }
    Ok(())
}
