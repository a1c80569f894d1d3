//! Exact money: integer minor units plus a currency code, checked arithmetic, display
//! formatting and parsing of what a borrower types into an amount field.
//!
//! Formatting follows a locale's number conventions (`NumberFormat`): both UI languages write
//! "¥1,234.56", "$1,234.56", "€1,234.56" (negative "-¥5.00"), as CLDR has it for en and zh;
//! the euro-area styles ("1 234,56 €" in French, "1.234,56 €" in German) are there for
//! lenders whose statements use them.

use super::input::normalize;
use super::locale::{Locale, NumberFormat};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    CNY,
    USD,
    EUR,
}

impl Currency {
    pub const ALL: [Currency; 3] = [Currency::CNY, Currency::USD, Currency::EUR];

    pub fn code(&self) -> &'static str {
        match self {
            Currency::CNY => "CNY",
            Currency::USD => "USD",
            Currency::EUR => "EUR",
        }
    }

    /// Accepts the ISO code in any letter case, surrounded by whitespace.
    pub fn parse(code: &str) -> Option<Currency> {
        let code = code.trim();
        Currency::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(code))
    }

    pub fn minor_digits(&self) -> u8 {
        2
    }

    pub fn symbol(&self) -> &'static str {
        match self {
            Currency::CNY => "¥",
            Currency::USD => "$",
            Currency::EUR => "€",
        }
    }

    /// Minor units in one major unit (100 for two minor digits).
    pub fn minor_per_major(&self) -> i64 {
        10i64.checked_pow(u32::from(self.minor_digits())).unwrap_or(1)
    }

    /// Symbols a borrower may type in front of an amount ("￥" is the full-width yen sign).
    fn typed_symbols(&self) -> &'static [&'static str] {
        match self {
            Currency::CNY => &["¥", "￥", "RMB", "CNY"],
            Currency::USD => &["US$", "$", "USD"],
            Currency::EUR => &["€", "EUR"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoneyError {
    Overflow,
    CurrencyMismatch { left: Currency, right: Currency },
    DivisionByZero,
}

/// Why a typed amount was not accepted; the UI words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmountError {
    Empty,
    NotANumber,
    TooManyDecimals {
        max: u8,
    },
    Negative,
    TooLarge {
        max: Money,
    },
    /// A currency symbol was typed that is not the account's currency.
    WrongCurrency {
        expected: Currency,
    },
}

impl Money {
    /// The largest amount `parse_amount` accepts (10^15 - 1 minor units). Keeping typed
    /// amounts far below `i64::MAX` means sums and products of them stay exact.
    pub const MAX_TYPED_MINOR: i64 = 999_999_999_999_999;

    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    pub fn is_negative(&self) -> bool {
        self.minor < 0
    }

    pub fn is_positive(&self) -> bool {
        self.minor > 0
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let minor = self.minor.checked_add(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let minor = self.minor.checked_sub(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_mul_int(self, factor: i64) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// Truncating division: `(quotient, remainder)` with `quotient * divisor + remainder == self`.
    pub fn checked_div_rem(self, divisor: i64) -> Result<(Money, Money), MoneyError> {
        if divisor == 0 {
            return Err(MoneyError::DivisionByZero);
        }
        let q = self.minor.checked_div(divisor).ok_or(MoneyError::Overflow)?;
        let r = self.minor.checked_rem(divisor).ok_or(MoneyError::Overflow)?;
        Ok((Money::new(q, self.currency), Money::new(r, self.currency)))
    }

    /// `self * numerator / denominator`, rounded up, computed in i128 so it cannot overflow
    /// midway. Used for percentages and per-month equivalents.
    pub fn checked_mul_div_ceil(self, numerator: i64, denominator: i64) -> Result<Money, MoneyError> {
        if denominator <= 0 {
            return Err(MoneyError::DivisionByZero);
        }
        let overflow = MoneyError::Overflow;
        let product = i128::from(self.minor)
            .checked_mul(i128::from(numerator))
            .ok_or(overflow)?;
        let d = i128::from(denominator);
        let rounds_up = product.checked_rem_euclid(d).ok_or(overflow)? != 0;
        let q = product
            .checked_div_euclid(d)
            .ok_or(overflow)?
            .checked_add(i128::from(rounds_up))
            .ok_or(overflow)?;
        let minor = i64::try_from(q).map_err(|_| MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// Display text in the UI language, e.g. "¥1,234.56" or "-$5.00".
    pub fn format(&self, locale: Locale) -> String {
        self.format_in(NumberFormat::of(locale))
    }

    /// Display text in the given conventions, e.g. "1 234,56 €" in `NumberFormat::FR`.
    pub fn format_in(&self, style: NumberFormat) -> String {
        let (major, minor) = self.major_minor();
        let digits = major.to_string();
        let mut grouped = String::with_capacity(digits.len().saturating_mul(2));
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && digits.len().saturating_sub(i).is_multiple_of(3) {
                grouped.push_str(style.group);
            }
            grouped.push(ch);
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        let width = usize::from(self.currency.minor_digits());
        let symbol = self.currency.symbol();
        let decimal = style.decimal;
        if style.symbol_after {
            format!("{sign}{grouped}{decimal}{minor:0width$}\u{a0}{symbol}")
        } else {
            format!("{sign}{symbol}{grouped}{decimal}{minor:0width$}")
        }
    }

    /// Plain machine form "1234.56" (no symbol, no grouping), which `parse_amount` reads back.
    pub fn to_plain_string(&self) -> String {
        let (major, minor) = self.major_minor();
        let sign = if self.minor < 0 { "-" } else { "" };
        let width = usize::from(self.currency.minor_digits());
        format!("{sign}{major}.{minor:0width$}")
    }

    /// Absolute whole units and the minor units left over.
    fn major_minor(&self) -> (u64, u64) {
        let per_major = self.currency.minor_per_major().unsigned_abs();
        let abs = self.minor.unsigned_abs();
        (
            abs.checked_div(per_major).unwrap_or(0),
            abs.checked_rem(per_major).unwrap_or(0),
        )
    }
}

/// Reads a typed amount: "1,234.5", "1234", " 1234 ", "¥1,234.56", "１２３４．５".
/// Commas are thousands separators and must group by three, so "12,50" (a European
/// decimal comma) is refused instead of being misread as 1250.
pub fn parse_amount(input: &str, currency: Currency) -> Result<Money, AmountError> {
    let text = normalize(input);
    if text.is_empty() {
        return Err(AmountError::Empty);
    }
    let (negative, rest) = split_sign(&text);
    let rest = strip_symbol(rest, currency)?;
    let (negative, rest) = match split_sign(rest) {
        (true, r) if !negative => (true, r),
        (false, r) => (negative, r),
        (true, _) => return Err(AmountError::NotANumber),
    };
    let magnitude = parse_magnitude(rest.trim(), currency)?;
    if negative && magnitude != 0 {
        return Err(AmountError::Negative);
    }
    Ok(Money::new(magnitude, currency))
}

fn split_sign(s: &str) -> (bool, &str) {
    match s.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, s),
    }
}

fn strip_symbol(s: &str, currency: Currency) -> Result<&str, AmountError> {
    for sym in currency.typed_symbols() {
        if let Some(rest) = strip_prefix_ignore_case(s, sym) {
            return Ok(rest.trim_start());
        }
    }
    let foreign = Currency::ALL
        .iter()
        .filter(|c| **c != currency)
        .flat_map(|c| c.typed_symbols().iter())
        .any(|sym| strip_prefix_ignore_case(s, sym).is_some());
    if foreign {
        return Err(AmountError::WrongCurrency { expected: currency });
    }
    Ok(s)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

fn parse_magnitude(s: &str, currency: Currency) -> Result<i64, AmountError> {
    let max = AmountError::TooLarge {
        max: Money::new(Money::MAX_TYPED_MINOR, currency),
    };
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return Err(AmountError::NotANumber);
    }
    if !valid_grouping(int_part) {
        return Err(AmountError::NotANumber);
    }
    let frac = frac_part.unwrap_or("");
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    let digits = currency.minor_digits();
    if frac.len() > usize::from(digits) {
        return Err(AmountError::TooManyDecimals { max: digits });
    }
    let mut value: i64 = 0;
    for b in int_part.bytes().filter(u8::is_ascii_digit) {
        value = push_digit(value, b).ok_or(max)?;
    }
    let padded = frac.bytes().chain(std::iter::repeat(b'0')).take(usize::from(digits));
    for b in padded {
        value = push_digit(value, b).ok_or(max)?;
    }
    if value > Money::MAX_TYPED_MINOR {
        return Err(max);
    }
    Ok(value)
}

fn push_digit(value: i64, digit: u8) -> Option<i64> {
    value.checked_mul(10)?.checked_add(i64::from(digit.checked_sub(b'0')?))
}

/// Digits only, or comma groups of three after a first group of one to three digits.
fn valid_grouping(int_part: &str) -> bool {
    if !int_part.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return false;
    }
    if !int_part.contains(',') {
        return true;
    }
    let mut groups = int_part.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

#[cfg(test)]
#[path = "money_tests.rs"]
mod tests;
