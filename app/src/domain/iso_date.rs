//! Dates on the wire as "YYYY-MM-DD", read by a strict parser of our own. Used (through
//! `#[serde(with = "iso_date")]`) on the dates that island props carry into the browser: the
//! same text chrono would write, without chrono's general date-format parser in the bundle.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = <&str>::deserialize(deserializer)?;
    parse(text).ok_or_else(|| serde::de::Error::custom("a date written YYYY-MM-DD"))
}

/// "2026-12-01" and nothing else (no sign, no spaces, four-digit year).
pub fn parse(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)?
            .iter()
            .try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(digits(0..4)?).ok()?, digits(5..7)?, digits(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_real_date_written_yyyy_mm_dd_is_read() {
        assert_eq!(parse("2026-02-28"), NaiveDate::from_ymd_opt(2026, 2, 28));
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "26-02-28",
            "2026/02/28",
            "+026-02-28",
            " 2026-02-28",
            "２０２６-02-28",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_date_goes_through_json_as_chrono_writes_it() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Holder {
            #[serde(with = "super")]
            on: NaiveDate,
        }
        let holder = Holder {
            on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        };
        let json = serde_json::to_string(&holder).unwrap();
        assert_eq!(json, r#"{"on":"2026-12-01"}"#);
        assert_eq!(
            json,
            serde_json::to_string(&serde_json::json!({ "on": holder.on })).unwrap()
        );
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
        assert!(serde_json::from_str::<Holder>(r#"{"on":"2026-13-01"}"#).is_err());
    }
}
