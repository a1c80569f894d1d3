//! The one error type every server function returns. Clients get a stable kind; internal
//! detail stays in the server log under the request id.

use serde::{Deserialize, Serialize};
use server_fn_error::*;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// No session, or it expired.
    NotSignedIn,
    /// Unknown id, or one the caller may not see: both answer alike, never leaking existence.
    NotFound,
    /// The caller's role may not do this at all.
    Forbidden,
    /// The input broke a rule; `field` names the input, `code` the rule (worded by the UI).
    Invalid { field: String, code: String },
    /// The plan broke the rulebook; every problem is listed (worded by the UI).
    PlanRejected {
        errors: Vec<crate::domain::proposal::PlanError>,
    },
    /// A plan policy draft was refused; every field in error is listed (worded by the UI).
    PolicyRejected {
        errors: Vec<crate::domain::policy::draft::DraftError>,
    },
    /// The request conflicts with the current state (e.g. a plan is already pending).
    Conflict { code: String },
    /// Someone else decided first: who, and when ("YYYY-MM-DD HH:MM", lender time).
    AlreadyDecided { by: String, at: String },
    /// The request could not be read (malformed arguments, wrong types).
    BadRequest { detail: String },
    /// Too many failed attempts: the caller may try again after `minutes`.
    TooManyAttempts { minutes: u32 },
    /// Something failed on our side; the request id finds the log entry.
    Internal { request_id: String },
}

impl AppError {
    pub fn invalid(field: &str, code: &str) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            code: code.to_owned(),
        }
    }

    /// True when the caller was turned away for who they are (audited at the edge).
    pub fn is_refusal(&self) -> bool {
        matches!(self, AppError::NotSignedIn | AppError::Forbidden | AppError::NotFound)
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::Invalid { .. } | AppError::PlanRejected { .. } | AppError::PolicyRejected { .. } => 422,
            AppError::Conflict { .. } | AppError::AlreadyDecided { .. } => 409,
            AppError::BadRequest { .. } => 400,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Internal { .. } => 500,
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::NotSignedIn => f.write_str("not signed in"),
            AppError::NotFound => f.write_str("not found"),
            AppError::Forbidden => f.write_str("forbidden"),
            AppError::Invalid { field, code } => write!(f, "invalid {field}: {code}"),
            AppError::PlanRejected { errors } => {
                let codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
                write!(f, "plan rejected: {}", codes.join(", "))
            }
            AppError::PolicyRejected { errors } => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                write!(f, "policy rejected: {}", fields.join(", "))
            }
            AppError::Conflict { code } => write!(f, "conflict: {code}"),
            AppError::AlreadyDecided { by, at } => write!(f, "already decided by {by} at {at}"),
            AppError::BadRequest { detail } => write!(f, "bad request: {detail}"),
            AppError::TooManyAttempts { minutes } => {
                write!(f, "too many attempts: try again in {minutes} minutes")
            }
            AppError::Internal { request_id } => write!(f, "internal error (request {request_id})"),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Arguments that cannot be read are the caller's fault: answer 400, not the default 500.
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::BAD_REQUEST);
        }
        match value {
            ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::Deserialization(detail) => AppError::BadRequest { detail },
            other => AppError::BadRequest {
                detail: other.to_string(),
            },
        }
    }
}

/// An error as a browser island shows it: worded on the server in the viewer's language. An
/// island that calls a server function gets this instead of `AppError`, so the browser bundle
/// carries neither the error catalogue nor a decoder for the rulebook's error data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordedError {
    /// The HTTP status it was answered with.
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for WordedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.status)
    }
}

impl WordedError {
    /// `error` as the reader sees it: its status, and its message in their language.
    #[cfg(feature = "ssr")]
    pub fn of(error: &AppError, locale: crate::domain::locale::Locale) -> Self {
        WordedError {
            status: error.status(),
            message: crate::components::feedback::error_message(error, locale),
        }
    }
}

impl FromServerFnError for WordedError {
    type Encoder = JsonEncoding;

    /// Arguments the server could not read (worded in the viewer's language), or a call that
    /// never reached the server (the browser knows no language here: both are given).
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        {
            let locale = crate::server::Viewer::current().locale;
            WordedError::of(&AppError::from_server_fn_error(value), locale)
        }
        #[cfg(not(feature = "ssr"))]
        {
            let _ = value;
            WordedError {
                status: 503,
                message: "We could not reach RepayDesk. Check your connection and try again. \
                          无法连接 RepayDesk，请检查网络后重试。"
                    .to_owned(),
            }
        }
    }
}
