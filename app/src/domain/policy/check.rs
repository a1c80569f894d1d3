//! Consistency checks on a plan policy, reported as data (which stage, which limit).

use super::{PlanPolicy, StagePolicy};
use crate::domain::consequences::ConsequenceKind;
use crate::domain::schedule::MAX_INSTALLMENTS;
use crate::domain::stage::Stage;
use serde::{Deserialize, Serialize};

/// Why a policy could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyError {
    /// The text is not valid TOML or has a wrong type / unknown key; `message` is the
    /// parser's own (policy files are written by operators, not borrowers).
    Syntax {
        message: String,
        line: Option<u32>,
    },
    Invalid {
        problems: Vec<PolicyProblem>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyProblem {
    EmptyVersion,
    /// Needs 2 <= middle_from < late_from (early starts at DPD 1).
    ThresholdsOutOfOrder {
        middle_from: u32,
        late_from: u32,
    },
    /// A consequence from DPD 0 would apply to accounts that are not overdue.
    ConsequenceFromZero {
        kind: ConsequenceKind,
    },
    Stage {
        stage: Stage,
        problem: StageProblem,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageProblem {
    NoFrequencies,
    MaxInstallmentsOutOfRange { max: u32, limit: u32 },
    MaxTermZero,
    NegativeMinInstallment { min: i64 },
    NegativeMinDownPayment { min: i64 },
    PercentAbove100 { percent: u8 },
    FirstPaymentWindowInverted { earliest_days: u32, latest_days: u32 },
    FirstPaymentBeyondTerm { latest_days: u32, max_term_days: u32 },
    AutoApproveInstallmentsAboveMax { auto: u32, max: u32 },
    AutoApproveTermAboveMax { auto: u32, max: u32 },
}

impl PlanPolicy {
    /// All inconsistencies at once, so an operator can fix a file in one pass.
    pub fn validate(&self) -> Result<(), Vec<PolicyProblem>> {
        let mut problems = Vec::new();
        if self.version.trim().is_empty() {
            problems.push(PolicyProblem::EmptyVersion);
        }
        let t = self.thresholds;
        if t.middle_from < 2 || t.middle_from >= t.late_from {
            problems.push(PolicyProblem::ThresholdsOutOfOrder {
                middle_from: t.middle_from,
                late_from: t.late_from,
            });
        }
        for rule in &self.consequences {
            if rule.from_dpd == 0 {
                problems.push(PolicyProblem::ConsequenceFromZero { kind: rule.kind });
            }
        }
        for stage in Stage::ALL {
            for problem in stage_problems(self.for_stage(stage)) {
                problems.push(PolicyProblem::Stage { stage, problem });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

fn stage_problems(s: &StagePolicy) -> Vec<StageProblem> {
    let mut out = Vec::new();
    if s.allowed_frequencies.is_empty() {
        out.push(StageProblem::NoFrequencies);
    }
    if s.max_installments == 0 || s.max_installments > MAX_INSTALLMENTS {
        out.push(StageProblem::MaxInstallmentsOutOfRange {
            max: s.max_installments,
            limit: MAX_INSTALLMENTS,
        });
    }
    if s.max_term_days == 0 {
        out.push(StageProblem::MaxTermZero);
    }
    if s.min_installment < 0 {
        out.push(StageProblem::NegativeMinInstallment { min: s.min_installment });
    }
    if s.min_down_payment_minor < 0 {
        out.push(StageProblem::NegativeMinDownPayment {
            min: s.min_down_payment_minor,
        });
    }
    for percent in [s.min_down_payment_percent, s.auto_approve.min_down_payment_percent] {
        if percent > 100 {
            out.push(StageProblem::PercentAbove100 { percent });
        }
    }
    if s.first_payment_earliest_days > s.first_payment_latest_days {
        out.push(StageProblem::FirstPaymentWindowInverted {
            earliest_days: s.first_payment_earliest_days,
            latest_days: s.first_payment_latest_days,
        });
    }
    if s.first_payment_latest_days > s.max_term_days {
        out.push(StageProblem::FirstPaymentBeyondTerm {
            latest_days: s.first_payment_latest_days,
            max_term_days: s.max_term_days,
        });
    }
    if s.auto_approve.max_installments > s.max_installments {
        out.push(StageProblem::AutoApproveInstallmentsAboveMax {
            auto: s.auto_approve.max_installments,
            max: s.max_installments,
        });
    }
    if s.auto_approve.max_term_days > s.max_term_days {
        out.push(StageProblem::AutoApproveTermAboveMax {
            auto: s.auto_approve.max_term_days,
            max: s.max_term_days,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_out_of_order_are_reported_with_their_values() {
        let mut p = PlanPolicy::default();
        p.thresholds.middle_from = 91;
        let problems = p.validate().unwrap_err();
        assert_eq!(
            problems,
            vec![PolicyProblem::ThresholdsOutOfOrder {
                middle_from: 91,
                late_from: 91
            }]
        );
    }

    #[test]
    fn every_stage_problem_is_reported_not_just_the_first() {
        let mut p = PlanPolicy {
            version: " ".into(),
            ..PlanPolicy::default()
        };
        p.late.allowed_frequencies.clear();
        p.late.max_installments = MAX_INSTALLMENTS + 1;
        p.late.first_payment_earliest_days = 30;
        p.late.first_payment_latest_days = 10;
        p.early.min_installment = -1;
        let problems = p.validate().unwrap_err();
        assert!(problems.contains(&PolicyProblem::EmptyVersion));
        let late = |problem| PolicyProblem::Stage {
            stage: Stage::Late,
            problem,
        };
        assert!(problems.contains(&late(StageProblem::NoFrequencies)));
        assert!(problems.contains(&late(StageProblem::MaxInstallmentsOutOfRange {
            max: MAX_INSTALLMENTS + 1,
            limit: MAX_INSTALLMENTS
        })));
        assert!(problems.contains(&late(StageProblem::FirstPaymentWindowInverted {
            earliest_days: 30,
            latest_days: 10
        })));
        assert!(problems.contains(&PolicyProblem::Stage {
            stage: Stage::Early,
            problem: StageProblem::NegativeMinInstallment { min: -1 }
        }));
    }

    #[test]
    fn max_installments_at_the_hard_limit_is_accepted() {
        let mut p = PlanPolicy::default();
        p.middle.max_installments = MAX_INSTALLMENTS;
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn auto_approve_limits_above_the_stage_limits_are_inconsistent() {
        let mut p = PlanPolicy::default();
        p.early.auto_approve.max_installments = 27;
        let expected = PolicyProblem::Stage {
            stage: Stage::Early,
            problem: StageProblem::AutoApproveInstallmentsAboveMax { auto: 27, max: 26 },
        };
        assert_eq!(p.validate(), Err(vec![expected]));
    }

    #[test]
    fn a_percent_of_101_is_rejected_and_100_accepted() {
        let mut p = PlanPolicy::default();
        p.late.min_down_payment_percent = 100;
        p.late.auto_approve.min_down_payment_percent = 100;
        assert_eq!(p.validate(), Ok(()));
        p.late.min_down_payment_percent = 101;
        let expected = PolicyProblem::Stage {
            stage: Stage::Late,
            problem: StageProblem::PercentAbove100 { percent: 101 },
        };
        assert_eq!(p.validate(), Err(vec![expected]));
    }
}
