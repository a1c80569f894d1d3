//! Tests for `PlanProposal::parse`: each plan rule at its boundaries, and error collection.
//! Fixtures: today is 2026-06-15; DPD 10 is early, 45 middle, 120 late (default policy).

use super::*;
use crate::domain::money::AmountError;
use crate::domain::test_support::*;

const EARLY: u64 = 10;
const MIDDLE: u64 = 45;
const LATE: u64 = 120;

fn parse(raw: &RawProposal, account: &AccountTerms) -> Result<PlanProposal, Vec<PlanError>> {
    PlanProposal::parse(raw, account, &PlanPolicy::default(), today())
}

fn errors_of(raw: &RawProposal, account: &AccountTerms) -> Vec<PlanError> {
    parse(raw, account).unwrap_err()
}

fn in_days(n: u64) -> String {
    iso(days_from_today(n))
}

#[test]
fn a_proposal_within_policy_parses_into_a_schedule() {
    let p = parse(&raw("", "6", "monthly", &in_days(5)), &account(MIDDLE, 600_000)).unwrap();
    assert_eq!(p.stage, Stage::Middle);
    assert_eq!(p.dpd, 45);
    assert_eq!(p.installments, 6);
    assert_eq!(p.schedule.installments.len(), 6);
    assert_eq!(p.schedule.regular_amount(), Some(cny(100_000)));
    assert_eq!(p.affordability_flag, AffordabilityFlag::NotProvided);
}

#[test]
fn an_account_not_past_due_is_rejected_with_not_overdue() {
    assert_eq!(
        errors_of(&raw("", "6", "monthly", &in_days(5)), &account(0, 600_000)),
        vec![PlanError::NotOverdue]
    );
}

