//! Tests for `money`: arithmetic, formatting, parsing and its no-panic property.

use super::*;
use proptest::prelude::*;

fn cny(minor: i64) -> Money {
    Money::new(minor, Currency::CNY)
}

#[test]
fn money_serializes_as_minor_units_and_currency_code() {
    let json = serde_json::to_string(&cny(123456)).unwrap();
    assert_eq!(json, r#"{"minor":123456,"currency":"CNY"}"#);
    assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), cny(123456));
}

#[test]
fn currency_codes_parse_in_any_case() {
    assert_eq!(Currency::parse(" usd "), Some(Currency::USD));
    assert_eq!(Currency::parse("eur"), Some(Currency::EUR));
    assert_eq!(Currency::parse("JPY"), None);
}

#[test]
fn adding_different_currencies_is_a_mismatch() {
    let err = cny(1).checked_add(Money::new(1, Currency::USD)).unwrap_err();
    assert_eq!(
        err,
        MoneyError::CurrencyMismatch {
            left: Currency::CNY,
            right: Currency::USD
        }
    );
}

#[test]
fn arithmetic_past_i64_reports_overflow() {
    assert_eq!(cny(i64::MAX).checked_add(cny(1)), Err(MoneyError::Overflow));
    assert_eq!(cny(i64::MIN).checked_sub(cny(1)), Err(MoneyError::Overflow));
    assert_eq!(cny(i64::MAX).checked_mul_int(2), Err(MoneyError::Overflow));
    assert_eq!(cny(i64::MIN).checked_div_rem(-1), Err(MoneyError::Overflow));
    assert_eq!(cny(5).checked_div_rem(0), Err(MoneyError::DivisionByZero));
}

#[test]
fn division_returns_quotient_and_remainder() {
    assert_eq!(cny(1000).checked_div_rem(3), Ok((cny(333), cny(1))));
}

#[test]
fn mul_div_ceil_rounds_up() {
    assert_eq!(cny(1001).checked_mul_div_ceil(10, 100), Ok(cny(101)));
    assert_eq!(cny(1000).checked_mul_div_ceil(10, 100), Ok(cny(100)));
    assert_eq!(cny(i64::MAX).checked_mul_div_ceil(52, 12), Err(MoneyError::Overflow));
}

#[test]
fn amounts_format_with_symbol_groups_and_two_decimals() {
    assert_eq!(cny(123456).format(Locale::En), "¥1,234.56");
    assert_eq!(cny(123456).format(Locale::ZhCn), "¥1,234.56");
    assert_eq!(
        Money::new(100_000_000, Currency::USD).format(Locale::En),
        "$1,000,000.00"
    );
    assert_eq!(Money::new(5, Currency::EUR).format(Locale::En), "€0.05");
    assert_eq!(cny(-500).format(Locale::En), "-¥5.00");
    assert_eq!(cny(i64::MIN).format(Locale::En), "-¥92,233,720,368,547,758.08");
}

#[test]
fn euro_area_conventions_put_the_symbol_after_and_swap_the_separators() {
    let eur = Money::new(123_456, Currency::EUR);
    assert_eq!(eur.format_in(NumberFormat::FR), "1\u{202f}234,56\u{a0}€");
    assert_eq!(eur.format_in(NumberFormat::DE), "1.234,56\u{a0}€");
    assert_eq!(
        Money::new(-5, Currency::EUR).format_in(NumberFormat::DE),
        "-0,05\u{a0}€"
    );
    assert_eq!(NumberFormat::for_tag("fr-FR"), Some(NumberFormat::FR));
    assert_eq!(NumberFormat::for_tag("de"), Some(NumberFormat::DE));
    assert_eq!(NumberFormat::for_tag("zh-Hans"), Some(NumberFormat::EN));
    assert_eq!(NumberFormat::for_tag("ja"), None);
}

