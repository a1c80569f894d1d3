//! What every request handler can reach: the database, the plan policy, the lender's clock.

use std::sync::Arc;

use super::clock::LenderClock;
use super::db::Db;
use crate::domain::policy::PlanPolicy;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub policy: Arc<PlanPolicy>,
    pub clock: LenderClock,
    pub sessions: super::auth::session::SessionSettings,
    /// Limits on failed sign-ins and first-access attempts.
    pub throttle: super::auth::throttle::ThrottleSettings,
    /// Demo mode: the sign-in page shows the demo logins.
    pub demo: bool,
}

impl AppState {
    /// The state for server functions and SSR, provided by the router as context.
    pub fn current() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| crate::error::AppError::Internal {
            request_id: "no-state".into(),
        })
    }
}
