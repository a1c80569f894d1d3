//! Server functions: thin doors from the browser into the services. Each one resolves who is
//! calling and what they may touch before any work, and maps failures once, here.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AccountSummary, HardshipRecord};

#[cfg(feature = "ssr")]
mod edge {
    use crate::error::AppError;
    use crate::server::{AppState, Viewer};

    /// The request's state and viewer, or the error that ends it.
    pub fn context() -> Result<(AppState, Viewer), AppError> {
        Ok((AppState::current()?, Viewer::current()))
    }

    /// Sets the HTTP status from the error kind (the body carries the kind itself).
    pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(error) = &result {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(
                    http::StatusCode::from_u16(error.status())
                        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
        }
        result
    }
}

/// The signed-in borrower's overdue accounts.
#[server(endpoint = "accounts/mine")]
pub async fn my_accounts() -> Result<Vec<AccountSummary>, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let borrower = viewer.require_borrower()?;
            crate::server::services::accounts::overview(&state, &viewer, borrower).await
        }
        .await,
    )
}

/// Records why the borrower fell behind on one of their accounts.
#[server(endpoint = "accounts/hardship")]
pub async fn record_hardship(
    account_id: i64,
    reason: String,
    note: String,
) -> Result<HardshipRecord, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let borrower = viewer.require_borrower()?;
            crate::server::services::accounts::record_hardship(
                &state, &viewer, borrower, account_id, &reason, &note,
            )
            .await
        }
        .await,
    )
}
