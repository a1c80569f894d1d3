//! The rulebook: money, stages, consequences, plan policy, schedules and the checks on a
//! borrower's proposal. Pure functions without I/O or clock reads ("today" is passed in),
//! compiled into both the server (authoritative) and the browser (live preview).

pub mod adherence;
pub mod affordability;
pub mod allocation;
pub mod consequences;
pub mod decision;
pub mod dpd;
pub mod input;
pub mod iso_date;
pub mod locale;
pub mod money;
pub mod policy;
pub mod proposal;
pub mod schedule;
pub mod stage;
pub mod suggest;

pub use affordability::{assess, Affordability, AffordabilityFlag};
pub use consequences::{timeline, ConsequenceKind, ConsequenceRule, NextConsequence, Timeline};
pub use decision::{decide, Decision, DecisionOutcome, ReviewReason};
pub use dpd::days_past_due;
pub use locale::{format_date, Locale};
pub use money::{parse_amount, AmountError, Currency, Money, MoneyError};
pub use policy::{AutoApproveLimits, Frequency, PlanPolicy, PolicyError, PolicyProblem, StagePolicy};
pub use proposal::{AccountTerms, Field, HardshipReason, PlanError, PlanProposal, RawProposal};
pub use schedule::{generate, DownPayment, Installment, Schedule, ScheduleError};
pub use stage::{Stage, StageThresholds};
pub use suggest::{suggestions, Suggestion, SuggestionKind};

#[cfg(test)]
pub(crate) mod test_support;
