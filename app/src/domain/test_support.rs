//! Shared fixtures for the rulebook's tests: dates, amounts, accounts and raw forms.

use super::money::{Currency, Money};
use super::proposal::{AccountTerms, RawProposal};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn cny(minor: i64) -> Money {
    Money::new(minor, Currency::CNY)
}

/// The "today" of every test.
pub fn today() -> NaiveDate {
    d(2026, 6, 15)
}

pub fn days_from_today(days: u64) -> NaiveDate {
    today().checked_add_days(Days::new(days)).unwrap()
}

/// An account `dpd` days past due today, owing `balance_minor` fen.
pub fn account(dpd: u64, balance_minor: i64) -> AccountTerms {
    AccountTerms {
        balance: cny(balance_minor),
        oldest_unpaid_due: today().checked_sub_days(Days::new(dpd)).unwrap(),
    }
}

pub fn raw(down: &str, installments: &str, frequency: &str, first: &str) -> RawProposal {
    RawProposal {
        down_payment: down.into(),
        installments: installments.into(),
        frequency: frequency.into(),
        first_payment_date: first.into(),
        ..RawProposal::default()
    }
}

pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Any date chrono can hold, from far before year 1 to far after 9999.
pub fn any_date() -> impl Strategy<Value = NaiveDate> {
    (-90_000_000i32..90_000_000).prop_filter_map("in range", NaiveDate::from_num_days_from_ce_opt)
}

/// Strings a hostile or confused user might type: anything, or number-, date- and code-like.
pub fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-0-9,.¥￥ ０-９．]{0,24}",
        "[0-9]{1,4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?",
        prop::sample::select(vec![
            "",
            "0",
            "1",
            "12",
            "9223372036854775807",
            "-1",
            "monthly",
            "weekly",
            "biweekly",
            "job_loss",
            "2026-06-20",
            "0001-01-01",
            "9999-12-31",
            "1e9",
            "NaN",
            "١٢٣"
        ])
        .prop_map(String::from),
    ]
}

pub fn any_raw() -> impl Strategy<Value = RawProposal> {
    (
        any_text(),
        any_text(),
        any_text(),
        any_text(),
        prop::option::of(any_text()),
        any_text(),
        any_text(),
        any_text(),
    )
        .prop_map(|(down, n, f, first, reason, note, income, expenses)| RawProposal {
            down_payment: down,
            installments: n,
            frequency: f,
            first_payment_date: first,
            hardship_reason: reason,
            hardship_note: note,
            monthly_income: income,
            monthly_expenses: expenses,
        })
}