#[test]
fn typed_amounts_in_common_shapes_are_accepted() {
    let ok = |s: &str| parse_amount(s, Currency::CNY);
    assert_eq!(ok("1,234.5"), Ok(cny(123450)));
    assert_eq!(ok("1234"), Ok(cny(123400)));
    assert_eq!(ok("1234.56"), Ok(cny(123456)));
    assert_eq!(ok(" 1234 "), Ok(cny(123400)));
    assert_eq!(ok("１２３４．５"), Ok(cny(123450)));
    assert_eq!(ok("¥1,234.56"), Ok(cny(123456)));
    assert_eq!(ok("￥ 12"), Ok(cny(1200)));
    assert_eq!(ok(".5"), Ok(cny(50)));
    assert_eq!(ok("12."), Ok(cny(1200)));
    assert_eq!(ok("-0"), Ok(cny(0)));
    assert_eq!(parse_amount("$3", Currency::USD), Ok(Money::new(300, Currency::USD)));
}

#[test]
fn typed_amounts_that_are_not_numbers_are_rejected() {
    for s in [
        "abc", ".", "1.2.3", "12,50", "1,23,456", ",123", "1 234", "1e5", "--5", "¥",
    ] {
        assert_eq!(parse_amount(s, Currency::CNY), Err(AmountError::NotANumber), "{s}");
    }
}

#[test]
fn empty_amount_is_reported_as_empty() {
    assert_eq!(parse_amount("  \u{3000}", Currency::CNY), Err(AmountError::Empty));
}

#[test]
fn three_decimals_are_rejected_with_the_maximum() {
    assert_eq!(
        parse_amount("1.234", Currency::CNY),
        Err(AmountError::TooManyDecimals { max: 2 })
    );
}

#[test]
fn negative_amounts_are_rejected_as_negative() {
    assert_eq!(parse_amount("-5", Currency::CNY), Err(AmountError::Negative));
    assert_eq!(parse_amount("¥-5", Currency::CNY), Err(AmountError::Negative));
    assert_eq!(parse_amount("-¥5", Currency::CNY), Err(AmountError::Negative));
}

#[test]
fn amounts_at_the_maximum_are_accepted_and_one_over_is_too_large() {
    let max = Money::MAX_TYPED_MINOR;
    assert_eq!(parse_amount("9999999999999.99", Currency::CNY), Ok(cny(max)));
    let err = AmountError::TooLarge { max: cny(max) };
    assert_eq!(parse_amount("10000000000000.00", Currency::CNY), Err(err));
    assert_eq!(parse_amount("99999999999999999999999", Currency::CNY), Err(err));
}

#[test]
fn another_currencys_symbol_is_reported_with_the_expected_currency() {
    let err = AmountError::WrongCurrency {
        expected: Currency::CNY,
    };
    assert_eq!(parse_amount("$5", Currency::CNY), Err(err));
}

#[test]
fn plain_strings_read_back_to_the_same_amount() {
    for m in [0, 1, 99, 100, 123456, Money::MAX_TYPED_MINOR] {
        assert_eq!(parse_amount(&cny(m).to_plain_string(), Currency::CNY), Ok(cny(m)));
    }
}

proptest! {
    #[test]
    fn parse_amount_never_panics_on_any_text(s in any::<String>()) {
        let _ = parse_amount(&s, Currency::CNY);
    }

    #[test]
    fn parse_amount_never_panics_on_number_like_text(s in "[-¥￥$€ ,.0-9０-９．]{0,40}") {
        let _ = parse_amount(&s, Currency::EUR);
    }

    #[test]
    fn formatted_amounts_parse_back(minor in 0..=Money::MAX_TYPED_MINOR) {
        let text = cny(minor).format(Locale::En);
        prop_assert_eq!(parse_amount(&text, Currency::CNY), Ok(cny(minor)));
    }

    #[test]
    fn arithmetic_never_panics(a in any::<i64>(), b in any::<i64>()) {
        let _ = cny(a).checked_add(cny(b));
        let _ = cny(a).checked_sub(cny(b));
        let _ = cny(a).checked_mul_int(b);
        let _ = cny(a).checked_div_rem(b);
        let _ = cny(a).checked_mul_div_ceil(b, b);
        let _ = cny(a).format(Locale::ZhCn);
    }
}
