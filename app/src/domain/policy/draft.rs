//! A supervisor's edit of the per-stage limits, as typed in the policy form, and its parsing
//! into a new `PlanPolicy`: every field is read (numbers, amounts, percentages, checkboxes),
//! then the whole policy is checked with `PlanPolicy::validate`, and every problem is tied to
//! the form field that causes it, so the form can show each one beside its input.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Frequency, PlanPolicy, PolicyProblem, StagePolicy, StageProblem};
use crate::domain::money::{parse_amount, AmountError, Currency, Money};
use crate::domain::stage::Stage;

/// Longest version id accepted.
pub const MAX_VERSION_CHARS: usize = 40;

/// The number fields of one stage, by form name (`{stage}.{name}`) and what bounds them.
pub const NUMBER_FIELDS: [(&str, u32, u32); 7] = [
    ("max_installments", 1, crate::domain::schedule::MAX_INSTALLMENTS),
    ("max_term_days", 1, 3660),
    ("min_down_payment_percent", 0, 100),
    ("first_payment_earliest_days", 0, 365),
    ("first_payment_latest_days", 0, 365),
    ("auto_max_installments", 0, crate::domain::schedule::MAX_INSTALLMENTS),
    ("auto_max_term_days", 0, 3660),
];
/// Amount fields, typed in major units of the account currency ("100.00").
pub const AMOUNT_FIELDS: [&str; 2] = ["min_installment", "min_down_payment"];
/// Checkbox fields: present (any value) means ticked.
pub const CHECK_FIELDS: [&str; 2] = ["allow_smaller_final_installment", "auto_review_if_hardship"];
const AUTO_PERCENT: (&str, u32, u32) = ("auto_min_down_payment_percent", 0, 100);

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftProblem {
    Required,
    NotAWholeNumber,
    OutOfRange {
        min: u32,
        max: u32,
    },
    Amount(AmountError),
    /// Letters, digits, `.`, `-` and `_` only, at most `MAX_VERSION_CHARS`.
    VersionFormat,
    /// A version with this id was already published.
    VersionTaken,
    /// The stage's limits contradict each other (the rulebook's own check).
    Inconsistent(StageProblem),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftError {
    /// The form field's name, e.g. `late.max_installments` or `version`.
    pub field: String,
    pub problem: DraftProblem,
}

/// The form's values by field name, exactly as typed.
pub type PolicyDraft = BTreeMap<String, String>;

pub fn field(stage: Stage, name: &str) -> String {
    format!("{}.{name}", stage.code())
}

fn amount_text(minor: i64) -> String {
    Money::new(minor, Currency::CNY).to_plain_string()
}

/// The form filled with a policy's values (the version left empty: a new one must be named).
pub fn draft_of(policy: &PlanPolicy) -> PolicyDraft {
    let mut draft = PolicyDraft::new();
    for stage in Stage::ALL {
        let s = policy.for_stage(stage);
        let numbers = [
            s.max_installments,
            s.max_term_days,
            u32::from(s.min_down_payment_percent),
            s.first_payment_earliest_days,
            s.first_payment_latest_days,
            s.auto_approve.max_installments,
            s.auto_approve.max_term_days,
        ];
        for ((name, _, _), value) in NUMBER_FIELDS.iter().zip(numbers) {
            draft.insert(field(stage, name), value.to_string());
        }
        draft.insert(
            field(stage, AUTO_PERCENT.0),
            s.auto_approve.min_down_payment_percent.to_string(),
        );
        draft.insert(field(stage, "min_installment"), amount_text(s.min_installment));
        draft.insert(field(stage, "min_down_payment"), amount_text(s.min_down_payment_minor));
        for f in &s.allowed_frequencies {
            draft.insert(field(stage, f.code()), "on".into());
        }
        if s.allow_smaller_final_installment {
            draft.insert(field(stage, CHECK_FIELDS[0]), "on".into());
        }
        if s.auto_approve.review_if_hardship_declared {
            draft.insert(field(stage, CHECK_FIELDS[1]), "on".into());
        }
    }
    draft
}

/// Reads the draft on top of `base` (what the form does not edit, such as the stage
/// thresholds, carries over). All problems are returned at once.
pub fn parse_draft(draft: &PolicyDraft, base: &PlanPolicy) -> Result<PlanPolicy, Vec<DraftError>> {
    let mut errors = Vec::new();
    let mut policy = base.clone();
    let text = |name: &str| draft.get(name).map(|v| v.trim()).unwrap_or_default();
    let version = text("version");
    let version_ok = !version.is_empty()
        && version.chars().count() <= MAX_VERSION_CHARS
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if version.is_empty() {
        errors.push(error("version", DraftProblem::Required));
    } else if !version_ok {
        errors.push(error("version", DraftProblem::VersionFormat));
    }
    policy.version = version.to_owned();
    for stage in Stage::ALL {
        let mut number = |name: &str, min: u32, max: u32| -> u32 {
            let key = field(stage, name);
            let raw = text(&key);
            match raw.parse::<u32>() {
                _ if raw.is_empty() => errors.push(error(&key, DraftProblem::Required)),
                Ok(n) if (min..=max).contains(&n) => return n,
                Ok(_) => errors.push(error(&key, DraftProblem::OutOfRange { min, max })),
                Err(_) => errors.push(error(&key, DraftProblem::NotAWholeNumber)),
            }
            0
        };
        let [max_inst, max_term, pct, earliest, latest, auto_inst, auto_term] =
            NUMBER_FIELDS.map(|(name, min, max)| number(name, min, max));
        let auto_pct = number(AUTO_PERCENT.0, AUTO_PERCENT.1, AUTO_PERCENT.2);
        let mut amount = |name: &str| -> i64 {
            let key = field(stage, name);
            match parse_amount(text(&key), Currency::CNY) {
                Ok(m) => m.minor,
                Err(e) => {
                    errors.push(error(&key, DraftProblem::Amount(e)));
                    0
                }
            }
        };
        let [min_installment, min_down] = AMOUNT_FIELDS.map(&mut amount);
        let ticked = |name: &str| draft.contains_key(&field(stage, name));
        let s: &mut StagePolicy = policy.for_stage_mut(stage);
        s.max_installments = max_inst;
        s.max_term_days = max_term;
        s.min_down_payment_percent = u8::try_from(pct).unwrap_or(u8::MAX);
        s.first_payment_earliest_days = earliest;
        s.first_payment_latest_days = latest;
        s.auto_approve.max_installments = auto_inst;
        s.auto_approve.max_term_days = auto_term;
        s.auto_approve.min_down_payment_percent = u8::try_from(auto_pct).unwrap_or(u8::MAX);
        s.min_installment = min_installment;
        s.min_down_payment_minor = min_down;
        s.allowed_frequencies = Frequency::ALL.into_iter().filter(|f| ticked(f.code())).collect();
        s.allow_smaller_final_installment = ticked(CHECK_FIELDS[0]);
        s.auto_approve.review_if_hardship_declared = ticked(CHECK_FIELDS[1]);
    }
    // Consistency is only judged on fields that were read; a field already in error has one message.
    if let Err(problems) = policy.validate() {
        for problem in problems {
            let Some(e) = problem_field(&problem) else { continue };
            if !errors.iter().any(|known| known.field == e.field) {
                errors.push(e);
            }
        }
    }
    if errors.is_empty() {
        Ok(policy)
    } else {
        Err(errors)
    }
}

fn error(field: &str, problem: DraftProblem) -> DraftError {
    DraftError {
        field: field.to_owned(),
        problem,
    }
}

/// The form field a consistency problem belongs to (problems outside the form have none).
fn problem_field(problem: &PolicyProblem) -> Option<DraftError> {
    let PolicyProblem::Stage { stage, problem } = problem else {
        return match problem {
            PolicyProblem::EmptyVersion => Some(error("version", DraftProblem::Required)),
            _ => None,
        };
    };
    let name = match problem {
        StageProblem::NoFrequencies => "frequencies",
        StageProblem::MaxInstallmentsOutOfRange { .. } => "max_installments",
        StageProblem::MaxTermZero => "max_term_days",
        StageProblem::NegativeMinInstallment { .. } => "min_installment",
        StageProblem::NegativeMinDownPayment { .. } => "min_down_payment",
        StageProblem::PercentAbove100 { .. } => "min_down_payment_percent",
        StageProblem::FirstPaymentWindowInverted { .. } => "first_payment_earliest_days",
        StageProblem::FirstPaymentBeyondTerm { .. } => "first_payment_latest_days",
        StageProblem::AutoApproveInstallmentsAboveMax { .. } => "auto_max_installments",
        StageProblem::AutoApproveTermAboveMax { .. } => "auto_max_term_days",
    };
    Some(error(&field(*stage, name), DraftProblem::Inconsistent(problem.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_of_a_policy_reads_back_as_that_policy_under_a_new_version() {
        let base = PlanPolicy::default();
        let mut draft = draft_of(&base);
        draft.insert("version".into(), "2026-12-a".into());
        let parsed = parse_draft(&draft, &base).unwrap();
        assert_eq!(
            parsed,
            PlanPolicy {
                version: "2026-12-a".into(),
                ..base
            }
        );
    }

    #[test]
    fn an_edited_limit_changes_only_that_limit() {
        let base = PlanPolicy::default();
        let mut draft = draft_of(&base);
        draft.insert("version".into(), "v2".into());
        draft.insert("early.auto_max_installments".into(), "3".into());
        draft.insert("late.min_installment".into(), "250.50".into());
        draft.remove("middle.weekly");
        let p = parse_draft(&draft, &base).unwrap();
        assert_eq!(p.early.auto_approve.max_installments, 3);
        assert_eq!(p.late.min_installment, 25_050);
        assert_eq!(
            p.middle.allowed_frequencies,
            vec![Frequency::BiWeekly, Frequency::Monthly]
        );
        assert_eq!(p.thresholds, base.thresholds);
    }

    #[test]
    fn every_bad_field_is_reported_against_its_own_name() {
        let base = PlanPolicy::default();
        let mut draft = draft_of(&base);
        draft.insert("version".into(), "has space".into());
        draft.insert("early.max_installments".into(), "lots".into());
        draft.insert("middle.min_down_payment_percent".into(), "120".into());
        draft.insert("late.min_installment".into(), "-5".into());
        draft.insert("late.max_term_days".into(), "".into());
        let errors = parse_draft(&draft, &base).unwrap_err();
        let find = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.problem.clone());
        assert_eq!(find("version"), Some(DraftProblem::VersionFormat));
        assert_eq!(find("early.max_installments"), Some(DraftProblem::NotAWholeNumber));
        assert_eq!(
            find("middle.min_down_payment_percent"),
            Some(DraftProblem::OutOfRange { min: 0, max: 100 })
        );
        assert_eq!(
            find("late.min_installment"),
            Some(DraftProblem::Amount(AmountError::Negative))
        );
        assert_eq!(find("late.max_term_days"), Some(DraftProblem::Required));
    }

    #[test]
    fn contradicting_limits_are_tied_to_the_field_that_breaks_them() {
        let base = PlanPolicy::default();
        let mut draft = draft_of(&base);
        draft.insert("version".into(), "v3".into());
        draft.insert("early.auto_max_installments".into(), "40".into());
        for f in Frequency::ALL {
            draft.remove(&format!("late.{}", f.code()));
        }
        let errors = parse_draft(&draft, &base).unwrap_err();
        assert!(errors.iter().any(|e| e.field == "early.auto_max_installments"
            && matches!(
                e.problem,
                DraftProblem::Inconsistent(StageProblem::AutoApproveInstallmentsAboveMax { .. })
            )));
        assert!(errors
            .iter()
            .any(|e| e.field == "late.frequencies"
                && e.problem == DraftProblem::Inconsistent(StageProblem::NoFrequencies)));
    }
}
