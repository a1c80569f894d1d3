//! What travels between the server and the browser (and into server-rendered pages).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::consequences::Timeline;
use crate::domain::locale::LocalTime;
use crate::domain::money::Money;
use crate::domain::proposal::HardshipReason;
use crate::error::AppError;

pub mod collector;
pub mod supervisor;

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
    /// The plan or agreement in progress on this account, if any.
    pub in_progress: Option<PlanHistoryItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardshipRecord {
    pub reason: HardshipReason,
    pub note: String,
    #[serde(with = "crate::domain::iso_date")]
    pub recorded_on: NaiveDate,
}

/// What a borrower needs to build a plan for one account, computed on the server with the
/// lender's "today" so the browser previews exactly what the server will decide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanContext {
    pub account: AccountSummary,
    pub terms: crate::domain::proposal::AccountTerms,
    pub policy: crate::domain::policy::PlanPolicy,
    pub today: NaiveDate,
    /// Set when a new proposal cannot be made now, and why.
    pub blocked: Option<PlanBlock>,
}

/// A plan form sent without JavaScript that comes back to the builder (a rejected plan, or
/// "update preview"): the typed values and the server's objection, handed to the page being
/// rendered in the same response so nothing typed travels in a URL.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanDraft {
    pub raw: crate::domain::proposal::RawProposal,
    pub error: Option<AppError>,
}

/// What the islands that run the rulebook (the plan builder, the counter-offer preview) need and
/// no more: island props travel in the page as JSON, and the browser bundle carries a decoder
/// for every type in them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuilderSetup {
    pub account_id: i64,
    pub terms: crate::domain::proposal::AccountTerms,
    pub policy: crate::domain::policy::PlanPolicy,
    #[serde(with = "crate::domain::iso_date")]
    pub today: NaiveDate,
}

impl From<&PlanContext> for BuilderSetup {
    fn from(ctx: &PlanContext) -> Self {
        BuilderSetup {
            account_id: ctx.account.id,
            terms: ctx.terms,
            policy: ctx.policy.clone(),
            today: ctx.today,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanBlock {
    ActiveAgreement { reference: String },
    PendingProposal { proposal_id: i64 },
}

impl PlanBlock {
    /// The conflict code a submission for a blocked account is refused with.
    pub fn code(&self) -> &'static str {
        match self {
            PlanBlock::ActiveAgreement { .. } => "agreement_active",
            PlanBlock::PendingProposal { .. } => "proposal_pending",
        }
    }
}

/// The server's answer to a submitted plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubmitOutcome {
    /// Within policy: the agreement exists now.
    AgreementRecorded { reference: String },
    /// Outside the auto-approve limits: a collector decides.
    SentForReview { proposal_id: i64 },
}

impl SubmitOutcome {
    /// Where the borrower reads the result.
    pub fn location(&self) -> String {
        match self {
            SubmitOutcome::AgreementRecorded { reference } => format!("/agreements/{reference}"),
            SubmitOutcome::SentForReview { proposal_id } => format!("/proposals/{proposal_id}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalStatus {
    Pending,
    AutoApproved,
    Approved,
    Rejected,
    Countered,
    Superseded,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgreementStatus {
    Active,
    Completed,
    Broken,
    Superseded,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgreementOrigin {
    SelfService,
    CollectorApproval,
    CounterOffer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CounterOfferStatus {
    Open,
    Accepted,
    Declined,
    Expired,
}

macro_rules! codes {
    ($ty:ident { $($variant:ident => $code:literal),* $(,)? }) => {
        impl $ty {
            pub fn code(self) -> &'static str {
                match self { $($ty::$variant => $code),* }
            }
            pub fn parse(code: &str) -> Option<$ty> {
                match code { $($code => Some($ty::$variant),)* _ => None }
            }
        }
    };
}

codes!(ProposalStatus { Pending => "pending", AutoApproved => "auto_approved", Approved => "approved", Rejected => "rejected", Countered => "countered", Superseded => "superseded" });
codes!(AgreementStatus { Active => "active", Completed => "completed", Broken => "broken", Superseded => "superseded" });
codes!(AgreementOrigin { SelfService => "self_service", CollectorApproval => "collector_approval", CounterOffer => "counter_offer" });
codes!(CounterOfferStatus { Open => "open", Accepted => "accepted", Declined => "declined", Expired => "expired" });

/// The terms of a plan as agreed or proposed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTerms {
    pub down_payment: Money,
    pub installments: u32,
    pub frequency: crate::domain::policy::Frequency,
    pub first_payment_date: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterOfferView {
    pub terms: PlanTerms,
    pub schedule: crate::domain::schedule::Schedule,
    pub note: String,
    pub expires_on: NaiveDate,
    pub status: CounterOfferStatus,
}

/// A proposal as its borrower (or a collector) reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub account_id: i64,
    pub account_reference: String,
    pub lender_name: String,
    pub status: ProposalStatus,
    pub terms: PlanTerms,
    pub schedule: crate::domain::schedule::Schedule,
    pub review_reasons: Vec<crate::domain::decision::ReviewReason>,
    pub affordability: crate::domain::affordability::AffordabilityFlag,
    pub hardship_reason: Option<HardshipReason>,
    pub hardship_note: String,
    pub submitted_on: NaiveDate,
    pub decision_note: Option<String>,
    pub counter_offer: Option<CounterOfferView>,
    pub agreement_reference: Option<String>,
    pub policy_version: String,
}

pub use crate::domain::adherence::InstallmentState;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallmentView {
    /// 0 is the down payment.
    pub number: u32,
    pub due: NaiveDate,
    pub amount: Money,
    pub paid: Money,
    pub state: InstallmentState,
}

/// An agreement: immutable terms and schedule, with adherence marks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementView {
    pub reference: String,
    pub account_id: i64,
    pub account_reference: String,
    pub lender_name: String,
    pub borrower_name: String,
    pub status: AgreementStatus,
    pub origin: AgreementOrigin,
    pub terms: PlanTerms,
    pub total: Money,
    pub installments: Vec<InstallmentView>,
    pub policy_version: String,
    /// When the agreement was accepted, on the lender's clock.
    pub accepted_at: LocalTime,
    /// The lender's today, against which the marks were computed.
    pub today: NaiveDate,
}

/// One line of an account's plan history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanHistoryItem {
    Proposal {
        id: i64,
        status: ProposalStatus,
        submitted_on: NaiveDate,
        terms: PlanTerms,
    },
    Agreement {
        reference: String,
        status: AgreementStatus,
        accepted_on: NaiveDate,
        terms: PlanTerms,
        total: Money,
    },
}

/// The account page: the summary plus its plan history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountDetail {
    pub account: AccountSummary,
    pub history: Vec<PlanHistoryItem>,
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
