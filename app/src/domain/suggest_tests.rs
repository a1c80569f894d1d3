//! Tests for `suggestions`: every suggestion is auto-approved as sent, none repeat, and no
//! account makes it panic.

use super::*;
use crate::domain::money::Currency;
use crate::domain::test_support::*;
use proptest::prelude::*;
use std::collections::HashSet;

fn check_all_auto_approve(list: &[Suggestion], acct: &AccountTerms, policy: &PlanPolicy) {
    let mut seen = HashSet::new();
    for s in list {
        let out = decide(&s.raw, acct, policy, today());
        assert_eq!(out.decision, Decision::AutoApprove, "{s:?}");
        assert_eq!(out.proposal.map(|p| p.schedule), Some(s.schedule.clone()));
        assert!(seen.insert(s.raw.clone()), "duplicate {s:?}");
    }
}

#[test]
fn middle_stage_suggestions_are_shortest_balanced_and_lowest_monthly() {
    let acct = account(45, 600_000);
    let list = suggestions(&acct, &PlanPolicy::default(), today(), None);
    let labels: Vec<_> = list.iter().map(|s| s.label).collect();
    assert_eq!(
        labels,
        vec![
            SuggestionKind::Shortest,
            SuggestionKind::Balanced,
            SuggestionKind::LowestMonthly
        ]
    );
    let counts: Vec<_> = list.iter().map(|s| s.schedule.installments.len()).collect();
    assert_eq!(counts, vec![1, 6, 12]);
    check_all_auto_approve(&list, &acct, &PlanPolicy::default());
}

#[test]
fn with_a_budget_the_shortest_suggestion_is_the_fewest_installments_it_covers() {
    let acct = account(45, 600_000);
    let budget = Affordability {
        monthly_income: cny(600_000),
        monthly_expenses: cny(450_000),
    };
    let list = suggestions(&acct, &PlanPolicy::default(), today(), Some(&budget));
    assert_eq!(list[0].label, SuggestionKind::ShortestAffordable);
    assert_eq!(list[0].schedule.installments.len(), 4);
    assert_eq!(list[0].monthly_equivalent, cny(150_000));
    assert_eq!(list[0].raw.monthly_income, "6000.00");
    check_all_auto_approve(&list, &acct, &PlanPolicy::default());
}

#[test]
fn late_stage_suggestions_carry_the_auto_approve_down_payment_rounded_to_a_whole_unit() {
    let acct = account(120, 123_456);
    let list = suggestions(&acct, &PlanPolicy::default(), today(), None);
    assert!(!list.is_empty());
    assert!(list.iter().all(|s| s.raw.down_payment == "247.00"));
    check_all_auto_approve(&list, &acct, &PlanPolicy::default());
}

#[test]
fn a_budget_too_small_for_any_plan_gives_no_suggestions() {
    let budget = Affordability {
        monthly_income: cny(1000),
        monthly_expenses: cny(1000),
    };
    assert!(suggestions(&account(45, 600_000), &PlanPolicy::default(), today(), Some(&budget)).is_empty());
}

#[test]
fn an_account_not_past_due_gets_no_suggestions() {
    assert!(suggestions(&account(0, 600_000), &PlanPolicy::default(), today(), None).is_empty());
}

#[test]
fn a_balance_below_the_minimum_installment_gets_a_single_payment_suggestion() {
    let list = suggestions(&account(10, 5_000), &PlanPolicy::default(), today(), None);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].schedule.installments.len(), 1);
}

proptest! {
    #[test]
    fn every_suggestion_for_any_account_is_auto_approved_and_distinct(
        dpd in 1u64..400,
        balance in 1i64..=1_000_000_000_000,
        income in prop::option::of((0i64..5_000_000, 0i64..5_000_000)),
    ) {
        let acct = account(dpd, balance);
        let budget = income.map(|(i, e)| Affordability { monthly_income: cny(i), monthly_expenses: cny(e) });
        let list = suggestions(&acct, &PlanPolicy::default(), today(), budget.as_ref());
        check_all_auto_approve(&list, &acct, &PlanPolicy::default());
    }

    #[test]
    fn suggestions_never_panic_on_any_account(
        balance in any::<i64>(),
        due in any_date(),
        today in any_date(),
        income in any::<i64>(),
        expenses in any::<i64>(),
    ) {
        let acct = AccountTerms { balance: Money::new(balance, Currency::EUR), oldest_unpaid_due: due };
        let budget = Affordability { monthly_income: Money::new(income, Currency::EUR), monthly_expenses: Money::new(expenses, Currency::EUR) };
        let _ = suggestions(&acct, &PlanPolicy::default(), today, Some(&budget));
        let _ = suggestions(&acct, &PlanPolicy::default(), today, None);
    }
}
