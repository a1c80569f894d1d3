//! Every API error is one `ApiError`, answered as `application/problem+json` (RFC 9457) with a
//! stable `type` that links to its entry on the reference page, and the fields at fault.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::keys::Scope;
use crate::error::AppError;

/// One problem with one input field; validation lists them all at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// Where the problem is: a JSON path such as `borrower.phone`, a query parameter, or a CSV column.
    pub field: String,
    /// A stable machine-readable code, e.g. `currency_unknown`.
    pub code: String,
    /// What is wrong and how to fix it, in English.
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem; it links to its description on `/api/v1/docs`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The fields at fault (empty when the problem is not about a field).
    pub errors: Vec<FieldProblem>,
}

/// The kinds of problem the API answers, each with its own `type` URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    MalformedBody,
    UnsupportedMediaType,
    PayloadTooLarge,
    Validation,
    Conflict,
    Internal,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 10] = [
        ProblemKind::Unauthenticated,
        ProblemKind::Forbidden,
        ProblemKind::NotFound,
        ProblemKind::MethodNotAllowed,
        ProblemKind::MalformedBody,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::PayloadTooLarge,
        ProblemKind::Validation,
        ProblemKind::Conflict,
        ProblemKind::Internal,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ProblemKind::Unauthenticated => "unauthenticated",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotFound => "not-found",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::MalformedBody => "malformed-body",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::PayloadTooLarge => "payload-too-large",
            ProblemKind::Validation => "validation",
            ProblemKind::Conflict => "conflict",
            ProblemKind::Internal => "internal",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ProblemKind::Unauthenticated => "Authentication required",
            ProblemKind::Forbidden => "Not allowed",
            ProblemKind::NotFound => "Not found",
            ProblemKind::MethodNotAllowed => "Method not allowed",
            ProblemKind::MalformedBody => "Malformed request",
            ProblemKind::UnsupportedMediaType => "Unsupported media type",
            ProblemKind::PayloadTooLarge => "Request too large",
            ProblemKind::Validation => "Validation failed",
            ProblemKind::Conflict => "Conflict",
            ProblemKind::Internal => "Internal error",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            ProblemKind::Unauthenticated => 401,
            ProblemKind::Forbidden => 403,
            ProblemKind::NotFound => 404,
            ProblemKind::MethodNotAllowed => 405,
            ProblemKind::MalformedBody => 400,
            ProblemKind::UnsupportedMediaType => 415,
            ProblemKind::PayloadTooLarge => 413,
            ProblemKind::Validation => 422,
            ProblemKind::Conflict => 409,
            ProblemKind::Internal => 500,
        }
    }

    /// When a client sees it, and what to do (the reference page shows this).
    pub fn explanation(self) -> &'static str {
        match self {
            ProblemKind::Unauthenticated => {
                "No API key, an unknown one, or a revoked one. Send `Authorization: Bearer <key>`."
            }
            ProblemKind::Forbidden => {
                "The key lacks the scope the operation needs, or the request came from another site."
            }
            ProblemKind::NotFound => "Nothing answers at this path.",
            ProblemKind::MethodNotAllowed => "The path exists, but not with this HTTP method.",
            ProblemKind::MalformedBody => "The body is not JSON (syntax error, truncated, or not UTF-8).",
            ProblemKind::UnsupportedMediaType => "The body must be sent as `Content-Type: application/json`.",
            ProblemKind::PayloadTooLarge => "The body is larger than the operation accepts.",
            ProblemKind::Validation => {
                "The request broke one or more rules; `errors` lists every one with its field and code."
            }
            ProblemKind::Conflict => {
                "The request conflicts with what is stored; `errors` names the field and the rule."
            }
            ProblemKind::Internal => "Something failed on our side; quote the `x-request-id` header when reporting it.",
        }
    }

    pub fn type_uri(self) -> String {
        format!("/api/v1/docs#problem-{}", self.slug())
    }
}

/// Every way an API request can fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// No key, an unknown key or a revoked key: all read alike.
    Unauthenticated,
    MissingScope(Scope),
    CrossSite,
    NotFound,
    MethodNotAllowed,
    MalformedBody(String),
    UnsupportedMediaType,
    PayloadTooLarge {
        limit_bytes: usize,
    },
    Invalid(Vec<FieldProblem>),
    Conflict(FieldProblem),
    Internal {
        request_id: String,
    },
}

impl ApiError {
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> ApiError {
        ApiError::Invalid(vec![FieldProblem::new(field, code, message)])
    }

    pub fn conflict(field: &str, code: &str, message: impl Into<String>) -> ApiError {
        ApiError::Conflict(FieldProblem::new(field, code, message))
    }

