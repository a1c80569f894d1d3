//! Server functions for supervisors only: the audit search and plan policy versions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::policy::draft::PolicyDraft;
use crate::error::AppError;
use crate::model::supervisor::{AuditPage, AuditQuery, PolicyOverview};

#[cfg(feature = "ssr")]
use super::edge;

/// One page of audit entries matching the filters.
#[server(endpoint = "audit/search", input = Json)]
pub async fn search_audit(query: AuditQuery) -> Result<AuditPage, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            viewer.require_supervisor()?;
            crate::server::services::audit_search::search(&state, &viewer, &query).await
        }
        .await,
    )
    .await
}

/// The plan policy in force and its version history.
#[server(endpoint = "policy/overview")]
pub async fn load_policy() -> Result<PolicyOverview, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            viewer.require_supervisor()?;
            crate::server::services::policy_admin::overview(&state, &viewer).await
        }
        .await,
    )
    .await
}

/// Publishes a new policy version from the form's fields; returns the new version id.
#[server(endpoint = "policy/publish", input = Json)]
pub async fn publish_policy(draft: PolicyDraft) -> Result<String, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let supervisor = viewer.require_supervisor()?;
            crate::server::services::policy_admin::publish(&state, &viewer, supervisor, &draft).await
        }
        .await,
    )
    .await
}
