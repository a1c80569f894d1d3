//! What travels between the server and the browser (and into server-rendered pages).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::consequences::Timeline;
use crate::domain::money::Money;
use crate::domain::proposal::HardshipReason;

/// Who is signed in, as the UI may know it (never a secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub role: Role,
    pub display_name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Borrower,
    Collector,
    Supervisor,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Borrower => "borrower",
            Role::Collector => "collector",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        match code {
            "borrower" => Some(Role::Borrower),
            "collector" => Some(Role::Collector),
            "supervisor" => Some(Role::Supervisor),
            _ => None,
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::Collector | Role::Supervisor)
    }
}

/// The outstanding balance of one account, broken down; `total()` is always the sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub principal: Money,
    pub interest: Money,
    pub fees: Money,
    pub total: Money,
}

/// One overdue account as its borrower sees it on the overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub reference: String,
    pub lender_name: String,
    pub balance: Balance,
    pub as_of: NaiveDate,
    pub timeline: Timeline,
    pub hardship: Option<HardshipRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardshipRecord {
    pub reason: HardshipReason,
    pub note: String,
    pub recorded_on: NaiveDate,
}

/// One line of the audit trail, as a supervisor reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
}
