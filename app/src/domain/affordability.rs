//! Can the borrower afford the plan they propose? Compares the plan's monthly equivalent
//! with the income left after expenses. It only flags (for a collector to look at); it
//! never rejects a proposal.

use super::money::{Money, MoneyError};
use super::policy::Frequency;
use super::schedule::Schedule;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affordability {
    pub monthly_income: Money,
    pub monthly_expenses: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AffordabilityFlag {
    Affordable,
    ExceedsDisposable {
        disposable: Money,
        monthly_equivalent: Money,
    },
    /// No income / expense statement (or one in another currency): nothing to compare.
    NotProvided,
}

impl Affordability {
    /// Income minus expenses; negative when expenses exceed income.
    pub fn disposable(&self) -> Result<Money, MoneyError> {
        self.monthly_income.checked_sub(self.monthly_expenses)
    }
}

/// What an installment amount costs per month: weekly x 52 / 12, bi-weekly x 26 / 12,
/// rounded UP to the minor unit so that the comparison never flatters the plan.
pub fn monthly_equivalent(installment: Money, frequency: Frequency) -> Result<Money, MoneyError> {
    let (num, den) = frequency.per_month();
    installment.checked_mul_div_ceil(num, den)
}

/// Uses the largest installment (the last one, which carries the remainder). The one-off
/// down payment is not part of the monthly comparison.
pub fn assess(schedule: &Schedule, frequency: Frequency, affordability: Option<&Affordability>) -> AffordabilityFlag {
    let Some(a) = affordability else {
        return AffordabilityFlag::NotProvided;
    };
    let largest = schedule.installments.iter().map(|i| i.amount).max_by_key(|m| m.minor);
    let (Some(largest), Ok(disposable)) = (largest, a.disposable()) else {
        return AffordabilityFlag::NotProvided;
    };
    if largest.currency != disposable.currency {
        return AffordabilityFlag::NotProvided;
    }
    match monthly_equivalent(largest, frequency) {
        Ok(monthly) if monthly.minor <= disposable.minor => AffordabilityFlag::Affordable,
        Ok(monthly) => AffordabilityFlag::ExceedsDisposable {
            disposable,
            monthly_equivalent: monthly,
        },
        Err(_) => AffordabilityFlag::ExceedsDisposable {
            disposable,
            monthly_equivalent: Money::new(i64::MAX, disposable.currency),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use crate::domain::schedule::generate;
    use chrono::NaiveDate;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    fn schedule(total: i64, count: u32, f: Frequency) -> Schedule {
        generate(
            cny(total),
            cny(0),
            count,
            f,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .unwrap()
    }

    fn statement(income: i64, expenses: i64) -> Affordability {
        Affordability {
            monthly_income: cny(income),
            monthly_expenses: cny(expenses),
        }
    }

    #[test]
    fn disposable_income_is_income_minus_expenses_and_may_be_negative() {
        assert_eq!(statement(500_000, 300_000).disposable(), Ok(cny(200_000)));
        assert_eq!(statement(100, 300).disposable(), Ok(cny(-200)));
    }

    #[test]
    fn weekly_installments_cost_52_twelfths_per_month_rounded_up() {
        assert_eq!(monthly_equivalent(cny(1200), Frequency::Weekly), Ok(cny(5200)));
        assert_eq!(monthly_equivalent(cny(1000), Frequency::Weekly), Ok(cny(4334)));
        assert_eq!(monthly_equivalent(cny(1000), Frequency::BiWeekly), Ok(cny(2167)));
        assert_eq!(monthly_equivalent(cny(1000), Frequency::Monthly), Ok(cny(1000)));
    }

    #[test]
    fn a_plan_exactly_at_disposable_income_is_affordable() {
        let s = schedule(300_000, 3, Frequency::Monthly);
        assert_eq!(
            assess(&s, Frequency::Monthly, Some(&statement(300_000, 200_000))),
            AffordabilityFlag::Affordable
        );
    }

    #[test]
    fn a_plan_one_fen_above_disposable_income_is_flagged_with_both_figures() {
        let s = schedule(300_000, 3, Frequency::Monthly);
        let flag = assess(&s, Frequency::Monthly, Some(&statement(299_999, 200_000)));
        assert_eq!(
            flag,
            AffordabilityFlag::ExceedsDisposable {
                disposable: cny(99_999),
                monthly_equivalent: cny(100_000)
            }
        );
    }

    #[test]
    fn without_a_statement_affordability_is_not_provided() {
        let s = schedule(300_000, 3, Frequency::Monthly);
        assert_eq!(assess(&s, Frequency::Monthly, None), AffordabilityFlag::NotProvided);
    }

    #[test]
    fn the_largest_installment_is_the_one_compared() {
        let s = schedule(100_001, 2, Frequency::Monthly);
        let flag = assess(&s, Frequency::Monthly, Some(&statement(50_000, 0)));
        assert!(matches!(flag, AffordabilityFlag::ExceedsDisposable { .. }));
    }
}
