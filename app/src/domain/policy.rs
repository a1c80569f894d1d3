//! Plan policy: the versioned, per-stage rules a proposal is checked against, with the
//! defaults the product ships. Validation lives in `policy/check.rs`, TOML loading (server
//! only) in `policy/load.rs`, the supervisor's edit form in `policy/draft.rs`.

mod check;
pub mod draft;
mod load;

pub use check::{PolicyError, PolicyProblem, StageProblem};
pub use load::DEFAULT_POLICY_TOML;

use super::consequences::{default_rules, ConsequenceRule};
use super::money::{Money, MoneyError};
use super::stage::{Stage, StageThresholds};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Frequency {
    #[serde(rename = "weekly")]
    Weekly,
    #[serde(rename = "biweekly")]
    BiWeekly,
    #[serde(rename = "monthly")]
    Monthly,
}

impl Frequency {
    pub const ALL: [Frequency; 3] = [Frequency::Weekly, Frequency::BiWeekly, Frequency::Monthly];

    pub fn code(&self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::BiWeekly => "biweekly",
            Frequency::Monthly => "monthly",
        }
    }

    /// Accepts the code in any case, plus "bi-weekly", "bi_weekly" and "fortnightly".
    pub fn parse(text: &str) -> Option<Frequency> {
        let t = text.trim().to_ascii_lowercase().replace(['-', '_', ' '], "");
        match t.as_str() {
            "weekly" => Some(Frequency::Weekly),
            "biweekly" | "fortnightly" => Some(Frequency::BiWeekly),
            "monthly" => Some(Frequency::Monthly),
            _ => None,
        }
    }

    /// Payments per month as a fraction (52/12 weekly, 26/12 bi-weekly, 1/1 monthly).
    pub fn per_month(&self) -> (i64, i64) {
        match self {
            Frequency::Weekly => (52, 12),
            Frequency::BiWeekly => (26, 12),
            Frequency::Monthly => (1, 1),
        }
    }
}

/// Proposals inside these limits need no collector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AutoApproveLimits {
    pub max_installments: u32,
    pub max_term_days: u32,
    pub min_down_payment_percent: u8,
    /// Send every proposal that declares a hardship reason to a collector.
    pub review_if_hardship_declared: bool,
}

impl Default for AutoApproveLimits {
    fn default() -> Self {
        AutoApproveLimits {
            max_installments: 6,
            max_term_days: 200,
            min_down_payment_percent: 0,
            review_if_hardship_declared: false,
        }
    }
}

/// Rules for one stage. Amounts are minor units of the account's currency.
/// The term is counted from "today" to the last installment's due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StagePolicy {
    pub allowed_frequencies: Vec<Frequency>,
    pub max_installments: u32,
    pub max_term_days: u32,
    pub min_installment: i64,
    pub min_down_payment_minor: i64,
    pub min_down_payment_percent: u8,
    /// The first payment may be due this many days after today, at the earliest / latest.
    pub first_payment_earliest_days: u32,
    pub first_payment_latest_days: u32,
    pub auto_approve: AutoApproveLimits,
    /// Whether the final installment may be below `min_installment`. Installments are equal
    /// with the remainder on the last, so this only matters when what is left after the down
    /// payment is itself below the minimum and is paid as a single installment.
    pub allow_smaller_final_installment: bool,
}

impl Default for StagePolicy {
    /// The early-stage defaults: up to 26 weekly or ~6 monthly payments, ¥100 minimum.
    fn default() -> Self {
        StagePolicy {
            allowed_frequencies: Frequency::ALL.to_vec(),
            max_installments: 26,
            max_term_days: 200,
            min_installment: 10_000,
            min_down_payment_minor: 0,
            min_down_payment_percent: 0,
            first_payment_earliest_days: 1,
            first_payment_latest_days: 14,
            auto_approve: AutoApproveLimits::default(),
            allow_smaller_final_installment: true,
        }
    }
}

impl StagePolicy {
    fn middle() -> Self {
        StagePolicy {
            max_installments: 52,
            max_term_days: 380,
            auto_approve: AutoApproveLimits {
                max_installments: 12,
                max_term_days: 380,
                ..Default::default()
            },
            ..StagePolicy::default()
        }
    }

    fn late() -> Self {
        StagePolicy {
            allowed_frequencies: vec![Frequency::BiWeekly, Frequency::Monthly],
            max_installments: 24,
            max_term_days: 740,
            min_installment: 20_000,
            min_down_payment_percent: 10,
            first_payment_latest_days: 7,
            auto_approve: AutoApproveLimits {
                max_installments: 12,
                max_term_days: 380,
                min_down_payment_percent: 20,
                review_if_hardship_declared: false,
            },
            allow_smaller_final_installment: false,
            ..StagePolicy::default()
        }
    }

