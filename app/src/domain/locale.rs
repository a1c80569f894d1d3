//! The two UI languages, how to pick one from a tag or an Accept-Language header, and
//! how dates are written in each ("12 Dec 2026" / "2026年12月12日").

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    pub fn code(&self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// Reads a BCP 47 tag by its primary language: "en", "en-US" -> En; "zh", "zh-CN",
    /// "zh-Hans", "zh_TW" -> ZhCn (any Chinese reader is better served by zh-CN than by en).
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") {
            Some(Locale::En)
        } else if primary.eq_ignore_ascii_case("zh") {
            Some(Locale::ZhCn)
        } else {
            None
        }
    }

    /// Best supported language of an Accept-Language header, honouring q-values (read as
    /// integer thousandths, no floats); ties keep header order; default En.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(u16, Locale)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("");
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .map_or(Some(1000), parse_q);
            let (Some(q), Some(locale)) = (q, Locale::parse(tag)) else {
                continue;
            };
            if q > 0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map_or(Locale::En, |(_, l)| l)
    }
}

/// How a locale writes amounts: group and decimal separators, and where the symbol goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    pub group: &'static str,
    pub decimal: &'static str,
    pub symbol_after: bool,
}

impl NumberFormat {
    /// English and Chinese (CLDR en, zh): "¥1,234.56".
    pub const EN: NumberFormat = NumberFormat {
        group: ",",
        decimal: ".",
        symbol_after: false,
    };
    /// French: "1 234,56 €", grouped by a narrow no-break space.
    pub const FR: NumberFormat = NumberFormat {
        group: "\u{202f}",
        decimal: ",",
        symbol_after: true,
    };
    /// German: "1.234,56 €".
    pub const DE: NumberFormat = NumberFormat {
        group: ".",
        decimal: ",",
        symbol_after: true,
    };

    /// The conventions of a UI language.
    pub fn of(locale: Locale) -> NumberFormat {
        match locale {
            Locale::En | Locale::ZhCn => NumberFormat::EN,
        }
    }

    /// The conventions of a BCP 47 tag by its primary language (en, zh, fr, de), if known.
    pub fn for_tag(tag: &str) -> Option<NumberFormat> {
        if let Some(locale) = Locale::parse(tag) {
            return Some(NumberFormat::of(locale));
        }
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        [("fr", NumberFormat::FR), ("de", NumberFormat::DE)]
            .into_iter()
            .find(|(code, _)| primary.eq_ignore_ascii_case(code))
            .map(|(_, style)| style)
    }
}

