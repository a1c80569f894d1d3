//! Payments against an agreement's schedule: a payment pays installments in order (the down
//! payment first), any excess carries to the next ones. A payment larger than what is still
//! owed is refused, never kept as an unexplained credit: the collector records what is owed
//! and the rest goes back to the borrower outside this product.
//! The standing of the whole agreement follows from each installment's state.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::adherence::{installment_state, InstallmentState};
use super::money::Money;

/// One scheduled amount and what has been paid against it so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    pub amount: Money,
    pub paid: Money,
    pub due: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllocationError {
    /// Nothing (or less than nothing) to apply.
    NotPositive,
    /// The payment is in another currency than the agreement.
    WrongCurrency,
    /// More than is still owed; `remaining` is the most that can be recorded.
    ExceedsRemaining { remaining: Money },
}

/// How much of `payment` goes to each installment, in schedule order.
pub fn allocate(schedule: &[Due], payment: Money) -> Result<Vec<Money>, AllocationError> {
    if payment.minor <= 0 {
        return Err(AllocationError::NotPositive);
    }
    let remaining: i64 = schedule.iter().map(|d| (d.amount.minor - d.paid.minor).max(0)).sum();
    if schedule.iter().any(|d| d.amount.currency != payment.currency) {
        return Err(AllocationError::WrongCurrency);
    }
    if payment.minor > remaining {
        return Err(AllocationError::ExceedsRemaining {
            remaining: Money::new(remaining, payment.currency),
        });
    }
    let mut left = payment.minor;
    Ok(schedule
        .iter()
        .map(|d| {
            let take = left.min((d.amount.minor - d.paid.minor).max(0));
            left -= take;
            Money::new(take, payment.currency)
        })
        .collect())
}

/// Where an agreement stands as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// Being kept (possibly with misses within tolerance).
    Kept,
    /// Every installment paid.
    Completed,
    /// More installments missed (past grace) than the policy tolerates.
    Broken,
}

pub fn standing(schedule: &[Due], today: NaiveDate, grace_days: u32, missed_tolerance: u32) -> Standing {
    let states: Vec<InstallmentState> = schedule
        .iter()
        .map(|d| installment_state(d.amount, d.paid, d.due, today, grace_days))
        .collect();
    if states.iter().all(|s| *s == InstallmentState::Paid) {
        return Standing::Completed;
    }
    let missed = states.iter().filter(|s| **s == InstallmentState::Missed).count();
    if missed > missed_tolerance as usize {
        Standing::Broken
    } else {
        Standing::Kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap_or_default()
    }

    fn plan(paid: [i64; 3]) -> Vec<Due> {
        vec![
            Due {
                amount: cny(500),
                paid: cny(paid[0]),
                due: d(1),
            },
            Due {
                amount: cny(1000),
                paid: cny(paid[1]),
                due: d(8),
            },
            Due {
                amount: cny(1000),
                paid: cny(paid[2]),
                due: d(15),
            },
        ]
    }

    #[test]
    fn a_partial_payment_goes_to_the_down_payment_first() {
        assert_eq!(allocate(&plan([0, 0, 0]), cny(300)), Ok(vec![cny(300), cny(0), cny(0)]));
    }

    #[test]
    fn an_over_payment_carries_to_the_next_installments() {
        assert_eq!(
            allocate(&plan([200, 0, 0]), cny(1500)),
            Ok(vec![cny(300), cny(1000), cny(200)])
        );
    }

    #[test]
    fn a_payment_beyond_what_is_owed_is_refused_with_the_most_that_can_be_recorded() {
        assert_eq!(
            allocate(&plan([500, 1000, 400]), cny(601)),
            Err(AllocationError::ExceedsRemaining { remaining: cny(600) })
        );
        assert_eq!(allocate(&plan([0, 0, 0]), cny(0)), Err(AllocationError::NotPositive));
        assert_eq!(
            allocate(&plan([0, 0, 0]), Money::new(5, Currency::USD)),
            Err(AllocationError::WrongCurrency)
        );
    }

    #[test]
    fn misses_within_tolerance_keep_the_plan_and_one_more_breaks_it() {
        // Today the 20th, grace 3 days: installments due the 1st and 8th are missed, the 15th is late.
        assert_eq!(standing(&plan([0, 0, 0]), d(11), 3, 1), Standing::Kept);
        assert_eq!(standing(&plan([0, 0, 0]), d(12), 3, 1), Standing::Broken);
        assert_eq!(standing(&plan([500, 0, 0]), d(18), 3, 1), Standing::Kept);
    }

    #[test]
    fn a_late_payment_within_grace_counts_as_kept_and_all_paid_completes() {
        assert_eq!(standing(&plan([500, 1000, 0]), d(18), 3, 0), Standing::Kept);
        assert_eq!(standing(&plan([500, 1000, 1000]), d(30), 3, 0), Standing::Completed);
    }
}
