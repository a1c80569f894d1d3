//! Everything that can be wrong with a proposal, as data: the field it belongs to, a
//! stable code, and the limit that was crossed, so the UI can say how to fix it.

use crate::domain::money::{AmountError, Money};
use crate::domain::policy::Frequency;
use crate::domain::schedule::ScheduleError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The form field an error belongs to (`Plan` for the proposal as a whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    DownPayment,
    Installments,
    Frequency,
    FirstPaymentDate,
    HardshipReason,
    HardshipNote,
    MonthlyIncome,
    MonthlyExpenses,
    Plan,
}

impl Field {
    /// Matches the `RawProposal` field name.
    pub fn code(&self) -> &'static str {
        match self {
            Field::DownPayment => "down_payment",
            Field::Installments => "installments",
            Field::Frequency => "frequency",
            Field::FirstPaymentDate => "first_payment_date",
            Field::HardshipReason => "hardship_reason",
            Field::HardshipNote => "hardship_note",
            Field::MonthlyIncome => "monthly_income",
            Field::MonthlyExpenses => "monthly_expenses",
            Field::Plan => "plan",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanError {
    /// The account is not past due: there is nothing to negotiate yet.
    NotOverdue,
    NothingOwed,
    Required {
        field: Field,
    },
    Amount {
        field: Field,
        error: AmountError,
    },
    InvalidNumber,
    TooFewInstallments {
        min: u32,
    },
    TooManyInstallments {
        max: u32,
    },
    /// `max_installments` is how many installments the minimum still allows.
    InstallmentBelowMinimum {
        min: Money,
        actual: Money,
        max_installments: u32,
    },
    InvalidFrequency {
        allowed: Vec<Frequency>,
    },
    FrequencyNotAllowed {
        allowed: Vec<Frequency>,
    },
    InvalidDate,
    FirstPaymentTooSoon {
        earliest: NaiveDate,
    },
    FirstPaymentTooLate {
        latest: NaiveDate,
    },
    /// The last installment would fall `actual_days` after today; `latest_end` is the last allowed date.
    TermTooLong {
        max_days: u32,
        actual_days: u32,
        latest_end: Option<NaiveDate>,
    },
    DownPaymentBelowMinimum {
        min: Money,
    },
    DownPaymentExceedsBalance {
        balance: Money,
    },
    /// Paying the whole balance as a down payment is a payment in full, not a plan.
    DownPaymentCoversBalance {
        balance: Money,
    },
    UnknownHardshipReason,
    HardshipNoteTooLong {
        max: usize,
        actual: usize,
    },
    /// A schedule could not be built for a reason not covered above (e.g. dates past year 262143).
    Schedule {
        error: ScheduleError,
    },
}

impl PlanError {
    pub fn field(&self) -> Field {
        use PlanError::*;
        match self {
            NotOverdue | NothingOwed | TermTooLong { .. } | Schedule { .. } => Field::Plan,
            Required { field } | Amount { field, .. } => *field,
            InvalidNumber | TooFewInstallments { .. } | TooManyInstallments { .. } | InstallmentBelowMinimum { .. } => {
                Field::Installments
            }
            InvalidFrequency { .. } | FrequencyNotAllowed { .. } => Field::Frequency,
            InvalidDate | FirstPaymentTooSoon { .. } | FirstPaymentTooLate { .. } => Field::FirstPaymentDate,
            DownPaymentBelowMinimum { .. } | DownPaymentExceedsBalance { .. } | DownPaymentCoversBalance { .. } => {
                Field::DownPayment
            }
            UnknownHardshipReason => Field::HardshipReason,
            HardshipNoteTooLong { .. } => Field::HardshipNote,
        }
    }

    /// Stable machine code, e.g. for translation keys and logs.
    pub fn code(&self) -> &'static str {
        use PlanError::*;
        match self {
            NotOverdue => "not_overdue",
            NothingOwed => "nothing_owed",
            Required { .. } => "required",
            Amount { .. } => "amount",
            InvalidNumber => "invalid_number",
            TooFewInstallments { .. } => "too_few_installments",
            TooManyInstallments { .. } => "too_many_installments",
            InstallmentBelowMinimum { .. } => "installment_below_minimum",
            InvalidFrequency { .. } => "invalid_frequency",
            FrequencyNotAllowed { .. } => "frequency_not_allowed",
            InvalidDate => "invalid_date",
            FirstPaymentTooSoon { .. } => "first_payment_too_soon",
            FirstPaymentTooLate { .. } => "first_payment_too_late",
            TermTooLong { .. } => "term_too_long",
            DownPaymentBelowMinimum { .. } => "down_payment_below_minimum",
            DownPaymentExceedsBalance { .. } => "down_payment_exceeds_balance",
            DownPaymentCoversBalance { .. } => "down_payment_covers_balance",
            UnknownHardshipReason => "unknown_hardship_reason",
            HardshipNoteTooLong { .. } => "hardship_note_too_long",
            Schedule { .. } => "schedule",
        }
    }
}
