//! Tests for `schedule`: rounding, date rules, refusals and properties over any input.

use super::*;
use crate::domain::money::Currency;
use proptest::prelude::*;

fn cny(minor: i64) -> Money {
    Money::new(minor, Currency::CNY)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn dates(s: &Schedule) -> Vec<NaiveDate> {
    s.installments.iter().map(|i| i.due).collect()
}

#[test]
fn installments_are_equal_and_the_last_absorbs_the_remainder() {
    let s = generate(cny(100_000), cny(0), 3, Frequency::Monthly, d(2026, 1, 15)).unwrap();
    let amounts: Vec<i64> = s.installments.iter().map(|i| i.amount.minor).collect();
    assert_eq!(amounts, vec![33_333, 33_333, 33_334]);
    assert_eq!(s.total, cny(100_000));
    assert_eq!(s.down_payment, None);
}

#[test]
fn monthly_dates_keep_the_day_of_month_clamped_to_month_end() {
    let s = generate(cny(400_000), cny(0), 4, Frequency::Monthly, d(2026, 1, 31)).unwrap();
    assert_eq!(
        dates(&s),
        vec![d(2026, 1, 31), d(2026, 2, 28), d(2026, 3, 31), d(2026, 4, 30)]
    );
    let s = generate(cny(200_000), cny(0), 2, Frequency::Monthly, d(2028, 1, 31)).unwrap();
    assert_eq!(dates(&s), vec![d(2028, 1, 31), d(2028, 2, 29)]);
}

#[test]
fn weekly_and_biweekly_dates_step_by_seven_and_fourteen_days() {
    let s = generate(cny(30_000), cny(0), 3, Frequency::Weekly, d(2026, 12, 24)).unwrap();
    assert_eq!(dates(&s), vec![d(2026, 12, 24), d(2026, 12, 31), d(2027, 1, 7)]);
    let s = generate(cny(30_000), cny(0), 2, Frequency::BiWeekly, d(2026, 2, 20)).unwrap();
    assert_eq!(dates(&s), vec![d(2026, 2, 20), d(2026, 3, 6)]);
}

#[test]
fn a_down_payment_is_due_on_the_first_date_and_installments_one_period_later() {
    let s = generate(cny(100_000), cny(10_000), 2, Frequency::Monthly, d(2026, 5, 10)).unwrap();
    assert_eq!(
        s.down_payment,
        Some(DownPayment {
            due: d(2026, 5, 10),
            amount: cny(10_000)
        })
    );
    assert_eq!(dates(&s), vec![d(2026, 6, 10), d(2026, 7, 10)]);
    assert_eq!(s.installments[0].amount, cny(45_000));
    assert_eq!(s.first_due(), Some(d(2026, 5, 10)));
    assert_eq!(s.last_due(), Some(d(2026, 7, 10)));
    assert_eq!(s.term_days(d(2026, 5, 1)), 70);
}

#[test]
fn a_down_payment_of_the_whole_balance_is_not_a_plan() {
    let err = generate(cny(100), cny(100), 1, Frequency::Monthly, d(2026, 1, 1)).unwrap_err();
    assert_eq!(err, ScheduleError::DownPaymentCoversBalance { balance: cny(100) });
    assert!(generate(cny(100), cny(99), 1, Frequency::Monthly, d(2026, 1, 1)).is_ok());
}

#[test]
fn zero_installments_and_more_than_the_hard_limit_are_refused() {
    let f = |n| generate(cny(1_000_000_000), cny(0), n, Frequency::Weekly, d(2026, 1, 1));
    assert_eq!(f(0).unwrap_err(), ScheduleError::NoInstallments);
    assert!(f(MAX_INSTALLMENTS).is_ok());
    assert_eq!(
        f(MAX_INSTALLMENTS + 1).unwrap_err(),
        ScheduleError::TooManyInstallments { max: MAX_INSTALLMENTS }
    );
}

#[test]
fn more_installments_than_minor_units_is_refused_with_the_most_possible() {
    let err = generate(cny(5), cny(0), 6, Frequency::Weekly, d(2026, 1, 1)).unwrap_err();
    assert_eq!(err, ScheduleError::InstallmentWouldBeZero { max_count: 5 });
    assert!(generate(cny(5), cny(0), 5, Frequency::Weekly, d(2026, 1, 1)).is_ok());
}

#[test]
fn bad_amounts_are_refused() {
    let day = d(2026, 1, 1);
    assert_eq!(
        generate(cny(0), cny(0), 1, Frequency::Monthly, day),
        Err(ScheduleError::NothingOwed)
    );
    assert_eq!(
        generate(cny(10), cny(-1), 1, Frequency::Monthly, day),
        Err(ScheduleError::NegativeDownPayment)
    );
    let usd = Money::new(0, Currency::USD);
    assert_eq!(
        generate(cny(10), usd, 1, Frequency::Monthly, day),
        Err(ScheduleError::CurrencyMismatch)
    );
}

#[test]
fn dates_past_the_end_of_the_calendar_are_refused() {
    let err = generate(cny(1000), cny(0), 3, Frequency::Monthly, NaiveDate::MAX).unwrap_err();
    assert_eq!(err, ScheduleError::DateOutOfRange);
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (-100_000_000i32..100_000_000).prop_filter_map("in range", NaiveDate::from_num_days_from_ce_opt)
}

fn plausible_date() -> impl Strategy<Value = NaiveDate> {
    (1i32..9999, 1u32..=12, 1u32..=31).prop_filter_map("valid", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn frequency() -> impl Strategy<Value = Frequency> {
    prop::sample::select(Frequency::ALL.to_vec())
}

proptest! {
    #[test]
    fn valid_schedules_sum_to_the_balance_with_strictly_increasing_dates(
        balance in 1i64..=Money::MAX_TYPED_MINOR,
        down_share in 0u32..100,
        count in 1u32..=120,
        freq in frequency(),
        first in plausible_date(),
    ) {
        let down = balance / 100 * i64::from(down_share);
        let result = generate(cny(balance), cny(down), count, freq, first);
        let Ok(s) = result else {
            prop_assert!(balance - down < i64::from(count) || first.year_ce().1 > 9000);
            return Ok(());
        };
        let sum = s.installments.iter().try_fold(s.down_payment.map_or(0, |d| d.amount.minor), |acc, i| acc.checked_add(i.amount.minor));
        prop_assert_eq!(sum, Some(balance));
        prop_assert_eq!(s.total, cny(balance));
        prop_assert_eq!(s.installments.len(), count as usize);
        let mut all = vec![];
        all.extend(s.down_payment.map(|d| d.due));
        all.extend(dates(&s));
        prop_assert!(all.windows(2).all(|w| w[0] < w[1]));
        prop_assert_eq!(all.first().copied(), Some(first));
        let regular = s.installments[0].amount;
        prop_assert!(s.installments.iter().all(|i| i.amount.minor > 0));
        prop_assert!(s.installments[..s.installments.len() - 1].iter().all(|i| i.amount == regular));
        prop_assert!(s.installments.last().unwrap().amount.minor >= regular.minor);
    }

    #[test]
    fn generate_never_panics_on_any_input(
        balance in any::<i64>(),
        down in any::<i64>(),
        count in any::<u32>(),
        freq in frequency(),
        first in any_date(),
    ) {
        let count = if count > 5000 { count % 2000 } else { count };
        let _ = generate(cny(balance), cny(down), count, freq, first);
    }
}

use chrono::Datelike;