/// "0.8" -> 800, "1" -> 1000; anything malformed or above 1 is ignored (None).
fn parse_q(text: &str) -> Option<u16> {
    let text = text.trim();
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u16 = match int {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    let mut thousandths: u16 = 0;
    for (ch, scale) in frac.chars().zip([100u16, 10, 1]) {
        let digit = u16::try_from(ch.to_digit(10)?).ok()?;
        thousandths = thousandths.checked_add(digit.checked_mul(scale)?)?;
    }
    let q = whole.checked_add(thousandths)?;
    (q <= 1000).then_some(q)
}

/// A calendar date for display in the given language.
pub fn format_date(date: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::En => format!("{} {} {}", date.day(), month_abbrev(date.month()), date.year()),
        Locale::ZhCn => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// A moment as read on the lender's wall clock, with that clock's offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    pub date: NaiveDate,
    pub hour: u8,
    pub minute: u8,
    pub utc_offset_minutes: i16,
}

/// "12 Dec 2026, 14:05 (UTC+8)" / "2026年12月12日 14:05（UTC+8）".
pub fn format_local_time(time: LocalTime, locale: Locale) -> String {
    let offset = time.utc_offset_minutes;
    let sign = if offset < 0 { '-' } else { '+' };
    let (hours, minutes) = (offset.unsigned_abs() / 60, offset.unsigned_abs() % 60);
    let zone = if minutes == 0 {
        format!("UTC{sign}{hours}")
    } else {
        format!("UTC{sign}{hours}:{minutes:02}")
    };
    let (date, clock) = (
        format_date(time.date, locale),
        format!("{:02}:{:02}", time.hour, time.minute),
    );
    match locale {
        Locale::En => format!("{date}, {clock} ({zone})"),
        Locale::ZhCn => format!("{date} {clock}（{zone}）"),
    }
}

fn month_abbrev(month: u32) -> &'static str {
    match month {
        1 => "Jan",
        2 => "Feb",
        3 => "Mar",
        4 => "Apr",
        5 => "May",
        6 => "Jun",
        7 => "Jul",
        8 => "Aug",
        9 => "Sep",
        10 => "Oct",
        11 => "Nov",
        _ => "Dec",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_reads_with_its_offset_in_each_language() {
        let time = LocalTime {
            date: NaiveDate::from_ymd_opt(2026, 12, 12).unwrap(),
            hour: 9,
            minute: 5,
            utc_offset_minutes: 8 * 60,
        };
        assert_eq!(format_local_time(time, Locale::En), "12 Dec 2026, 09:05 (UTC+8)");
        assert_eq!(format_local_time(time, Locale::ZhCn), "2026年12月12日 09:05（UTC+8）");
        let india = LocalTime {
            utc_offset_minutes: 5 * 60 + 30,
            ..time
        };
        assert!(format_local_time(india, Locale::En).ends_with("(UTC+5:30)"));
        let brazil = LocalTime {
            utc_offset_minutes: -3 * 60,
            ..time
        };
        assert!(format_local_time(brazil, Locale::En).ends_with("(UTC-3)"));
    }
    use proptest::prelude::*;

    #[test]
    fn codes_are_en_and_zh_cn() {
        assert_eq!(Locale::En.code(), "en");
        assert_eq!(Locale::ZhCn.code(), "zh-CN");
        assert_eq!(serde_json::to_string(&Locale::ZhCn).unwrap(), r#""zh-CN""#);
    }

    #[test]
    fn tags_are_read_by_primary_language() {
        for tag in ["en", "en-US", "EN-gb"] {
            assert_eq!(Locale::parse(tag), Some(Locale::En), "{tag}");
        }
        for tag in ["zh", "zh-CN", "zh-Hans", "zh_TW", "zh-Hans-CN"] {
            assert_eq!(Locale::parse(tag), Some(Locale::ZhCn), "{tag}");
        }
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn accept_language_picks_the_highest_q_value() {
        assert_eq!(Locale::from_accept_language("en;q=0.5, zh-CN;q=0.9"), Locale::ZhCn);
        assert_eq!(Locale::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Locale::ZhCn);
        assert_eq!(Locale::from_accept_language("fr-FR, en-US;q=0.7, zh;q=0.3"), Locale::En);
        assert_eq!(Locale::from_accept_language("en, zh"), Locale::En);
    }

    #[test]
    fn accept_language_defaults_to_english() {
        assert_eq!(Locale::from_accept_language(""), Locale::En);
        assert_eq!(Locale::from_accept_language("fr, de;q=0.5, *"), Locale::En);
        assert_eq!(Locale::from_accept_language("zh;q=0"), Locale::En);
        assert_eq!(Locale::from_accept_language("zh;q=1.5"), Locale::En);
    }

    #[test]
    fn dates_are_written_per_locale() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 12).unwrap();
        assert_eq!(format_date(d, Locale::En), "12 Dec 2026");
        assert_eq!(format_date(d, Locale::ZhCn), "2026年12月12日");
    }

    proptest! {
        #[test]
        fn accept_language_never_panics(s in any::<String>()) {
            let _ = Locale::from_accept_language(&s);
        }

        #[test]
        fn accept_language_never_panics_on_q_like_text(s in "[a-zA-Z;=q.,0-9 -]{0,40}") {
            let _ = Locale::from_accept_language(&s);
        }
    }
}
