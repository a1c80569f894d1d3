//! What happens to a proposal: auto-approved (within the stage's auto-approve limits and
//! not flagged as unaffordable), sent to a collector with the reasons, or rejected with
//! every error. Each outcome carries the policy version that produced it.

use super::affordability::AffordabilityFlag;
use super::dpd::days_past_due;
use super::money::Money;
use super::policy::PlanPolicy;
use super::proposal::{AccountTerms, HardshipReason, PlanError, PlanProposal, RawProposal};
use super::stage::Stage;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewReason {
    InstallmentsAboveAutoApprove {
        limit: u32,
    },
    TermAboveAutoApprove {
        limit_days: u32,
    },
    DownPaymentBelowAutoApprove {
        min: Money,
    },
    /// The plan costs more per month than the borrower says they have left.
    AffordabilityFlagged {
        disposable: Money,
        monthly_equivalent: Money,
    },
    /// Only when the policy asks for it: declaring hardship alone does not hold a plan back.
    HardshipDeclared {
        reason: HardshipReason,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    AutoApprove,
    NeedsReview { reasons: Vec<ReviewReason> },
    Reject { errors: Vec<PlanError> },
}

impl Decision {
    pub fn code(&self) -> &'static str {
        match self {
            Decision::AutoApprove => "auto_approve",
            Decision::NeedsReview { .. } => "needs_review",
            Decision::Reject { .. } => "reject",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionOutcome {
    pub decision: Decision,
    pub policy_version: String,
    pub dpd: u32,
    pub stage: Option<Stage>,
    /// Present unless rejected.
    pub proposal: Option<PlanProposal>,
}

pub fn decide(raw: &RawProposal, account: &AccountTerms, policy: &PlanPolicy, today: NaiveDate) -> DecisionOutcome {
    let dpd = days_past_due(account.oldest_unpaid_due, today);
    let stage = Stage::from_dpd(dpd, &policy.thresholds);
    let (decision, proposal) = match PlanProposal::parse(raw, account, policy, today) {
        Err(errors) => (Decision::Reject { errors }, None),
        Ok(p) => {
            let reasons = review_reasons(&p, policy);
            let decision = if reasons.is_empty() {
                Decision::AutoApprove
            } else {
                Decision::NeedsReview { reasons }
            };
            (decision, Some(p))
        }
    };
    DecisionOutcome {
        decision,
        policy_version: policy.version.clone(),
        dpd,
        stage,
        proposal,
    }
}

/// Why a valid proposal needs a collector; empty means it can be auto-approved.
pub fn review_reasons(p: &PlanProposal, policy: &PlanPolicy) -> Vec<ReviewReason> {
    let rules = policy.for_stage(p.stage);
    let auto = &rules.auto_approve;
    let mut reasons = Vec::new();
    if p.installments > auto.max_installments {
        reasons.push(ReviewReason::InstallmentsAboveAutoApprove {
            limit: auto.max_installments,
        });
    }
    if p.term_days > auto.max_term_days {
        reasons.push(ReviewReason::TermAboveAutoApprove {
            limit_days: auto.max_term_days,
        });
    }
    match rules.auto_approve_min_down_payment(p.balance) {
        Ok(min) if p.down_payment.minor >= min.minor => {}
        Ok(min) => reasons.push(ReviewReason::DownPaymentBelowAutoApprove { min }),
        // Cannot compute the floor: let a person look rather than approve blindly.
        Err(_) => reasons.push(ReviewReason::DownPaymentBelowAutoApprove { min: p.balance }),
    }
    if let AffordabilityFlag::ExceedsDisposable {
        disposable,
        monthly_equivalent,
    } = p.affordability_flag
    {
        reasons.push(ReviewReason::AffordabilityFlagged {
            disposable,
            monthly_equivalent,
        });
    }
    if let (true, Some(reason)) = (auto.review_if_hardship_declared, p.hardship_reason) {
        reasons.push(ReviewReason::HardshipDeclared { reason });
    }
    reasons
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