#[test]
fn an_account_with_nothing_owed_is_rejected() {
    assert_eq!(
        errors_of(&raw("", "6", "monthly", &in_days(5)), &account(EARLY, 0)),
        vec![PlanError::NothingOwed]
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let errors = errors_of(&raw("abc", "x", "daily", "soon"), &account(MIDDLE, 600_000));
    let fields: Vec<Field> = errors.iter().map(PlanError::field).collect();
    assert_eq!(
        fields,
        vec![
            Field::DownPayment,
            Field::Installments,
            Field::Frequency,
            Field::FirstPaymentDate
        ]
    );
    assert_eq!(
        errors[0],
        PlanError::Amount {
            field: Field::DownPayment,
            error: AmountError::NotANumber
        }
    );
}

#[test]
fn empty_required_fields_are_reported_as_required() {
    let errors = errors_of(&raw("", " ", "", ""), &account(MIDDLE, 600_000));
    let required = |field| PlanError::Required { field };
    assert_eq!(
        errors,
        vec![
            required(Field::Installments),
            required(Field::Frequency),
            required(Field::FirstPaymentDate)
        ]
    );
    assert_eq!(errors[0].code(), "required");
}

#[test]
fn installments_at_the_maximum_are_accepted_and_one_more_is_too_many() {
    let acct = account(MIDDLE, 10_000_000);
    assert!(parse(&raw("", "52", "weekly", &in_days(1)), &acct).is_ok());
    assert_eq!(
        errors_of(&raw("", "53", "weekly", &in_days(1)), &acct),
        vec![PlanError::TooManyInstallments { max: 52 }]
    );
    let huge = errors_of(&raw("", "99999999999999999999", "weekly", &in_days(1)), &acct);
    assert_eq!(huge, vec![PlanError::TooManyInstallments { max: 52 }]);
}

#[test]
fn zero_installments_are_too_few_and_words_are_not_a_number() {
    let acct = account(MIDDLE, 600_000);
    assert_eq!(
        errors_of(&raw("", "0", "monthly", &in_days(1)), &acct),
        vec![PlanError::TooFewInstallments { min: 1 }]
    );
    assert_eq!(
        errors_of(&raw("", "six", "monthly", &in_days(1)), &acct),
        vec![PlanError::InvalidNumber]
    );
    assert_eq!(
        errors_of(&raw("", "-3", "monthly", &in_days(1)), &acct),
        vec![PlanError::InvalidNumber]
    );
    assert!(parse(&raw("", "６", "monthly", &in_days(1)), &acct).is_ok());
}

#[test]
fn installment_exactly_at_the_minimum_is_accepted() {
    let p = parse(&raw("", "12", "monthly", &in_days(1)), &account(MIDDLE, 120_000)).unwrap();
    assert_eq!(p.schedule.regular_amount(), Some(cny(10_000)));
}

#[test]
fn installment_below_minimum_is_rejected_with_the_minimum() {
    let errors = errors_of(&raw("", "13", "monthly", &in_days(1)), &account(MIDDLE, 120_000));
    assert_eq!(
        errors,
        vec![PlanError::InstallmentBelowMinimum {
            min: cny(10_000),
            actual: cny(9_230),
            max_installments: 12
        }]
    );
    assert_eq!(errors[0].field(), Field::Installments);
}

#[test]
fn a_single_small_installment_is_accepted_where_the_policy_allows_a_smaller_final_one() {
    let p = parse(&raw("", "1", "monthly", &in_days(1)), &account(EARLY, 5_000)).unwrap();
    assert_eq!(p.schedule.final_amount(), Some(cny(5_000)));
}

#[test]
fn a_single_small_installment_is_rejected_where_the_policy_does_not_allow_it() {
    let errors = errors_of(&raw("5", "1", "monthly", &in_days(1)), &account(LATE, 5_000));
    assert_eq!(
        errors,
        vec![PlanError::InstallmentBelowMinimum {
            min: cny(20_000),
            actual: cny(4_500),
            max_installments: 0
        }]
    );
}

#[test]
fn more_installments_than_fen_owed_is_too_many() {
    let mut policy = PlanPolicy::default();
    policy.early.min_installment = 0;
    let errors = PlanProposal::parse(
        &raw("", "6", "weekly", &in_days(1)),
        &account(EARLY, 5),
        &policy,
        today(),
    )
    .unwrap_err();
    assert_eq!(errors, vec![PlanError::TooManyInstallments { max: 5 }]);
}

#[test]
fn a_frequency_the_stage_does_not_allow_is_rejected_with_the_allowed_ones() {
    let errors = errors_of(&raw("200", "6", "weekly", &in_days(1)), &account(LATE, 200_000));
    assert_eq!(
        errors,
        vec![PlanError::FrequencyNotAllowed {
            allowed: vec![Frequency::BiWeekly, Frequency::Monthly]
        }]
    );
    let errors = errors_of(&raw("200", "6", "daily", &in_days(1)), &account(LATE, 200_000));
    assert_eq!(
        errors,
        vec![PlanError::InvalidFrequency {
            allowed: vec![Frequency::BiWeekly, Frequency::Monthly]
        }]
    );
}

#[test]
fn first_payment_on_the_earliest_day_is_accepted_and_a_day_sooner_is_too_soon() {
    let acct = account(MIDDLE, 600_000);
    assert!(parse(&raw("", "6", "monthly", &in_days(1)), &acct).is_ok());
    let errors = errors_of(&raw("", "6", "monthly", &in_days(0)), &acct);
    assert_eq!(
        errors,
        vec![PlanError::FirstPaymentTooSoon {
            earliest: days_from_today(1)
        }]
    );
}

#[test]
fn first_payment_on_the_latest_day_is_accepted_and_a_day_later_is_too_late() {
    let acct = account(MIDDLE, 600_000);
    assert!(parse(&raw("", "6", "monthly", &in_days(14)), &acct).is_ok());
    let errors = errors_of(&raw("", "6", "monthly", &in_days(15)), &acct);
    assert_eq!(
        errors,
        vec![PlanError::FirstPaymentTooLate {
            latest: days_from_today(14)
        }]
    );
}

#[test]
fn dates_are_read_in_common_written_forms_and_impossible_dates_are_invalid() {
    assert_eq!(parse_date("2026/06/20"), Some(d(2026, 6, 20)));
    assert_eq!(parse_date("2026.6.20"), Some(d(2026, 6, 20)));
    assert_eq!(parse_date("2026年6月20日"), Some(d(2026, 6, 20)));
    assert_eq!(parse_date("２０２６－０６－２０"), Some(d(2026, 6, 20)));
    for bad in [
        "2026-02-30",
        "20-06-2026",
        "2026-06",
        "2026-06-20-1",
        "tomorrow",
        "+2026-06-20",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
    let errors = errors_of(&raw("", "6", "monthly", "2026-02-30"), &account(MIDDLE, 600_000));
    assert_eq!(errors, vec![PlanError::InvalidDate]);
}

#[test]
fn a_term_at_the_maximum_is_accepted_and_one_day_more_is_too_long() {
    let mut policy = PlanPolicy::default();
    // 6 monthly from 2026-06-16: last on 2026-11-16, 154 days after today.
    policy.middle.max_term_days = 154;
    let acct = account(MIDDLE, 600_000);
    assert!(PlanProposal::parse(&raw("", "6", "monthly", &in_days(1)), &acct, &policy, today()).is_ok());
    let errors = PlanProposal::parse(&raw("", "6", "monthly", &in_days(2)), &acct, &policy, today()).unwrap_err();
    assert_eq!(
        errors,
        vec![PlanError::TermTooLong {
            max_days: 154,
            actual_days: 155,
            latest_end: Some(d(2026, 11, 16))
        }]
    );
}

#[test]
fn a_down_payment_at_the_minimum_is_accepted_and_one_fen_less_is_below_it() {
    let acct = account(LATE, 200_000);
    assert!(parse(&raw("200", "6", "monthly", &in_days(1)), &acct).is_ok());
    let errors = errors_of(&raw("199.99", "6", "monthly", &in_days(1)), &acct);
    assert_eq!(errors, vec![PlanError::DownPaymentBelowMinimum { min: cny(20_000) }]);
    assert_eq!(errors_of(&raw("", "6", "monthly", &in_days(1)), &acct), errors);
}

#[test]
fn a_down_payment_of_the_balance_or_more_is_not_a_plan() {
    let acct = account(MIDDLE, 200_000);
    let covers = errors_of(&raw("2000", "6", "monthly", &in_days(1)), &acct);
    assert_eq!(
        covers,
        vec![PlanError::DownPaymentCoversBalance { balance: cny(200_000) }]
    );
    let exceeds = errors_of(&raw("2000.01", "6", "monthly", &in_days(1)), &acct);
    assert_eq!(
        exceeds,
        vec![PlanError::DownPaymentExceedsBalance { balance: cny(200_000) }]
    );
}

#[test]
fn a_negative_down_payment_is_an_amount_error_on_that_field() {
    let errors = errors_of(&raw("-5", "6", "monthly", &in_days(1)), &account(MIDDLE, 200_000));
    assert_eq!(
        errors,
        vec![PlanError::Amount {
            field: Field::DownPayment,
            error: AmountError::Negative
        }]
    );
}