    /// A failure on our side: logged with the request id (once), answered without detail.
    pub fn internal(viewer: &crate::server::Viewer, cause: impl std::fmt::Display) -> ApiError {
        let _logged = viewer.internal(cause);
        ApiError::Internal {
            request_id: viewer.request_id.clone(),
        }
    }

    pub fn kind(&self) -> ProblemKind {
        match self {
            ApiError::Unauthenticated => ProblemKind::Unauthenticated,
            ApiError::MissingScope(_) | ApiError::CrossSite => ProblemKind::Forbidden,
            ApiError::NotFound => ProblemKind::NotFound,
            ApiError::MethodNotAllowed => ProblemKind::MethodNotAllowed,
            ApiError::MalformedBody(_) => ProblemKind::MalformedBody,
            ApiError::UnsupportedMediaType => ProblemKind::UnsupportedMediaType,
            ApiError::PayloadTooLarge { .. } => ProblemKind::PayloadTooLarge,
            ApiError::Invalid(_) => ProblemKind::Validation,
            ApiError::Conflict(_) => ProblemKind::Conflict,
            ApiError::Internal { .. } => ProblemKind::Internal,
        }
    }

    pub fn problem(&self) -> Problem {
        let kind = self.kind();
        let (detail, errors) = match self {
            ApiError::Unauthenticated => (
                "Send a valid, unrevoked API key as `Authorization: Bearer <key>`.".to_owned(),
                Vec::new(),
            ),
            ApiError::MissingScope(scope) => (format!("This API key lacks the scope `{}`.", scope.code()), Vec::new()),
            ApiError::CrossSite => ("Requests from another site are refused.".to_owned(), Vec::new()),
            ApiError::NotFound => ("No operation answers at this path.".to_owned(), Vec::new()),
            ApiError::MethodNotAllowed => (
                "This path does not answer this method: see /api/v1/docs.".to_owned(),
                Vec::new(),
            ),
            ApiError::MalformedBody(detail) => (detail.clone(), Vec::new()),
            ApiError::UnsupportedMediaType => (
                "Send the body as JSON with `Content-Type: application/json`.".to_owned(),
                Vec::new(),
            ),
            ApiError::PayloadTooLarge { limit_bytes } => {
                (format!("The body may be at most {limit_bytes} bytes."), Vec::new())
            }
            ApiError::Invalid(errors) => {
                let detail = match errors.len() {
                    1 => "1 problem was found in the request.".to_owned(),
                    n => format!("{n} problems were found in the request."),
                };
                (detail, errors.clone())
            }
            ApiError::Conflict(problem) => (problem.message.clone(), vec![problem.clone()]),
            ApiError::Internal { request_id } => (
                format!("Something failed on our side (request {request_id})."),
                Vec::new(),
            ),
        };
        Problem {
            problem_type: kind.type_uri(),
            title: kind.title().to_owned(),
            status: kind.status(),
            detail,
            errors,
        }
    }

    /// An error from the services the browser also uses, in API terms; `field` renames their
    /// field names to the API's (e.g. `amount` to `amount_minor`).
    pub fn from_app(error: AppError, request_id: &str, field: impl Fn(&str) -> String) -> ApiError {
        match error {
            AppError::Invalid { field: f, code } => {
                let message = message_for(&code);
                ApiError::invalid(&field(&f), &code, message)
            }
            AppError::Conflict { code } => {
                let message = message_for(&code);
                ApiError::conflict("", &code, message)
            }
            AppError::NotFound => ApiError::NotFound,
            AppError::Internal { request_id } => ApiError::Internal { request_id },
            // Sign-in, plan and throttling errors come from services the API does not call.
            other => {
                tracing::error!(request_id, "unexpected error on the API: {other}");
                ApiError::Internal {
                    request_id: request_id.to_owned(),
                }
            }
        }
    }
}

/// English words for the codes the shared services return.
pub fn message_for(code: &str) -> &'static str {
    match code {
        "amount_invalid" => "The amount must be a whole number of minor units, greater than zero.",
        "payment_exceeds_remaining" => "The amount is more than what remains to be paid on the agreement.",
        "currency_mismatch" => "The currency is not the agreement's currency.",
        "paid_on_invalid" => "The payment date must be a date (YYYY-MM-DD) no later than today.",
        "paid_on_future" => "The payment date is after today.",
        "paid_on_before_agreement" => "The payment date is before the agreement was made.",
        "amount_not_positive" => "The amount must be more than zero.",
        "reference_too_long" => "The payment reference is longer than 100 characters.",
        "reference_invalid" => "The payment reference cannot contain control characters.",
        "note_too_long" => "The note is longer than 1,000 characters.",
        "duplicate_payment" => "A payment with this reference was already recorded another way.",
        "agreement_not_active" => "The agreement is completed or superseded: it takes no more payments.",
        _ => "The request could not be applied.",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self == ApiError::Unauthenticated {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"repaydesk\""),
            );
        }
        response
    }
}
