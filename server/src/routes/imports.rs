//! The payment file upload (multipart form, works without JavaScript): the file is read with a
//! hard size bound, handed to the import service, and the browser is sent to the stored report.
//! A file refused as a whole comes back to the upload page with the reason.

use app::server::services::payment_import::{self, MAX_FILE_BYTES};
use app::server::{AppState, Viewer};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;

use super::collector::{code_of, see_other, with_query, STAFF};
use super::{refusal, refused};

/// The request body may exceed the file bound a little (multipart framing, the form's other
/// fields); anything larger is cut off by axum before it is read.
pub const BODY_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

const PAGE: &str = "/payments/import";

/// The uploaded file's name and bytes, or the code of why it could not be read.
async fn read_file(multipart: &mut Multipart) -> Result<(String, Vec<u8>), &'static str> {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err("file_too_large");
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // Past the body limit axum stops the stream: the file was too large.
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err("file_too_large"),
                Err(_) => return Err("file_unreadable"),
            }
        }
        if name.is_empty() && bytes.is_empty() {
            return Err("file_missing");
        }
        return Ok((name, bytes));
    }
    Err("file_missing")
}

/// The body is read only once the caller is known to be staff: whoever else posts is refused
/// for who they are, whatever they send.
pub async fn upload(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, request: Request) -> Response {
    let collector = match viewer.require_role(STAFF) {
        Ok(user) => user.clone(),
        Err(e) => return refused(&viewer, &e),
    };
    let Ok(mut multipart) = Multipart::from_request(request, &state).await else {
        return with_query(PAGE, &[("error", "file_missing")]);
    };
    let (name, bytes) = match read_file(&mut multipart).await {
        Ok(file) => file,
        Err(code) => return with_query(PAGE, &[("error", code)]),
    };
    match payment_import::import(&state, &viewer, &collector, &name, &bytes).await {
        Ok(id) => see_other(&format!("/payments/imports/{id}")),
        Err(e) => refusal(&viewer, &e).unwrap_or_else(|| with_query(PAGE, &[("error", code_of(&e).as_str())])),
    }
}
