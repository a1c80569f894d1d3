//! Normalising what people type before parsing it: full-width forms (common with Chinese
//! input methods) become ASCII, and surrounding whitespace (including U+3000) is dropped.

/// Full-width ASCII variants (U+FF01..U+FF5E) map to ASCII; the ideographic space to a space.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => u32::from(c).checked_sub(0xFEE0).and_then(char::from_u32).unwrap_or(c),
            '。' => '.',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A non-negative whole number made only of ASCII digits, saturating at `u64::MAX` so that
/// absurdly long inputs are reported as "too many", not as garbage.
pub fn parse_count(input: &str) -> Option<u64> {
    let s = normalize(input);
    if s.is_empty() {
        return None;
    }
    s.chars().try_fold(0u64, |acc, ch| {
        let digit = ch.to_digit(10)?;
        Some(acc.saturating_mul(10).saturating_add(u64::from(digit)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_ideographic_spaces_become_ascii() {
        assert_eq!(normalize("\u{3000}１２３４．５\u{3000}"), "1234.5");
    }

    #[test]
    fn counts_accept_full_width_digits_and_saturate() {
        assert_eq!(parse_count(" １２ "), Some(12));
        assert_eq!(parse_count("99999999999999999999999999"), Some(u64::MAX));
        assert_eq!(parse_count("-1"), None);
        assert_eq!(parse_count("1.5"), None);
        assert_eq!(parse_count(""), None);
    }
}
