//! "Today" as the lender counts days past due: a calendar date in the lender's time zone.
//! Only the server reads the clock; the rulebook and the browser receive the date as data.

use chrono::{DateTime, NaiveDate, Offset, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::locale::LocalTime;

#[derive(Clone, Copy, Debug)]
pub struct LenderClock {
    pub zone: Tz,
    /// Tests and demos may pin the date so that figures are reproducible.
    pub fixed_today: Option<NaiveDate>,
}

impl LenderClock {
    pub fn new(zone: Tz) -> Self {
        LenderClock {
            zone,
            fixed_today: None,
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.fixed_today.unwrap_or_else(|| self.date_at(Utc::now()))
    }

    /// The lender's calendar date at an instant.
    pub fn date_at(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.zone).date_naive()
    }

    /// The lender's date at an instant stored as Unix ms.
    pub fn date_of_ms(&self, ms: i64) -> NaiveDate {
        self.date_at(DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default())
    }

    /// An instant (Unix ms) on the lender's wall clock.
    pub fn local_time(&self, ms: i64) -> Option<LocalTime> {
        let local = DateTime::<Utc>::from_timestamp_millis(ms)?.with_timezone(&self.zone);
        Some(LocalTime {
            date: local.date_naive(),
            hour: u8::try_from(local.hour()).ok()?,
            minute: u8::try_from(local.minute()).ok()?,
            utc_offset_minutes: i16::try_from(local.offset().fix().local_minus_utc() / 60).ok()?,
        })
    }
}

/// Parses an IANA zone name such as `Asia/Shanghai`.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("unknown time zone {name:?} (use an IANA name such as Asia/Shanghai)"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn shanghai() -> LenderClock {
        LenderClock::new(parse_zone("Asia/Shanghai").unwrap())
    }

    #[test]
    fn the_lender_day_turns_at_local_midnight_not_at_utc_midnight() {
        let clock = shanghai();
        let before = Utc.with_ymd_and_hms(2026, 11, 30, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap();
        assert_eq!(clock.date_at(before), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(clock.date_at(after), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let new_york = LenderClock::new(parse_zone("America/New_York").unwrap());
        assert_eq!(new_york.date_at(before), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    }

    #[test]
    fn a_pinned_date_wins_over_the_clock() {
        let pinned = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let clock = LenderClock {
            fixed_today: Some(pinned),
            ..shanghai()
        };
        assert_eq!(clock.today(), pinned);
    }

    #[test]
    fn an_instant_reads_on_the_lender_wall_clock_with_its_offset() {
        let instant = Utc.with_ymd_and_hms(2026, 11, 30, 16, 5, 0).unwrap().timestamp_millis();
        let time = shanghai().local_time(instant).unwrap();
        assert_eq!(time.date, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!((time.hour, time.minute, time.utc_offset_minutes), (0, 5, 480));
    }
}
