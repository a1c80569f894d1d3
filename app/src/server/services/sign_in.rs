//! Signing in and out. Every failure looks the same to the client, whatever went wrong;
//! repeated failures lock the account and the client address for a while (see `throttle`).

use crate::error::AppError;
use crate::model::Role;
use crate::server::auth::throttle::{self, Admission, Attempt, Door, Lock};
use crate::server::auth::{password, session};
use crate::server::db::Tx;
use crate::server::store::{audit, users};
use crate::server::{AppState, Viewer};

/// What throttling counts a login against: the user when known, otherwise the login as typed
/// (so unknown logins lock exactly like known ones and reveal nothing).
fn account_key(user_id: Option<i64>, login: &str) -> String {
    match user_id {
        Some(id) => format!("user:{id}"),
        None => format!("login:{}", login.to_lowercase()),
    }
}

/// Records a lock that has just come into force.
pub(crate) async fn audit_lockout(
    state: &AppState,
    viewer: &Viewer,
    door: Door,
    subject_id: String,
    lock: Lock,
) -> Result<(), AppError> {
    let entry = audit::Entry {
        action: match door {
            Door::SignIn => "auth.locked_out",
            Door::FirstAccess => "auth.first_access_locked_out",
        },
        subject_kind: "login",
        subject_id,
        detail: serde_json::json!({ "locked_by": lock.by.code(), "minutes": lock.minutes }),
    };
    audit::append_alone(&state.db, viewer, entry)
        .await
        .map_err(|e| viewer.internal(e))
}

/// Lets an attempt through the throttle, or refuses it (audited) while its keys are locked.
pub(crate) async fn admit(
    state: &AppState,
    viewer: &Viewer,
    attempt: &Attempt<'_>,
    subject_id: &str,
) -> Result<Admission, AppError> {
    match throttle::admit(&state.db, &state.throttle, attempt)
        .await
        .map_err(|e| viewer.internal(e))?
    {
        Ok(admission) => Ok(admission),
        Err(lock) => {
            let entry = audit::Entry {
                action: match attempt.door {
                    Door::SignIn => "auth.sign_in_throttled",
                    Door::FirstAccess => "auth.first_access_throttled",
                },
                subject_kind: "login",
                subject_id: subject_id.to_owned(),
                detail: serde_json::json!({ "locked_by": lock.by.code() }),
            };
            viewer.audit(&state.db, entry).await?;
            Err(AppError::TooManyAttempts { minutes: lock.minutes })
        }
    }
}

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
    let subject_id = user_id.map_or_else(|| "unknown".to_owned(), |id| id.to_string());
    let account = account_key(user_id, login);
    let attempt = Attempt {
        door: Door::SignIn,
        account: &account,
        address: &viewer.client_addr,
    };
    let admission = admit(state, viewer, &attempt, &subject_id).await?;
    let matches = password::verify(secret.to_owned(), stored).await;
    let Some(user_id) = user_id.filter(|_| matches) else {
        let entry = audit::Entry::login_event("auth.sign_in_failed", subject_id.clone());
        viewer.audit(&state.db, entry).await?;
        let lock = admission
            .failed(&state.db, &state.throttle, &attempt)
            .await
            .map_err(|e| viewer.internal(e))?;
        if let Some(lock) = lock {
            audit_lockout(state, viewer, Door::SignIn, subject_id, lock).await?;
            return Err(AppError::TooManyAttempts { minutes: lock.minutes });
        }
        return Err(AppError::invalid("login", "sign_in_failed"));
    };
    // The throttle's release, the session and its audit entry commit together (one commit,
    // one sync to disk).
    let signed_in = async {
        let mut tx = state.db.begin_write().await?;
        admission.succeeded(&mut tx, &attempt).await?;
        let token = start_session(&mut tx, state, viewer, user_id).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(token)
    };
    let token = signed_in.await.map_err(|e| viewer.internal(e))?;
    Ok((token, role))
}

/// Creates a session for a user who has just proved who they are, with its audit entry, in
/// the caller's write transaction.
pub(crate) async fn start_session(
    tx: &mut Tx,
    state: &AppState,
    viewer: &Viewer,
    user_id: i64,
) -> Result<String, sqlx::Error> {
    let token = session::create(tx, user_id, &state.sessions).await?;
    let entry = audit::Entry::user_event("auth.signed_in", user_id);
    audit::append(&mut **tx, viewer, None, entry).await?;
    Ok(token)
}

pub async fn sign_out(state: &AppState, viewer: &Viewer, token: &str) -> Result<(), AppError> {
    session::destroy(&state.db, token)
        .await
        .map_err(|e| viewer.internal(e))?;
    if let Some(user) = &viewer.user {
        let entry = audit::Entry::user_event("auth.signed_out", user.id);
        viewer.audit(&state.db, entry).await?;
    }
    Ok(())
}
