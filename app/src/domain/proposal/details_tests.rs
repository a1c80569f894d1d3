//! Tests for `PlanProposal::parse` on the borrower's details (hardship reason and note,
//! income statement, currency), and properties over any input. Fixtures as in `tests.rs`.

use super::*;
use crate::domain::money::{AmountError, Currency};
use crate::domain::test_support::*;
use proptest::prelude::*;

const MIDDLE: u64 = 45;

fn parse(raw: &RawProposal, account: &AccountTerms) -> Result<PlanProposal, Vec<PlanError>> {
    PlanProposal::parse(raw, account, &PlanPolicy::default(), today())
}

fn errors_of(raw: &RawProposal, account: &AccountTerms) -> Vec<PlanError> {
    parse(raw, account).unwrap_err()
}

fn in_days(n: u64) -> String {
    iso(days_from_today(n))
}

#[test]
fn a_hardship_note_at_the_limit_is_accepted_and_one_character_more_is_too_long() {
    let acct = account(MIDDLE, 600_000);
    let mut r = raw("", "6", "monthly", &in_days(1));
    r.hardship_note = "失".repeat(500);
    assert!(parse(&r, &acct).is_ok());
    r.hardship_note.push('业');
    assert_eq!(
        errors_of(&r, &acct),
        vec![PlanError::HardshipNoteTooLong { max: 500, actual: 501 }]
    );
}

#[test]
fn hardship_reasons_are_read_from_their_codes() {
    let acct = account(MIDDLE, 600_000);
    let mut r = raw("", "6", "monthly", &in_days(1));
    r.hardship_reason = Some("job_loss".into());
    assert_eq!(parse(&r, &acct).unwrap().hardship_reason, Some(HardshipReason::JobLoss));
    r.hardship_reason = Some(" ".into());
    assert_eq!(parse(&r, &acct).unwrap().hardship_reason, None);
    r.hardship_reason = Some("bad luck".into());
    assert_eq!(errors_of(&r, &acct), vec![PlanError::UnknownHardshipReason]);
}

#[test]
fn half_an_income_statement_asks_for_the_other_half() {
    let mut r = raw("", "6", "monthly", &in_days(1));
    r.monthly_income = "8000".into();
    assert_eq!(
        errors_of(&r, &account(MIDDLE, 600_000)),
        vec![PlanError::Required {
            field: Field::MonthlyExpenses
        }]
    );
}

#[test]
fn an_income_statement_is_assessed_against_the_plan() {
    let mut r = raw("", "6", "monthly", &in_days(1));
    r.monthly_income = "8,000".into();
    r.monthly_expenses = "7500".into();
    let p = parse(&r, &account(MIDDLE, 600_000)).unwrap();
    assert_eq!(
        p.affordability,
        Some(Affordability {
            monthly_income: cny(800_000),
            monthly_expenses: cny(750_000)
        })
    );
    assert_eq!(
        p.affordability_flag,
        AffordabilityFlag::ExceedsDisposable {
            disposable: cny(50_000),
            monthly_equivalent: cny(100_000)
        }
    );
    r.monthly_expenses = "lots".into();
    let errors = errors_of(&r, &account(MIDDLE, 600_000));
    assert_eq!(
        errors,
        vec![PlanError::Amount {
            field: Field::MonthlyExpenses,
            error: AmountError::NotANumber
        }]
    );
}

#[test]
fn amounts_in_another_currency_are_refused() {
    let acct = AccountTerms {
        balance: Money::new(600_000, Currency::USD),
        ..account(MIDDLE, 0)
    };
    let errors = errors_of(&raw("¥10", "6", "monthly", &in_days(1)), &acct);
    assert_eq!(
        errors,
        vec![PlanError::Amount {
            field: Field::DownPayment,
            error: AmountError::WrongCurrency {
                expected: Currency::USD
            }
        }]
    );
}

fn policy_allows_smaller_final(p: &PlanProposal) -> bool {
    PlanPolicy::default().for_stage(p.stage).allow_smaller_final_installment
}

proptest! {
    #[test]
    fn valid_proposals_sum_to_the_balance_and_respect_the_minimum(
        dpd in 1u64..400,
        balance in 1i64..=10_000_000_000,
        count in 1u32..=52,
        freq in prop::sample::select(Frequency::ALL.to_vec()),
        first_offset in 0u64..20,
        down_pct in 0i64..100,
    ) {
        let down = cny(balance * down_pct / 100);
        let r = raw(&down.to_plain_string(), &count.to_string(), freq.code(), &in_days(first_offset));
        if let Ok(p) = parse(&r, &account(dpd, balance)) {
            let mut sum = p.schedule.down_payment.map_or(0, |d| d.amount.minor);
            for i in &p.schedule.installments { sum += i.amount.minor; }
            prop_assert_eq!(sum, balance);
            let dates: Vec<_> = p.schedule.down_payment.map(|d| d.due).into_iter()
                .chain(p.schedule.installments.iter().map(|i| i.due)).collect();
            prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
            let min = PlanPolicy::default().for_stage(p.stage).min_installment;
            let n = p.schedule.installments.len();
            for (k, i) in p.schedule.installments.iter().enumerate() {
                let exempt = k + 1 == n && policy_allows_smaller_final(&p);
                prop_assert!(i.amount.minor >= min || exempt);
            }
        }
    }

    #[test]
    fn parse_never_panics_on_any_input(
        r in any_raw(),
        balance in prop_oneof![any::<i64>(), Just(i64::MAX), Just(i64::MIN), Just(0), 1i64..10_000_000],
        due in any_date(),
        today in any_date(),
    ) {
        let acct = AccountTerms { balance: cny(balance), oldest_unpaid_due: due };
        let _ = PlanProposal::parse(&r, &acct, &PlanPolicy::default(), today);
    }
}
