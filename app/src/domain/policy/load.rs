//! The shipped policy as TOML text, and (server only) loading a policy file: keys left out
//! fall back to the default of their own stage, unknown keys are refused (a typo must not
//! silently loosen a limit), and the result is checked with `PlanPolicy::validate`.

/// The default policy, as an operator would write it. `PlanPolicy::from_toml` of this text
/// equals `PlanPolicy::default()` (tested).
pub const DEFAULT_POLICY_TOML: &str = r#"
version = "default-1"
grace_days = 3              # days after a due date before an installment counts as missed
missed_tolerance = 1        # missed installments tolerated before a plan is broken
hardship_note_max_chars = 500

[thresholds]                # days past due at which each stage starts (early starts at 1)
middle_from = 31
late_from = 91

[early]
allowed_frequencies = ["weekly", "biweekly", "monthly"]
max_installments = 26
max_term_days = 200         # from today to the last installment
min_installment = 10000     # minor units of the account currency (¥100.00)
min_down_payment_minor = 0
min_down_payment_percent = 0
first_payment_earliest_days = 1
first_payment_latest_days = 14
allow_smaller_final_installment = true
auto_approve = { max_installments = 6, max_term_days = 200, min_down_payment_percent = 0, review_if_hardship_declared = false }

[middle]
allowed_frequencies = ["weekly", "biweekly", "monthly"]
max_installments = 52
max_term_days = 380
min_installment = 10000
min_down_payment_minor = 0
min_down_payment_percent = 0
first_payment_earliest_days = 1
first_payment_latest_days = 14
allow_smaller_final_installment = true
auto_approve = { max_installments = 12, max_term_days = 380, min_down_payment_percent = 0, review_if_hardship_declared = false }

[late]
allowed_frequencies = ["biweekly", "monthly"]
max_installments = 24
max_term_days = 740
min_installment = 20000
min_down_payment_minor = 0
min_down_payment_percent = 10
first_payment_earliest_days = 1
first_payment_latest_days = 7
allow_smaller_final_installment = false
auto_approve = { max_installments = 12, max_term_days = 380, min_down_payment_percent = 20, review_if_hardship_declared = false }

[[consequences]]
kind = "reminders"
from_dpd = 1
[[consequences]]
kind = "late_fees"
from_dpd = 1
[[consequences]]
kind = "collector_calls"
from_dpd = 8
[[consequences]]
kind = "legal_review"
from_dpd = 61
[[consequences]]
kind = "credit_bureau_report"
from_dpd = 91
[[consequences]]
kind = "external_agency"
from_dpd = 121
[[consequences]]
kind = "lawsuit"
from_dpd = 151
[[consequences]]
kind = "asset_preservation"
from_dpd = 181
"#;

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::{PlanPolicy, PolicyError};
    use toml::{Table, Value};

    impl PlanPolicy {
        /// Reads a policy file; see the module doc for how gaps and typos are handled.
        pub fn from_toml(text: &str) -> Result<PlanPolicy, PolicyError> {
            let given: Table = text.parse().map_err(|e: toml::de::Error| PolicyError::Syntax {
                message: e.message().to_string(),
                line: e.span().and_then(|s| line_of(text, s.start)),
            })?;
            let mut merged = match Value::try_from(PlanPolicy::default()) {
                Ok(Value::Table(t)) => t,
                _ => Table::new(),
            };
            merge(&mut merged, given);
            let policy: PlanPolicy =
                Value::Table(merged)
                    .try_into()
                    .map_err(|e: toml::de::Error| PolicyError::Syntax {
                        message: e.message().to_string(),
                        line: None,
                    })?;
            policy
                .validate()
                .map_err(|problems| PolicyError::Invalid { problems })?;
            Ok(policy)
        }

        /// The policy as TOML text (e.g. to show an operator what is in force).
        pub fn to_toml(&self) -> Option<String> {
            toml::to_string(self).ok()
        }
    }

    /// Tables merge key by key; any other value (arrays included) replaces the default.
    fn merge(base: &mut Table, given: Table) {
        for (key, value) in given {
            match (base.get_mut(&key), value) {
                (Some(Value::Table(b)), Value::Table(g)) => merge(b, g),
                (_, v) => {
                    base.insert(key, v);
                }
            }
        }
    }

    fn line_of(text: &str, byte: usize) -> Option<u32> {
        let before = text.get(..byte)?;
        u32::try_from(before.matches('\n').count()).ok()?.checked_add(1)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::super::{PlanPolicy, PolicyError, PolicyProblem, StageProblem};
    use super::DEFAULT_POLICY_TOML;
    use crate::domain::stage::Stage;
    use proptest::prelude::*;

    #[test]
    fn the_default_policy_text_equals_the_default_policy() {
        assert_eq!(PlanPolicy::from_toml(DEFAULT_POLICY_TOML), Ok(PlanPolicy::default()));
    }

    #[test]
    fn a_policy_written_out_reads_back_the_same() {
        let text = PlanPolicy::default().to_toml().unwrap();
        assert_eq!(PlanPolicy::from_toml(&text), Ok(PlanPolicy::default()));
    }

    #[test]
    fn an_empty_file_is_the_default_policy() {
        assert_eq!(PlanPolicy::from_toml(""), Ok(PlanPolicy::default()));
    }

    #[test]
    fn missing_keys_fall_back_to_the_default_of_their_own_stage() {
        let p = PlanPolicy::from_toml("version = \"v7\"\n[late]\nmax_installments = 30\n").unwrap();
        assert_eq!(p.version, "v7");
        assert_eq!(p.late.max_installments, 30);
        assert_eq!(p.late.min_down_payment_percent, 10);
        assert_eq!(p.late.min_installment, 20_000);
        assert_eq!(p.early, PlanPolicy::default().early);
    }

    #[test]
    fn inconsistent_values_are_reported_as_problems() {
        let text = "[thresholds]\nmiddle_from = 100\n[middle]\nfirst_payment_earliest_days = 20\n";
        let Err(PolicyError::Invalid { problems }) = PlanPolicy::from_toml(text) else {
            panic!()
        };
        assert!(problems.contains(&PolicyProblem::ThresholdsOutOfOrder {
            middle_from: 100,
            late_from: 91
        }));
        assert!(problems.contains(&PolicyProblem::Stage {
            stage: Stage::Middle,
            problem: StageProblem::FirstPaymentWindowInverted {
                earliest_days: 20,
                latest_days: 14
            },
        }));
    }

    #[test]
    fn a_misspelt_key_is_refused_rather_than_ignored() {
        let err = PlanPolicy::from_toml("[early]\nmax_instalments = 3\n").unwrap_err();
        assert!(matches!(err, PolicyError::Syntax { .. }));
    }

    #[test]
    fn a_syntax_error_carries_its_line() {
        let err = PlanPolicy::from_toml("version = \"x\"\n[early\n").unwrap_err();
        assert!(matches!(err, PolicyError::Syntax { line: Some(2), .. }), "{err:?}");
    }

    #[test]
    fn a_wrong_type_is_refused() {
        let err = PlanPolicy::from_toml("[early]\nmax_installments = \"six\"\n").unwrap_err();
        assert!(matches!(err, PolicyError::Syntax { .. }));
        let err = PlanPolicy::from_toml("[early]\nmax_installments = -1\n").unwrap_err();
        assert!(matches!(err, PolicyError::Syntax { .. }));
    }

    proptest! {
        #[test]
        fn from_toml_never_panics(s in any::<String>()) {
            let _ = PlanPolicy::from_toml(&s);
        }
    }
}
