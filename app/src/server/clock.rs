//! "Today" as the lender counts days past due: a calendar date in the lender's time zone.
//! Only the server reads the clock; the rulebook and the browser receive the date as data.

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;

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
        self.fixed_today
            .unwrap_or_else(|| Utc::now().with_timezone(&self.zone).date_naive())
    }
}

/// Parses an IANA zone name such as `Asia/Shanghai`.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("unknown time zone {name:?} (use an IANA name such as Asia/Shanghai)"))
}
