//! A borrower's plan proposal: the raw form (all strings, exactly as typed), and
//! `PlanProposal::parse`, which turns it into checked values plus the computed schedule,
//! or into every error found (not just the first), each tied to its field.

mod errors;

pub use errors::{Field, PlanError};

use super::affordability::{assess, Affordability, AffordabilityFlag};
use super::dpd::days_past_due;
use super::input::{normalize, parse_count};
use super::money::{parse_amount, Currency, Money};
use super::policy::{Frequency, PlanPolicy, StagePolicy};
use super::schedule::{generate, Schedule, ScheduleError};
use super::stage::Stage;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// What the proposal form sends. Kept as typed so nothing is lost when it is sent back with errors.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawProposal {
    pub down_payment: String,
    pub installments: String,
    pub frequency: String,
    /// "YYYY-MM-DD" as an HTML date input sends it ("/" or "." separators also read).
    pub first_payment_date: String,
    pub hardship_reason: Option<String>,
    pub hardship_note: String,
    pub monthly_income: String,
    pub monthly_expenses: String,
}

/// The account facts a proposal is checked against; the stage is derived from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountTerms {
    pub balance: Money,
    #[serde(with = "super::iso_date")]
    pub oldest_unpaid_due: NaiveDate,
}

impl AccountTerms {
    /// The collection stage the account is in on `today`, if it is overdue at all.
    pub fn stage(&self, policy: &PlanPolicy, today: NaiveDate) -> Option<Stage> {
        Stage::from_dpd(days_past_due(self.oldest_unpaid_due, today), &policy.thresholds)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardshipReason {
    JobLoss,
    ReducedIncome,
    Illness,
    FamilyEmergency,
    BusinessDifficulty,
    Other,
}

impl HardshipReason {
    pub const ALL: [HardshipReason; 6] = [
        HardshipReason::JobLoss,
        HardshipReason::ReducedIncome,
        HardshipReason::Illness,
        HardshipReason::FamilyEmergency,
        HardshipReason::BusinessDifficulty,
        HardshipReason::Other,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            HardshipReason::JobLoss => "job_loss",
            HardshipReason::ReducedIncome => "reduced_income",
            HardshipReason::Illness => "illness",
            HardshipReason::FamilyEmergency => "family_emergency",
            HardshipReason::BusinessDifficulty => "business_difficulty",
            HardshipReason::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<HardshipReason> {
        HardshipReason::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// A proposal that passed every rule of its stage. Servers always re-derive it from the
/// `RawProposal`; a deserialized copy is for display only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanProposal {
    pub stage: Stage,
    pub dpd: u32,
    pub balance: Money,
    pub down_payment: Money,
    pub installments: u32,
    pub frequency: Frequency,
    pub first_payment_date: NaiveDate,
    pub hardship_reason: Option<HardshipReason>,
    pub hardship_note: String,
    pub affordability: Option<Affordability>,
    pub affordability_flag: AffordabilityFlag,
    pub schedule: Schedule,
    /// Days from today to the last installment.
    pub term_days: u32,
}

impl PlanProposal {
    pub fn parse(
        raw: &RawProposal,
        account: &AccountTerms,
        policy: &PlanPolicy,
        today: NaiveDate,
    ) -> Result<PlanProposal, Vec<PlanError>> {
        let dpd = days_past_due(account.oldest_unpaid_due, today);
        let Some(stage) = Stage::from_dpd(dpd, &policy.thresholds) else {
            return Err(vec![PlanError::NotOverdue]);
        };
        if !account.balance.is_positive() {
            return Err(vec![PlanError::NothingOwed]);
        }
        let rules = policy.for_stage(stage);
        let mut errors = Vec::new();
        let down = parse_down_payment(&raw.down_payment, account.balance, rules, &mut errors);
        let count = parse_installments(&raw.installments, rules, &mut errors);
        let frequency = parse_frequency(&raw.frequency, rules, &mut errors);
        let first = parse_first_date(&raw.first_payment_date, rules, today, &mut errors);
        let hardship_reason = parse_reason(raw.hardship_reason.as_deref(), &mut errors);
        let hardship_note = raw.hardship_note.trim().to_string();
        let max_note = usize::try_from(policy.hardship_note_max_chars).unwrap_or(usize::MAX);
        let note_len = hardship_note.chars().count();
        if note_len > max_note {
            errors.push(PlanError::HardshipNoteTooLong {
                max: max_note,
                actual: note_len,
            });
        }
        let affordability = parse_statement(raw, account.balance, &mut errors);

        let (Some(down), Some(count), Some(frequency), Some(first)) = (down, count, frequency, first) else {
            return Err(errors);
        };
        let schedule = match generate(account.balance, down, count, frequency, first) {
            Ok(s) => s,
            Err(ScheduleError::InstallmentWouldBeZero { max_count }) => {
                errors.push(PlanError::TooManyInstallments { max: max_count });
                return Err(errors);
            }
            Err(error) => {
                errors.push(PlanError::Schedule { error });
                return Err(errors);
            }
        };
        check_minimum(&schedule, account.balance, down, rules, &mut errors);
        let term_days = schedule.term_days(today);
        if term_days > rules.max_term_days {
            let latest_end = today.checked_add_days(Days::new(u64::from(rules.max_term_days)));
            errors.push(PlanError::TermTooLong {
                max_days: rules.max_term_days,
                actual_days: term_days,
                latest_end,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let affordability_flag = assess(&schedule, frequency, affordability.as_ref());
        Ok(PlanProposal {
            stage,
            dpd,
            balance: account.balance,
            down_payment: down,
            installments: count,
            frequency,
            first_payment_date: first,
            hardship_reason,
            hardship_note,
            affordability,
            affordability_flag,
            schedule,
            term_days,
        })
    }
}

/// Empty means no down payment. The minimum is checked here; the schedule checks the rest.
fn parse_down_payment(text: &str, balance: Money, rules: &StagePolicy, errors: &mut Vec<PlanError>) -> Option<Money> {
    if normalize(text).is_empty() {
        return check_down(Money::zero(balance.currency), balance, rules, errors);
    }
    match parse_amount(text, balance.currency) {
        Ok(down) => check_down(down, balance, rules, errors),
        Err(error) => {
            errors.push(PlanError::Amount {
                field: Field::DownPayment,
                error,
            });
            None
        }
    }
}

fn check_down(down: Money, balance: Money, rules: &StagePolicy, errors: &mut Vec<PlanError>) -> Option<Money> {
    let error = if down.minor > balance.minor {
        PlanError::DownPaymentExceedsBalance { balance }
    } else if down.minor == balance.minor {
        PlanError::DownPaymentCoversBalance { balance }
    } else {
        match rules.min_down_payment(balance) {
            Ok(min) if down.minor < min.minor => PlanError::DownPaymentBelowMinimum { min },
            Ok(_) => return Some(down),
            Err(error) => PlanError::Schedule {
                error: ScheduleError::Money(error),
            },
        }
    };
    errors.push(error);
    None
}

fn parse_installments(text: &str, rules: &StagePolicy, errors: &mut Vec<PlanError>) -> Option<u32> {
    if normalize(text).is_empty() {
        errors.push(PlanError::Required {
            field: Field::Installments,
        });
        return None;
    }
    let error = match parse_count(text) {
        None => PlanError::InvalidNumber,
        Some(0) => PlanError::TooFewInstallments { min: 1 },
        Some(n) if n > u64::from(rules.max_installments) => PlanError::TooManyInstallments {
            max: rules.max_installments,
        },
        Some(n) => return u32::try_from(n).ok(),
    };
    errors.push(error);
    None
}

fn parse_frequency(text: &str, rules: &StagePolicy, errors: &mut Vec<PlanError>) -> Option<Frequency> {
    let allowed = rules.allowed_frequencies.clone();
    if normalize(text).is_empty() {
        errors.push(PlanError::Required {
            field: Field::Frequency,
        });
        return None;
    }
    match Frequency::parse(text) {
        None => errors.push(PlanError::InvalidFrequency { allowed }),
        Some(f) if !rules.allows(f) => errors.push(PlanError::FrequencyNotAllowed { allowed }),
        Some(f) => return Some(f),
    }
    None
}

/// Reads "2026-12-12", "2026/12/12", "2026.12.12" or "2026年12月12日".
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = normalize(text);
    let t = t.trim_end_matches('日').replace(['/', '.', '年', '月'], "-");
    let mut parts = t.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let num = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let year = i32::try_from(num(y, 4..=4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(m, 1..=2)?, num(d, 1..=2)?)
}

fn parse_first_date(
    text: &str,
    rules: &StagePolicy,
    today: NaiveDate,
    errors: &mut Vec<PlanError>,
) -> Option<NaiveDate> {
    if normalize(text).is_empty() {
        errors.push(PlanError::Required {
            field: Field::FirstPaymentDate,
        });
        return None;
    }
    let error = match (parse_date(text), first_payment_window(rules, today)) {
        (None, _) | (_, None) => PlanError::InvalidDate,
        (Some(date), Some((earliest, _))) if date < earliest => PlanError::FirstPaymentTooSoon { earliest },
        (Some(date), Some((_, latest))) if date > latest => PlanError::FirstPaymentTooLate { latest },
        (Some(date), _) => return Some(date),
    };
    errors.push(error);
    None
}

fn parse_reason(text: Option<&str>, errors: &mut Vec<PlanError>) -> Option<HardshipReason> {
    let text = text.map(normalize).filter(|t| !t.is_empty())?;
    let reason = HardshipReason::parse(&text);
    if reason.is_none() {
        errors.push(PlanError::UnknownHardshipReason);
    }
    reason
}

/// The borrower's stated monthly budget, when both figures read as amounts (suggestions are
/// fitted to it as it is typed; mistakes in it are reported by `parse`).
pub fn stated_budget(raw: &RawProposal, currency: Currency) -> Option<Affordability> {
    parse_statement(raw, Money::new(0, currency), &mut Vec::new())
}

/// Both figures or neither: half a statement cannot be assessed.
fn parse_statement(raw: &RawProposal, balance: Money, errors: &mut Vec<PlanError>) -> Option<Affordability> {
    let given = |s: &str| !normalize(s).is_empty();
    if !given(&raw.monthly_income) && !given(&raw.monthly_expenses) {
        return None;
    }
    let mut amount = |text: &str, field: Field| {
        if !given(text) {
            errors.push(PlanError::Required { field });
            return None;
        }
        parse_amount(text, balance.currency)
            .map_err(|error| errors.push(PlanError::Amount { field, error }))
            .ok()
    };
    let income = amount(&raw.monthly_income, Field::MonthlyIncome);
    let expenses = amount(&raw.monthly_expenses, Field::MonthlyExpenses);
    Some(Affordability {
        monthly_income: income?,
        monthly_expenses: expenses?,
    })
}

/// Every installment but the last must reach the minimum; the last too unless the policy
/// allows a smaller final one.
fn check_minimum(schedule: &Schedule, balance: Money, down: Money, rules: &StagePolicy, errors: &mut Vec<PlanError>) {
    let min = Money::new(rules.min_installment, balance.currency);
    let count = schedule.installments.len();
    let short = schedule.installments.iter().enumerate().find(|(i, inst)| {
        let is_final = i.checked_add(1) == Some(count);
        inst.amount.minor < min.minor && !(is_final && rules.allow_smaller_final_installment)
    });
    if let Some((_, inst)) = short {
        let remaining = balance.minor.saturating_sub(down.minor);
        let fit = remaining.checked_div(rules.min_installment).unwrap_or(0).max(0);
        let max_installments = u32::try_from(fit).unwrap_or(u32::MAX).min(rules.max_installments);
        errors.push(PlanError::InstallmentBelowMinimum {
            min,
            actual: inst.amount,
            max_installments,
        });
    }
}

/// Earliest and latest first payment date a stage allows (for the form's date picker too).
pub fn first_payment_window(rules: &StagePolicy, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let earliest = today.checked_add_days(Days::new(u64::from(rules.first_payment_earliest_days)))?;
    let latest = today.checked_add_days(Days::new(u64::from(rules.first_payment_latest_days)))?;
    Some((earliest, latest))
}

#[cfg(test)]
mod details_tests;
#[cfg(test)]
mod tests;
