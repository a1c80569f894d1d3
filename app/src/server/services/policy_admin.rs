//! Supervisors publish plan policy versions: the form's draft is parsed with the rulebook's
//! policy types, stored as a new version (never an edit), and applies to every decision from
//! then on, on every replica. Decisions already taken keep the version they recorded.

use super::review::lender_time;
use crate::domain::policy::draft::{parse_draft, DraftError, DraftProblem, PolicyDraft};
use crate::error::AppError;
use crate::model::supervisor::{PolicyOverview, PolicyVersionLine};
use crate::model::CurrentUser;
use crate::server::store::{audit, policies};
use crate::server::{AppState, Viewer};

/// The policy in force and the history of versions, newest first.
pub async fn overview(state: &AppState, viewer: &Viewer) -> Result<PolicyOverview, AppError> {
    let current = state.policy(viewer).await?;
    let rows = policies::history(&state.db.pool)
        .await
        .map_err(|e| viewer.internal(e))?;
    let newest = rows.first().map(|r| r.id);
    let history = rows
        .into_iter()
        .map(|r| PolicyVersionLine {
            in_force: Some(r.id) == newest,
            version: r.version,
            published_by: r.published_by.unwrap_or_default(),
            published_at: lender_time(r.published_at, state.clock.zone),
        })
        .collect();
    Ok(PolicyOverview {
        current: (*current).clone(),
        history,
    })
}

/// Publishes the draft as a new version; returns its id. Nothing is stored on any error.
#[tracing::instrument(skip(state, viewer, supervisor, draft), fields(request_id = %viewer.request_id))]
pub async fn publish(
    state: &AppState,
    viewer: &Viewer,
    supervisor: &CurrentUser,
    draft: &PolicyDraft,
) -> Result<String, AppError> {
    let current = state.policy(viewer).await?;
    let policy = parse_draft(draft, &current).map_err(|errors| AppError::PolicyRejected { errors })?;
    let body = policy
        .to_toml()
        .ok_or_else(|| viewer.internal("a validated policy could not be written as TOML"))?;
    let result: Result<(), sqlx::Error> = async {
        let mut tx = state.db.begin_write().await?;
        policies::insert(&mut *tx, &policy.version, &body, Some(supervisor.id)).await?;
        let entry = audit::Entry {
            action: "policy.published",
            subject_kind: "policy",
            subject_id: policy.version.clone(),
            detail: serde_json::json!({ "version": policy.version, "previous": current.version }),
        };
        audit::append(&mut *tx, viewer, Some(supervisor), entry).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => Ok(policy.version),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::PolicyRejected {
            errors: vec![DraftError {
                field: "version".into(),
                problem: DraftProblem::VersionTaken,
            }],
        }),
        Err(e) => Err(viewer.internal(e)),
    }
}
