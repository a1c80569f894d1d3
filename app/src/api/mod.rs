//! Server functions: thin doors from the browser into the services. Each one resolves who is
//! calling and what they may touch before any work, and maps failures once, here
//! (`edge::finish` sets the HTTP status and audits every refusal).

use leptos::prelude::*;

use crate::domain::proposal::RawProposal;
use crate::error::{AppError, WordedError};
use crate::model::{
    AccountDetail, AccountSummary, AgreementView, AuditRecord, HardshipRecord, PlanContext, ProposalView, SubmitOutcome,
};
use leptos::server_fn::codec::Json;

mod collector;
mod supervisor;
pub use collector::*;
pub use supervisor::*;

#[cfg(feature = "ssr")]
mod edge {
    use crate::error::AppError;
    use crate::server::{AppState, Viewer};

    /// The request's state and viewer, or the error that ends it.
    pub fn context() -> Result<(AppState, Viewer), AppError> {
        Ok((AppState::current()?, Viewer::current()))
    }

    /// Sets the HTTP status from the error kind (the body carries the kind itself) and
    /// records every refusal (not signed in, forbidden, not found) in the audit trail.
    pub async fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(error) = &result {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(
                    http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
            if error.is_refusal() {
                if let Ok((state, viewer)) = context() {
                    let path = leptos::prelude::use_context::<http::request::Parts>()
                        .map(|p| p.uri.path().to_owned())
                        .unwrap_or_default();
                    viewer.audit_refusal(&state.db, &path, error).await;
                }
            }
        }
        result
    }

    /// `finish`, with a failure worded in the viewer's language for an island to show as is.
    pub async fn finish_worded<T>(result: Result<T, AppError>) -> Result<T, crate::error::WordedError> {
        let locale = Viewer::current().locale;
        finish(result)
            .await
            .map_err(|error| crate::error::WordedError::of(&error, locale))
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
    .await
}

/// Records why the borrower fell behind on one of their accounts.
#[server(endpoint = "accounts/hardship")]
pub async fn record_hardship(account_id: i64, reason: String, note: String) -> Result<HardshipRecord, WordedError> {
    edge::finish_worded(
        async {
            let (state, viewer) = edge::context()?;
            let borrower = viewer.require_borrower()?;
            crate::server::services::accounts::record_hardship(&state, &viewer, borrower, account_id, &reason, &note)
                .await
        }
        .await,
    )
    .await
}

/// The latest entries of the audit trail (supervisors only), newest first.
#[server(endpoint = "audit/recent")]
pub async fn recent_audit(limit: u32) -> Result<Vec<AuditRecord>, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            viewer.require_supervisor()?;
            crate::server::store::audit::recent(&state.db, i64::from(limit.clamp(1, 500)))
                .await
                .map_err(|e| viewer.internal(e))
        }
        .await,
    )
    .await
}

/// One of the borrower's accounts with its plan history.
#[server(endpoint = "accounts/detail")]
pub async fn load_account_detail(account_id: i64) -> Result<AccountDetail, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let borrower = viewer.require_borrower()?;
            crate::server::services::accounts::detail(&state, &viewer, borrower, account_id).await
        }
        .await,
    )
    .await
}

/// What the plan builder needs: the account, its balance, the policy and the lender's today.
#[server(endpoint = "plans/context")]
pub async fn load_plan_context(account_id: i64) -> Result<PlanContext, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let borrower = viewer.require_borrower()?;
            crate::server::services::plans::context(&state, &viewer, borrower, account_id).await
        }
        .await,
    )
    .await
}

/// Submits a plan; the same idempotency key always yields the first result.
#[server(endpoint = "plans/submit", input = Json)]
pub async fn submit_plan(
    account_id: i64,
    idempotency_key: String,
    proposal: RawProposal,
) -> Result<SubmitOutcome, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let borrower = viewer.require_borrower()?;
            crate::server::services::plans::submit(&state, &viewer, borrower, account_id, &idempotency_key, &proposal)
                .await
        }
        .await,
    )
    .await
}

/// A proposal, for its borrower or staff.
#[server(endpoint = "plans/proposal")]
pub async fn load_proposal(id: i64) -> Result<ProposalView, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let reader = viewer.require_user()?;
            crate::server::services::plans::proposal(&state, &viewer, reader, id).await
        }
        .await,
    )
    .await
}

/// An agreement with its schedule and adherence, for its borrower or staff.
#[server(endpoint = "plans/agreement")]
pub async fn load_agreement(reference: String) -> Result<AgreementView, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let reader = viewer.require_user()?;
            crate::server::services::plans::agreement(&state, &viewer, reader, &reference).await
        }
        .await,
    )
    .await
}

/// All of the borrower's accounts with their plans and agreements.
#[server(endpoint = "plans/mine")]
pub async fn load_my_plans() -> Result<Vec<AccountDetail>, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let borrower = viewer.require_borrower()?;
            crate::server::services::accounts::all_details(&state, &viewer, borrower).await
        }
        .await,
    )
    .await
}