    /// The smallest down payment this stage accepts for a balance (never above the balance).
    pub fn min_down_payment(&self, balance: Money) -> Result<Money, MoneyError> {
        down_payment_floor(balance, self.min_down_payment_minor, self.min_down_payment_percent)
    }

    /// The smallest down payment that can still be auto-approved.
    pub fn auto_approve_min_down_payment(&self, balance: Money) -> Result<Money, MoneyError> {
        let pct = self
            .min_down_payment_percent
            .max(self.auto_approve.min_down_payment_percent);
        down_payment_floor(balance, self.min_down_payment_minor, pct)
    }

    pub fn allows(&self, frequency: Frequency) -> bool {
        self.allowed_frequencies.contains(&frequency)
    }
}

/// max(fixed minimum, percent of balance rounded up), capped at the balance.
fn down_payment_floor(balance: Money, fixed_minor: i64, percent: u8) -> Result<Money, MoneyError> {
    let by_percent = balance.checked_mul_div_ceil(i64::from(percent), 100)?;
    let floor = by_percent.minor.max(fixed_minor).min(balance.minor).max(0);
    Ok(Money::new(floor, balance.currency))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanPolicy {
    /// Recorded with every decision, so a decision can be explained later.
    pub version: String,
    pub thresholds: StageThresholds,
    /// Days after a missed due date before the installment counts as missed.
    pub grace_days: u32,
    /// Missed installments (beyond grace) tolerated before a plan is broken.
    pub missed_tolerance: u32,
    pub hardship_note_max_chars: u32,
    pub early: StagePolicy,
    pub middle: StagePolicy,
    pub late: StagePolicy,
    /// Consequences and the DPD from which each applies (kept last: TOML tables follow values).
    pub consequences: Vec<ConsequenceRule>,
}

impl Default for PlanPolicy {
    fn default() -> Self {
        PlanPolicy {
            version: "default-1".to_string(),
            thresholds: StageThresholds::default(),
            grace_days: 3,
            missed_tolerance: 1,
            hardship_note_max_chars: 500,
            early: StagePolicy::default(),
            middle: StagePolicy::middle(),
            late: StagePolicy::late(),
            consequences: default_rules(),
        }
    }
}

impl PlanPolicy {
    pub fn for_stage(&self, stage: Stage) -> &StagePolicy {
        match stage {
            Stage::Early => &self.early,
            Stage::Middle => &self.middle,
            Stage::Late => &self.late,
        }
    }

    pub fn for_stage_mut(&mut self, stage: Stage) -> &mut StagePolicy {
        match stage {
            Stage::Early => &mut self.early,
            Stage::Middle => &mut self.middle,
            Stage::Late => &mut self.late,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    #[test]
    fn frequencies_parse_from_common_spellings() {
        assert_eq!(Frequency::parse("Monthly"), Some(Frequency::Monthly));
        assert_eq!(Frequency::parse("bi-weekly"), Some(Frequency::BiWeekly));
        assert_eq!(Frequency::parse("fortnightly"), Some(Frequency::BiWeekly));
        assert_eq!(Frequency::parse(" WEEKLY "), Some(Frequency::Weekly));
        assert_eq!(Frequency::parse("daily"), None);
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse(f.code()), Some(f));
        }
    }

    #[test]
    fn each_stage_has_its_own_policy() {
        let p = PlanPolicy::default();
        assert_eq!(p.for_stage(Stage::Early).max_installments, 26);
        assert_eq!(p.for_stage(Stage::Middle).max_installments, 52);
        assert_eq!(p.for_stage(Stage::Late).min_down_payment_percent, 10);
        assert!(!p.for_stage(Stage::Late).allows(Frequency::Weekly));
    }

    #[test]
    fn the_default_policy_is_consistent() {
        assert_eq!(PlanPolicy::default().validate(), Ok(()));
    }

    #[test]
    fn minimum_down_payment_is_the_larger_of_fixed_and_percent_rounded_up() {
        let mut s = StagePolicy {
            min_down_payment_percent: 10,
            ..StagePolicy::default()
        };
        assert_eq!(s.min_down_payment(cny(100_001)), Ok(cny(10_001)));
        s.min_down_payment_minor = 50_000;
        assert_eq!(s.min_down_payment(cny(100_001)), Ok(cny(50_000)));
        assert_eq!(s.min_down_payment(cny(30_000)), Ok(cny(30_000)));
    }

    #[test]
    fn auto_approve_down_payment_uses_the_stricter_percent() {
        let late = PlanPolicy::default().late;
        assert_eq!(late.auto_approve_min_down_payment(cny(100_000)), Ok(cny(20_000)));
    }
}
