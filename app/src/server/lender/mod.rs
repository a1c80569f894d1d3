//! The lender API's use cases, shared by the HTTP API (`/api/v1`) and the operator commands:
//! API keys, placing accounts, recording payments, and reading proposals and agreements back.
//! Wire types derive `ToSchema`, so the OpenAPI document is generated from the very types the
//! handlers read and write.

pub mod keys;
pub mod payments;
pub mod placement;
pub mod problem;
pub mod sync;

pub use keys::{ApiClient, Scope};
pub use problem::{ApiError, FieldProblem};

/// An instant (Unix ms) as RFC 3339 in UTC with milliseconds, as the API writes every instant.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// SHA-256 of `text`, in lower-case hex.
pub(crate) fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// The request context of an operator command (`server api-key ...`, `server import ...`): the
/// audit trail records the command in place of a request id and "cli" as the address.
pub fn operator_viewer(command: &str) -> crate::server::Viewer {
    crate::server::Viewer {
        request_id: command.to_owned(),
        client_addr: "cli".into(),
        ..crate::server::Viewer::anonymous()
    }
}
