//! What every request handler can reach: the database, the plan policy, the lender's clock.

use std::sync::Arc;

use super::clock::LenderClock;
use super::db::Db;
use super::policy_cache::PolicyCache;
use super::Viewer;
use crate::domain::policy::PlanPolicy;
use crate::error::AppError;

/// Cloned for every request (by the router, each middleware layer, the page context): one
/// shared count to bump, where cloning the parts themselves bumped one per database pool and
/// cache (profiled at 5 % of a plain request's time under load).
#[derive(Clone, Debug)]
pub struct AppState(Arc<AppParts>);

#[derive(Debug)]
pub struct AppParts {
    pub db: Db,
    /// The plan policy lives in the database (versioned); this only caches its parsing.
    pub policies: PolicyCache,
    pub clock: LenderClock,
    pub sessions: super::auth::session::SessionSettings,
    /// Limits on failed sign-ins and first-access attempts.
    pub throttle: super::auth::throttle::ThrottleSettings,
    /// Demo mode: the sign-in page shows the demo logins.
    pub demo: bool,
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

impl AppState {
    pub fn new(parts: AppParts) -> AppState {
        AppState(Arc::new(parts))
    }

    /// The plan policy in force: the version read with the request's session, else the newest.
    pub async fn policy(&self, viewer: &Viewer) -> Result<Arc<PlanPolicy>, AppError> {
        let pool = &self.db.pool;
        match viewer.policy_in_force {
            Some(id) => self.policies.version(pool, id).await,
            None => self.policies.current(pool).await,
        }
        .map_err(|e| viewer.internal(e))
    }

    /// The state for server functions and SSR, provided by the router as context.
    pub fn current() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| crate::error::AppError::Internal {
            request_id: "no-state".into(),
        })
    }
}
