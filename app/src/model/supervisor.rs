//! Wire types of the supervisor's pages: the audit search and plan policy versions.

use serde::{Deserialize, Serialize};

use crate::domain::policy::PlanPolicy;

/// The audit search's filters exactly as they arrive in the query string (parsed on the server).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// An account reference (e.g. CL-2026-000101): entries about that account.
    pub account: String,
    /// A staff username, a borrower's phone, part of a name, or a role.
    pub actor: String,
    /// An action, or its family with a trailing dot (e.g. `payment.`).
    pub action: String,
    /// First and last day, YYYY-MM-DD in the lender's time zone, both included.
    pub from: String,
    pub to: String,
    /// Words found anywhere in the entry's detail, action or subject.
    pub text: String,
    /// "oldest" for chronological order; newest first otherwise.
    pub order: String,
    pub page: String,
}

impl AuditQuery {
    /// The query string for another page of the same search.
    pub fn with_page(&self, page: u32) -> String {
        let pairs = [
            ("account", self.account.as_str()),
            ("actor", self.actor.as_str()),
            ("action", self.action.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("text", self.text.as_str()),
            ("order", self.order.as_str()),
        ];
        super::collector::query_string(&pairs, page)
    }
}

/// One audit entry as a supervisor reads it. `detail` is the stored JSON, shown as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    /// Lender time, "YYYY-MM-DD HH:MM".
    pub at: String,
    /// The actor's name when known ("" for anonymous visitors and the system).
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    /// For entries about an account, its reference.
    pub account_reference: Option<String>,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// One published policy version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersionLine {
    pub version: String,
    /// Empty for the version stored at start-up.
    pub published_by: String,
    pub published_at: String,
    pub in_force: bool,
}

/// The policy page: what is in force and every version before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyOverview {
    pub current: PlanPolicy,
    pub history: Vec<PolicyVersionLine>,
}
