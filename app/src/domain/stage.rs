//! Collection stage, derived from days past due and the policy's thresholds; never stored.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Early,
    Middle,
    Late,
}

/// First DPD of the middle and late stages; early starts at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StageThresholds {
    pub middle_from: u32,
    pub late_from: u32,
}

impl Default for StageThresholds {
    fn default() -> Self {
        StageThresholds {
            middle_from: 31,
            late_from: 91,
        }
    }
}

impl StageThresholds {
    /// The first DPD of a stage.
    pub fn starts_at(&self, stage: Stage) -> u32 {
        match stage {
            Stage::Early => 1,
            Stage::Middle => self.middle_from,
            Stage::Late => self.late_from,
        }
    }
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Early, Stage::Middle, Stage::Late];

    /// None when the account is not overdue (dpd == 0).
    pub fn from_dpd(dpd: u32, thresholds: &StageThresholds) -> Option<Stage> {
        if dpd == 0 {
            None
        } else if dpd >= thresholds.late_from {
            Some(Stage::Late)
        } else if dpd >= thresholds.middle_from {
            Some(Stage::Middle)
        } else {
            Some(Stage::Early)
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Stage::Early => "early",
            Stage::Middle => "middle",
            Stage::Late => "late",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(code.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(dpd: u32) -> Option<Stage> {
        Stage::from_dpd(dpd, &StageThresholds::default())
    }

    #[test]
    fn an_account_not_past_due_has_no_stage() {
        assert_eq!(stage(0), None);
    }

    #[test]
    fn stages_change_exactly_at_the_default_thresholds() {
        assert_eq!(stage(1), Some(Stage::Early));
        assert_eq!(stage(30), Some(Stage::Early));
        assert_eq!(stage(31), Some(Stage::Middle));
        assert_eq!(stage(90), Some(Stage::Middle));
        assert_eq!(stage(91), Some(Stage::Late));
        assert_eq!(stage(u32::MAX), Some(Stage::Late));
    }

    #[test]
    fn custom_thresholds_move_the_boundaries() {
        let t = StageThresholds {
            middle_from: 10,
            late_from: 20,
        };
        assert_eq!(Stage::from_dpd(9, &t), Some(Stage::Early));
        assert_eq!(Stage::from_dpd(10, &t), Some(Stage::Middle));
        assert_eq!(Stage::from_dpd(20, &t), Some(Stage::Late));
    }

    #[test]
    fn stage_codes_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.code()), Some(s));
        }
        assert_eq!(serde_json::to_string(&Stage::Middle).unwrap(), r#""middle""#);
    }
}
