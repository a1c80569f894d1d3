//! Adherence: where an installment stands against what has been paid, given the policy's grace
//! period. "today" is passed in, as everywhere in the rulebook.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstallmentState {
    Paid,
    /// Something paid, less than due, still inside the grace period (or not yet due).
    PartlyPaid,
    /// Due date passed, nothing paid, still inside the grace period.
    Late,
    /// Not fully paid by the end of the grace period.
    Missed,
    Upcoming,
}

impl InstallmentState {
    pub fn code(self) -> &'static str {
        match self {
            InstallmentState::Paid => "paid",
            InstallmentState::PartlyPaid => "partly_paid",
            InstallmentState::Late => "late",
            InstallmentState::Missed => "missed",
            InstallmentState::Upcoming => "upcoming",
        }
    }
}

pub fn installment_state(
    amount: Money,
    paid: Money,
    due: NaiveDate,
    today: NaiveDate,
    grace_days: u32,
) -> InstallmentState {
    if paid.minor >= amount.minor {
        return InstallmentState::Paid;
    }
    let grace_end = due
        .checked_add_days(Days::new(u64::from(grace_days)))
        .unwrap_or(NaiveDate::MAX);
    if today > grace_end {
        InstallmentState::Missed
    } else if paid.minor > 0 {
        InstallmentState::PartlyPaid
    } else if today > due {
        InstallmentState::Late
    } else {
        InstallmentState::Upcoming
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap_or_default()
    }

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    #[test]
    fn an_installment_paid_in_full_is_paid_whatever_the_date() {
        assert_eq!(
            installment_state(cny(100), cny(100), d(1), d(30), 3),
            InstallmentState::Paid
        );
        assert_eq!(
            installment_state(cny(100), cny(150), d(1), d(30), 3),
            InstallmentState::Paid
        );
    }

    #[test]
    fn an_unpaid_installment_is_late_through_the_last_grace_day_and_missed_the_day_after() {
        assert_eq!(
            installment_state(cny(100), cny(0), d(10), d(10), 3),
            InstallmentState::Upcoming
        );
        assert_eq!(
            installment_state(cny(100), cny(0), d(10), d(11), 3),
            InstallmentState::Late
        );
        assert_eq!(
            installment_state(cny(100), cny(0), d(10), d(13), 3),
            InstallmentState::Late
        );
        assert_eq!(
            installment_state(cny(100), cny(0), d(10), d(14), 3),
            InstallmentState::Missed
        );
    }

    #[test]
    fn a_partly_paid_installment_is_missed_after_the_grace_period() {
        assert_eq!(
            installment_state(cny(100), cny(40), d(10), d(12), 3),
            InstallmentState::PartlyPaid
        );
        assert_eq!(
            installment_state(cny(100), cny(40), d(10), d(14), 3),
            InstallmentState::Missed
        );
    }
}
