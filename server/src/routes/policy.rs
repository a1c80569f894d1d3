//! The supervisor's policy form without JavaScript: publish, then back to the policy page. On
//! an error every typed value returns in the query string (the page re-reads it with the same
//! parser to show each field's problem), so nothing typed is lost.

use std::collections::BTreeMap;

use app::domain::policy::draft::DraftProblem;
use app::error::AppError;
use app::server::services::policy_admin;
use app::server::{AppState, Viewer};
use axum::extract::State;
use axum::response::Response;
use axum::{Extension, Form};

use super::collector::with_query;
use super::{refusal, refused};

const PAGE: &str = "/policy";

pub async fn publish(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(draft): Form<BTreeMap<String, String>>,
) -> Response {
    let supervisor = match viewer.require_supervisor() {
        Ok(user) => user.clone(),
        Err(e) => return refused(&viewer, &e),
    };
    match policy_admin::publish(&state, &viewer, &supervisor, &draft).await {
        Ok(version) => with_query(PAGE, &[("published", version.as_str())]),
        Err(e) => {
            if let Some(response) = refusal(&viewer, &e) {
                return response;
            }
            // The page re-reads the typed values to find every problem but one: a version id
            // already taken is only known here.
            let code = match &e {
                AppError::PolicyRejected { errors }
                    if errors.iter().any(|e| e.problem == DraftProblem::VersionTaken) =>
                {
                    "version"
                }
                AppError::PolicyRejected { .. } => "invalid",
                _ => "try_again",
            };
            let mut pairs: Vec<(&str, &str)> = vec![("error", code)];
            pairs.extend(draft.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            with_query(PAGE, &pairs)
        }
    }
}
