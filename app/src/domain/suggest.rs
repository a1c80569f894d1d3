//! Ready-made plans a borrower can accept with one tap: each one is checked by calling
//! `decide` and kept only if it would be auto-approved. Uses the stage's preferred
//! frequency (monthly when allowed), the earliest allowed first date, and the smallest
//! down payment that auto-approval accepts, rounded up to a whole currency unit.

use super::affordability::{monthly_equivalent, Affordability};
use super::decision::{decide, Decision};
use super::dpd::days_past_due;
use super::money::Money;
use super::policy::{Frequency, PlanPolicy, StagePolicy};
use super::proposal::{first_payment_window, AccountTerms, RawProposal};
use super::schedule::{Schedule, MAX_INSTALLMENTS};
use super::stage::Stage;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// Fewest installments the borrower's stated budget covers.
    ShortestAffordable,
    /// Fewest installments (no budget was stated).
    Shortest,
    /// Halfway between the shortest and the lowest-payment plan.
    Balanced,
    /// Most installments, so the smallest regular payment.
    LowestMonthly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub label: SuggestionKind,
    /// What the form would send; submitting it unchanged is auto-approved.
    pub raw: RawProposal,
    pub schedule: Schedule,
    pub monthly_equivalent: Money,
}

pub fn suggestions(
    account: &AccountTerms,
    policy: &PlanPolicy,
    today: NaiveDate,
    affordability: Option<&Affordability>,
) -> Vec<Suggestion> {
    let dpd = days_past_due(account.oldest_unpaid_due, today);
    let Some(stage) = Stage::from_dpd(dpd, &policy.thresholds) else {
        return Vec::new();
    };
    let rules = policy.for_stage(stage);
    let Some(frequency) = preferred_frequency(rules) else {
        return Vec::new();
    };
    let Some((first, _)) = first_payment_window(rules, today) else {
        return Vec::new();
    };
    let Some(down) = suggested_down_payment(rules, account.balance) else {
        return Vec::new();
    };
    let template = RawProposal {
        down_payment: if down.is_zero() {
            String::new()
        } else {
            down.to_plain_string()
        },
        frequency: frequency.code().to_string(),
        first_payment_date: first.to_string(),
        monthly_income: affordability
            .map(|a| a.monthly_income.to_plain_string())
            .unwrap_or_default(),
        monthly_expenses: affordability
            .map(|a| a.monthly_expenses.to_plain_string())
            .unwrap_or_default(),
        ..RawProposal::default()
    };
    let try_count = |count: u32| -> Option<Suggestion> {
        let raw = RawProposal {
            installments: count.to_string(),
            ..template.clone()
        };
        let outcome = decide(&raw, account, policy, today);
        let (Decision::AutoApprove, Some(p)) = (outcome.decision, outcome.proposal) else {
            return None;
        };
        let largest = p
            .schedule
            .installments
            .iter()
            .map(|i| i.amount)
            .max_by_key(|m| m.minor)?;
        let monthly = monthly_equivalent(largest, frequency).ok()?;
        Some(Suggestion {
            label: SuggestionKind::Shortest,
            raw,
            schedule: p.schedule,
            monthly_equivalent: monthly,
        })
    };
    let max = rules
        .auto_approve
        .max_installments
        .min(rules.max_installments)
        .min(MAX_INSTALLMENTS);
    let shortest = (1..=max).find_map(&try_count);
    let Some(shortest) = shortest else {
        return Vec::new();
    };
    let lowest = (1..=max).rev().find_map(&try_count);
    let count_of = |s: &Suggestion| u32::try_from(s.schedule.installments.len()).unwrap_or(0);
    let lo = count_of(&shortest);
    let mut out = vec![Suggestion {
        label: if affordability.is_some() {
            SuggestionKind::ShortestAffordable
        } else {
            SuggestionKind::Shortest
        },
        ..shortest
    }];
    if let Some(lowest) = lowest {
        let hi = count_of(&lowest);
        let middle = lo.saturating_add(hi.saturating_sub(lo) / 2);
        if middle != lo && middle != hi {
            out.extend(try_count(middle).map(|s| Suggestion {
                label: SuggestionKind::Balanced,
                ..s
            }));
        }
        if hi != lo {
            out.push(Suggestion {
                label: SuggestionKind::LowestMonthly,
                ..lowest
            });
        }
    }
    out
}

fn preferred_frequency(rules: &StagePolicy) -> Option<Frequency> {
    if rules.allows(Frequency::Monthly) {
        Some(Frequency::Monthly)
    } else {
        rules.allowed_frequencies.first().copied()
    }
}

/// The auto-approve floor rounded up to a whole unit (easier to pay and to read), or the
/// exact floor when rounding would reach the balance. None when no plan is possible.
fn suggested_down_payment(rules: &StagePolicy, balance: Money) -> Option<Money> {
    let floor = rules.auto_approve_min_down_payment(balance).ok()?;
    let rounded = floor.checked_mul_div_ceil(1, balance.currency.minor_per_major()).ok()?;
    let rounded = rounded.checked_mul_int(balance.currency.minor_per_major()).ok()?;
    let down = if rounded.minor < balance.minor { rounded } else { floor };
    (down.minor < balance.minor).then_some(down)
}

#[cfg(test)]
#[path = "suggest_tests.rs"]
mod tests;
