//! CSV downloads of agreements and payments for staff, as attachments with a dated file name.

use app::server::services::exports::{self, Export};
use app::server::{AppState, Viewer};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::collector::STAFF;
use super::{refusal, refused};

pub async fn download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(name): Path<String>,
) -> Response {
    if let Err(e) = viewer.require_role(STAFF) {
        return refused(&viewer, &e);
    }
    let Some(export) = Export::parse(&name) else {
        return (StatusCode::NOT_FOUND, "Not found.").into_response();
    };
    match exports::csv(&state, &viewer, export).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", export.file_name(&state)),
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => refusal(&viewer, &e)
            .unwrap_or_else(|| (StatusCode::INTERNAL_SERVER_ERROR, "Please try again.").into_response()),
    }
}
