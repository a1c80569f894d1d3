//! Who is asking, in which language, under which request id: resolved once per request by the
//! session middleware and read by server functions, pages and handlers.

use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::model::{CurrentUser, Role};

#[derive(Clone, Debug)]
pub struct Viewer {
    pub user: Option<CurrentUser>,
    pub locale: Locale,
    pub request_id: String,
    pub client_addr: String,
    /// The plan policy version in force when the request arrived, read with the session (None:
    /// not read yet, and the policy is read when needed).
    pub policy_in_force: Option<i64>,
}

impl Viewer {
    /// The viewer of the request being served (SSR or server function).
    pub fn current() -> Viewer {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
            .unwrap_or_else(Viewer::anonymous)
    }

    pub fn anonymous() -> Viewer {
        Viewer {
            user: None,
            locale: Locale::En,
            request_id: "-".into(),
            client_addr: "-".into(),
            policy_in_force: None,
        }
    }

    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::NotSignedIn)
    }

    pub fn require_role(&self, allowed: &[Role]) -> Result<&CurrentUser, AppError> {
        let user = self.require_user()?;
        if allowed.contains(&user.role) {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_borrower(&self) -> Result<&CurrentUser, AppError> {
        self.require_role(&[Role::Borrower])
    }

    pub fn require_staff(&self) -> Result<&CurrentUser, AppError> {
        self.require_role(&[Role::Collector, Role::Supervisor])
    }

    pub fn require_supervisor(&self) -> Result<&CurrentUser, AppError> {
        self.require_role(&[Role::Supervisor])
    }

    /// Appends the audit entry for a refused request (not signed in, forbidden, not found).
    /// A failure to record is logged, never shown: the refusal stands either way.
    pub async fn audit_refusal(&self, db: &crate::server::db::Db, what: &str, error: &AppError) {
        let reason = match error {
            AppError::NotSignedIn => "not_signed_in",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            _ => return,
        };
        let entry = crate::server::store::audit::Entry {
            action: "access.refused",
            subject_kind: "endpoint",
            subject_id: what.to_owned(),
            detail: serde_json::json!({ "reason": reason }),
        };
        if let Err(e) = crate::server::store::audit::append_alone(db, self, entry).await {
            tracing::error!(request_id = %self.request_id, "recording a refusal failed: {e}");
        }
    }

    /// Appends an audit entry outside any transaction, the viewer being the actor.
    pub async fn audit(&self, db: &super::db::Db, entry: super::store::audit::Entry<'_>) -> Result<(), AppError> {
        super::store::audit::append_alone(db, self, entry)
            .await
            .map_err(|e| self.internal(e))
    }

    /// Turns an internal failure into the client-safe error, logging the cause once.
    pub fn internal(&self, cause: impl std::fmt::Display) -> AppError {
        tracing::error!(request_id = %self.request_id, "internal error: {cause}");
        AppError::Internal {
            request_id: self.request_id.clone(),
        }
    }
}
