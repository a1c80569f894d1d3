//! Days past due, counted from the oldest unpaid due date. "Today" is always passed in,
//! already converted to the lender's time zone by the server.

use chrono::NaiveDate;

/// 0 on or before the due date, 1 the day after, saturating at `u32::MAX`.
pub fn days_past_due(oldest_unpaid_due: NaiveDate, today: NaiveDate) -> u32 {
    let days = today.signed_duration_since(oldest_unpaid_due).num_days();
    u32::try_from(days.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn on_the_due_date_nothing_is_past_due() {
        assert_eq!(days_past_due(d(2026, 3, 1), d(2026, 3, 1)), 0);
    }

    #[test]
    fn the_day_after_the_due_date_is_one_day_past_due() {
        assert_eq!(days_past_due(d(2026, 3, 1), d(2026, 3, 2)), 1);
    }

    #[test]
    fn before_the_due_date_is_zero_not_negative() {
        assert_eq!(days_past_due(d(2026, 3, 1), d(2025, 3, 1)), 0);
    }

    #[test]
    fn counting_crosses_leap_days() {
        assert_eq!(days_past_due(d(2028, 2, 28), d(2028, 3, 1)), 2);
    }

    #[test]
    fn the_extremes_of_the_calendar_do_not_panic() {
        assert!(days_past_due(NaiveDate::MIN, NaiveDate::MAX) > 0);
        assert_eq!(days_past_due(NaiveDate::MAX, NaiveDate::MIN), 0);
    }

    proptest! {
        #[test]
        fn dpd_never_panics(a in -1_000_000i32..1_000_000, b in -1_000_000i32..1_000_000) {
            if let (Some(x), Some(y)) = (NaiveDate::from_num_days_from_ce_opt(a),
                                         NaiveDate::from_num_days_from_ce_opt(b)) {
                let _ = days_past_due(x, y);
            }
        }
    }
}
