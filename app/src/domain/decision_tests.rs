//! Tests for `decide`: auto-approve limits at their boundaries, review reasons, rejection,
//! and that no input makes it panic.

use super::*;
use crate::domain::proposal::Field;
use crate::domain::test_support::*;
use proptest::prelude::*;

const MIDDLE: u64 = 45;
const LATE: u64 = 120;

fn in_days(n: u64) -> String {
    iso(days_from_today(n))
}

fn decided(r: &RawProposal, acct: &AccountTerms) -> Decision {
    decide(r, acct, &PlanPolicy::default(), today()).decision
}

#[test]
fn a_plan_within_the_auto_approve_limits_is_approved_and_records_the_policy_version() {
    let out = decide(
        &raw("", "12", "monthly", &in_days(1)),
        &account(MIDDLE, 1_200_000),
        &PlanPolicy::default(),
        today(),
    );
    assert_eq!(out.decision, Decision::AutoApprove);
    assert_eq!(out.policy_version, "default-1");
    assert_eq!(out.stage, Some(Stage::Middle));
    assert!(out.proposal.is_some());
}

#[test]
fn installments_one_above_the_auto_approve_limit_need_review_with_the_limit() {
    let d = decided(&raw("", "13", "monthly", &in_days(1)), &account(MIDDLE, 1_300_000));
    assert_eq!(
        d,
        Decision::NeedsReview {
            reasons: vec![ReviewReason::InstallmentsAboveAutoApprove { limit: 12 }]
        }
    );
}

#[test]
fn a_term_one_day_above_the_auto_approve_limit_needs_review() {
    let mut policy = PlanPolicy::default();
    policy.middle.auto_approve.max_term_days = 154; // 6 monthly from tomorrow end 154 days out
    let acct = account(MIDDLE, 600_000);
    let ok = decide(&raw("", "6", "monthly", &in_days(1)), &acct, &policy, today());
    assert_eq!(ok.decision, Decision::AutoApprove);
    let review = decide(&raw("", "6", "monthly", &in_days(2)), &acct, &policy, today());
    assert_eq!(
        review.decision,
        Decision::NeedsReview {
            reasons: vec![ReviewReason::TermAboveAutoApprove { limit_days: 154 }]
        }
    );
}

#[test]
fn a_down_payment_at_the_auto_approve_percent_is_approved_and_one_fen_less_needs_review() {
    let acct = account(LATE, 200_000);
    assert_eq!(
        decided(&raw("400", "6", "monthly", &in_days(1)), &acct),
        Decision::AutoApprove
    );
    let d = decided(&raw("399.99", "6", "monthly", &in_days(1)), &acct);
    assert_eq!(
        d,
        Decision::NeedsReview {
            reasons: vec![ReviewReason::DownPaymentBelowAutoApprove { min: cny(40_000) }]
        }
    );
}

#[test]
fn an_unaffordable_plan_needs_review_with_both_figures() {
    let mut r = raw("", "6", "monthly", &in_days(1));
    r.monthly_income = "5000".into();
    r.monthly_expenses = "4500".into();
    let d = decided(&r, &account(MIDDLE, 600_000));
    let reason = ReviewReason::AffordabilityFlagged {
        disposable: cny(50_000),
        monthly_equivalent: cny(100_000),
    };
    assert_eq!(d, Decision::NeedsReview { reasons: vec![reason] });
    r.monthly_expenses = "4000".into();
    assert_eq!(decided(&r, &account(MIDDLE, 600_000)), Decision::AutoApprove);
}

#[test]
fn declaring_hardship_alone_does_not_hold_a_plan_back() {
    let mut r = raw("", "6", "monthly", &in_days(1));
    r.hardship_reason = Some("illness".into());
    assert_eq!(decided(&r, &account(MIDDLE, 600_000)), Decision::AutoApprove);
}

#[test]
fn declared_hardship_needs_review_when_the_policy_asks_for_it() {
    let mut policy = PlanPolicy::default();
    policy.middle.auto_approve.review_if_hardship_declared = true;
    let mut r = raw("", "6", "monthly", &in_days(1));
    r.hardship_reason = Some("illness".into());
    let d = decide(&r, &account(MIDDLE, 600_000), &policy, today()).decision;
    assert_eq!(
        d,
        Decision::NeedsReview {
            reasons: vec![ReviewReason::HardshipDeclared {
                reason: HardshipReason::Illness
            }]
        }
    );
}

#[test]
fn several_review_reasons_are_all_listed() {
    let mut r = raw("2400", "24", "monthly", &in_days(1));
    r.monthly_income = "100".into();
    r.monthly_expenses = "100".into();
    let Decision::NeedsReview { reasons } = decided(&r, &account(LATE, 2_400_000)) else {
        panic!()
    };
    assert_eq!(reasons.len(), 4, "{reasons:?}");
}

#[test]
fn an_invalid_proposal_is_rejected_with_its_errors_and_no_proposal() {
    let out = decide(
        &raw("", "", "monthly", &in_days(1)),
        &account(MIDDLE, 600_000),
        &PlanPolicy::default(),
        today(),
    );
    assert_eq!(
        out.decision,
        Decision::Reject {
            errors: vec![PlanError::Required {
                field: Field::Installments
            }]
        }
    );
    assert_eq!(out.proposal, None);
    assert_eq!(out.decision.code(), "reject");
}

#[test]
fn outcomes_travel_as_json_and_back() {
    let out = decide(
        &raw("", "6", "weekly", &in_days(3)),
        &account(MIDDLE, 600_000),
        &PlanPolicy::default(),
        today(),
    );
    let json = serde_json::to_string(&out).unwrap();
    assert_eq!(serde_json::from_str::<DecisionOutcome>(&json).unwrap(), out);
}

proptest! {
    #[test]
    fn decide_never_panics_on_any_input(
        r in any_raw(),
        balance in prop_oneof![any::<i64>(), 1i64..10_000_000],
        due in any_date(),
        today in any_date(),
    ) {
        let acct = AccountTerms { balance: cny(balance), oldest_unpaid_due: due };
        let out = decide(&r, &acct, &PlanPolicy::default(), today);
        prop_assert_eq!(out.proposal.is_some(), !matches!(out.decision, Decision::Reject { .. }));
    }
}
