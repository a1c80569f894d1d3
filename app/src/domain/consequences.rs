//! What happens as an account stays overdue, as data: each consequence applies from a DPD
//! set by policy. `timeline` tells a borrower what already applies and what comes next,
//! and that a kept plan pauses escalation.

use super::dpd::days_past_due;
use super::policy::PlanPolicy;
use super::stage::Stage;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsequenceKind {
    Reminders,
    LateFees,
    CollectorCalls,
    LegalReview,
    CreditBureauReport,
    ExternalAgency,
    Lawsuit,
    AssetPreservation,
}

impl ConsequenceKind {
    pub fn code(&self) -> &'static str {
        match self {
            ConsequenceKind::Reminders => "reminders",
            ConsequenceKind::LateFees => "late_fees",
            ConsequenceKind::CollectorCalls => "collector_calls",
            ConsequenceKind::LegalReview => "legal_review",
            ConsequenceKind::CreditBureauReport => "credit_bureau_report",
            ConsequenceKind::ExternalAgency => "external_agency",
            ConsequenceKind::Lawsuit => "lawsuit",
            ConsequenceKind::AssetPreservation => "asset_preservation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsequenceRule {
    pub kind: ConsequenceKind,
    pub from_dpd: u32,
}

/// Defaults following the stages in DOMAIN.md: reminders and fees from the first day,
/// calls in the early stage, legal review in the middle, bureau and legal route when late.
pub fn default_rules() -> Vec<ConsequenceRule> {
    use ConsequenceKind::*;
    [
        (Reminders, 1),
        (LateFees, 1),
        (CollectorCalls, 8),
        (LegalReview, 61),
        (CreditBureauReport, 91),
        (ExternalAgency, 121),
        (Lawsuit, 151),
        (AssetPreservation, 181),
    ]
    .into_iter()
    .map(|(kind, from_dpd)| ConsequenceRule { kind, from_dpd })
    .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextConsequence {
    pub kind: ConsequenceKind,
    pub on: NaiveDate,
    pub in_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub dpd: u32,
    pub stage: Option<Stage>,
    /// In order of the DPD they apply from.
    pub already: Vec<ConsequenceKind>,
    pub next: Option<NextConsequence>,
    /// A kept plan pauses escalation: `next` is None, what already applies stays.
    pub paused_by_plan: bool,
}

pub fn timeline(oldest_unpaid_due: NaiveDate, today: NaiveDate, policy: &PlanPolicy, plan_kept: bool) -> Timeline {
    let dpd = days_past_due(oldest_unpaid_due, today);
    let mut rules = policy.consequences.clone();
    // Stable sort: rules from the same day keep the policy's order.
    rules.sort_by_key(|r| r.from_dpd);
    let already = rules
        .iter()
        .filter(|r| dpd > 0 && r.from_dpd <= dpd)
        .map(|r| r.kind)
        .collect();
    let next = if plan_kept {
        None
    } else {
        rules
            .iter()
            .filter(|r| r.from_dpd > dpd)
            .find_map(|r| next_consequence(r, oldest_unpaid_due, today))
    };
    Timeline {
        dpd,
        stage: Stage::from_dpd(dpd, &policy.thresholds),
        already,
        next,
        paused_by_plan: plan_kept,
    }
}

/// The rule's date is the due date plus its DPD; None if that is beyond the calendar.
fn next_consequence(rule: &ConsequenceRule, due: NaiveDate, today: NaiveDate) -> Option<NextConsequence> {
    let on = due.checked_add_days(Days::new(u64::from(rule.from_dpd)))?;
    let in_days = u32::try_from(on.signed_duration_since(today).num_days()).ok()?;
    Some(NextConsequence {
        kind: rule.kind,
        on,
        in_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ConsequenceKind::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at_dpd(dpd: u64, kept: bool) -> Timeline {
        let due = d(2026, 1, 1);
        timeline(
            due,
            due.checked_add_days(Days::new(dpd)).unwrap(),
            &PlanPolicy::default(),
            kept,
        )
    }

    #[test]
    fn an_account_not_yet_due_has_nothing_applied_and_reminders_next() {
        let t = timeline(d(2026, 1, 10), d(2026, 1, 1), &PlanPolicy::default(), false);
        assert_eq!(t.dpd, 0);
        assert_eq!(t.stage, None);
        assert!(t.already.is_empty());
        assert_eq!(
            t.next,
            Some(NextConsequence {
                kind: Reminders,
                on: d(2026, 1, 11),
                in_days: 10
            })
        );
    }

    #[test]
    fn on_day_one_reminders_and_fees_apply_and_calls_come_next() {
        let t = at_dpd(1, false);
        assert_eq!(t.stage, Some(Stage::Early));
        assert_eq!(t.already, vec![Reminders, LateFees]);
        assert_eq!(
            t.next,
            Some(NextConsequence {
                kind: CollectorCalls,
                on: d(2026, 1, 9),
                in_days: 7
            })
        );
    }

    #[test]
    fn the_day_before_a_consequence_it_is_next_in_one_day() {
        let t = at_dpd(90, false);
        assert_eq!(t.next.map(|n| (n.kind, n.in_days)), Some((CreditBureauReport, 1)));
        assert!(!t.already.contains(&CreditBureauReport));
        let t = at_dpd(91, false);
        assert!(t.already.contains(&CreditBureauReport));
        assert_eq!(t.stage, Some(Stage::Late));
    }

    #[test]
    fn after_the_last_consequence_there_is_no_next() {
        let t = at_dpd(400, false);
        assert_eq!(t.already.len(), 8);
        assert_eq!(t.next, None);
    }

    #[test]
    fn a_kept_plan_pauses_escalation_but_keeps_what_already_applies() {
        let t = at_dpd(45, true);
        assert_eq!(t.next, None);
        assert!(t.paused_by_plan);
        assert_eq!(t.already, vec![Reminders, LateFees, CollectorCalls]);
    }

    #[test]
    fn rules_out_of_order_in_the_policy_are_applied_by_dpd() {
        let mut p = PlanPolicy::default();
        p.consequences.reverse();
        let t = timeline(d(2026, 1, 1), d(2026, 1, 2), &p, false);
        assert_eq!(t.next.map(|n| n.kind), Some(CollectorCalls));
    }

    #[test]
    fn consequences_beyond_the_calendar_are_not_announced() {
        let t = timeline(NaiveDate::MAX, NaiveDate::MAX, &PlanPolicy::default(), false);
        assert_eq!(t.next, None);
    }

    proptest! {
        #[test]
        fn timeline_never_panics(a in -1_000_000i32..4_000_000, b in -1_000_000i32..4_000_000, kept: bool) {
            if let (Some(x), Some(y)) = (NaiveDate::from_num_days_from_ce_opt(a),
                                         NaiveDate::from_num_days_from_ce_opt(b)) {
                let _ = timeline(x, y, &PlanPolicy::default(), kept);
            }
        }
    }
}
