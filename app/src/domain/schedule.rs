//! Repayment schedule: equal installments, the last absorbing the remainder, on dates
//! anchored to the first payment date.
//!
//! The down payment, when there is one, is due on the first payment date and installment 1
//! one period later: the borrower's first payment is the down payment, and each later
//! payment keeps the rhythm. Without a down payment installment 1 is due on the first date.
//! Monthly dates keep the first date's day of month, clamped to short months
//! (Jan 31 -> Feb 28/29 -> Mar 31 -> Apr 30), counted from the anchor so they never drift.

use super::money::{Money, MoneyError};
use super::policy::Frequency;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Hard ceiling on installments in any plan, whatever the policy, so no input can make
/// the schedule allocate without bound.
pub const MAX_INSTALLMENTS: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installment {
    pub number: u32,
    pub due: NaiveDate,
    pub amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownPayment {
    pub due: NaiveDate,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub frequency: Frequency,
    pub down_payment: Option<DownPayment>,
    pub installments: Vec<Installment>,
    /// Down payment plus all installments; always equals the balance.
    pub total: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScheduleError {
    CurrencyMismatch,
    NothingOwed,
    NegativeDownPayment,
    /// A down payment of the whole balance is a payment in full, not a plan.
    DownPaymentCoversBalance {
        balance: Money,
    },
    NoInstallments,
    TooManyInstallments {
        max: u32,
    },
    /// More installments than minor units left to spread over them.
    InstallmentWouldBeZero {
        max_count: u32,
    },
    DateOutOfRange,
    Money(MoneyError),
}

impl From<MoneyError> for ScheduleError {
    fn from(e: MoneyError) -> Self {
        ScheduleError::Money(e)
    }
}

impl Schedule {
    pub fn first_due(&self) -> Option<NaiveDate> {
        self.down_payment
            .map(|d| d.due)
            .or_else(|| self.installments.first().map(|i| i.due))
    }

    pub fn last_due(&self) -> Option<NaiveDate> {
        self.installments
            .last()
            .map(|i| i.due)
            .or_else(|| self.down_payment.map(|d| d.due))
    }

    /// The amount of every installment but the last.
    pub fn regular_amount(&self) -> Option<Money> {
        self.installments.first().map(|i| i.amount)
    }

    pub fn final_amount(&self) -> Option<Money> {
        self.installments.last().map(|i| i.amount)
    }

    /// Days from `today` to the last due date (0 if that is not after today).
    pub fn term_days(&self, today: NaiveDate) -> u32 {
        self.last_due().map_or(0, |last| super::dpd::days_past_due(today, last))
    }
}

/// Due date of the payment `periods` periods after `first`.
pub fn period_date(first: NaiveDate, frequency: Frequency, periods: u32) -> Option<NaiveDate> {
    match frequency {
        Frequency::Weekly => first.checked_add_days(Days::new(u64::from(periods) * 7)),
        Frequency::BiWeekly => first.checked_add_days(Days::new(u64::from(periods) * 14)),
        Frequency::Monthly => first.checked_add_months(Months::new(periods)),
    }
}

pub fn generate(
    balance: Money,
    down_payment: Money,
    count: u32,
    frequency: Frequency,
    first_date: NaiveDate,
) -> Result<Schedule, ScheduleError> {
    if balance.currency != down_payment.currency {
        return Err(ScheduleError::CurrencyMismatch);
    }
    if !balance.is_positive() {
        return Err(ScheduleError::NothingOwed);
    }
    if down_payment.is_negative() {
        return Err(ScheduleError::NegativeDownPayment);
    }
    if down_payment.minor >= balance.minor {
        return Err(ScheduleError::DownPaymentCoversBalance { balance });
    }
    if count == 0 {
        return Err(ScheduleError::NoInstallments);
    }
    if count > MAX_INSTALLMENTS {
        return Err(ScheduleError::TooManyInstallments { max: MAX_INSTALLMENTS });
    }
    let remaining = balance.checked_sub(down_payment)?;
    if remaining.minor < i64::from(count) {
        let max_count = u32::try_from(remaining.minor).unwrap_or(0);
        return Err(ScheduleError::InstallmentWouldBeZero { max_count });
    }
    let (base, remainder) = remaining.checked_div_rem(i64::from(count))?;
    let has_down = down_payment.is_positive();
    let down = if has_down {
        Some(DownPayment {
            due: first_date,
            amount: down_payment,
        })
    } else {
        None
    };
    let offset = u32::from(has_down);
    let mut installments = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    for (index, number) in (0..count).zip(1..=count) {
        let periods = index.checked_add(offset).ok_or(ScheduleError::DateOutOfRange)?;
        let due = period_date(first_date, frequency, periods).ok_or(ScheduleError::DateOutOfRange)?;
        let amount = if number == count {
            base.checked_add(remainder)?
        } else {
            base
        };
        installments.push(Installment { number, due, amount });
    }
    Ok(Schedule {
        frequency,
        down_payment: down,
        installments,
        total: balance,
    })
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
