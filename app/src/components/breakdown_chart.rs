//! A small server-rendered SVG bar showing how the balance splits into principal, interest
//! and fees. Widths are computed in integer basis points: no floating point near money.

use leptos::prelude::*;

use crate::domain::locale::Locale;
use crate::i18n::T;
use crate::model::Balance;

/// Share of `part` in `total`, in hundredths of a percent (0..=10000).
fn basis_points(part: i64, total: i64) -> i64 {
    if total <= 0 {
        return 0;
    }
    (i128::from(part.max(0)) * 10_000 / i128::from(total)).clamp(0, 10_000) as i64
}

fn percent(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

#[component]
pub fn BreakdownChart(balance: Balance, locale: Locale) -> impl IntoView {
    let total = balance.total.minor;
    let p = basis_points(balance.principal.minor, total);
    let i = basis_points(balance.interest.minor, total);
    let f = (10_000 - p - i).max(0);
    let label = format!(
        "{} {} · {} {} · {} {}",
        T::Principal.get(locale),
        percent(p),
        T::Interest.get(locale),
        percent(i),
        T::Fees.get(locale),
        percent(f)
    );
    view! {
        <figure class="chart">
            <svg viewBox="0 0 10000 600" preserveAspectRatio="none" role="img" aria-label=label.clone() class="bar">
                <rect x="0" y="0" width=p height="600" class="seg-principal"></rect>
                <rect x=p y="0" width=i height="600" class="seg-interest"></rect>
                <rect x=p + i y="0" width=f height="600" class="seg-fees"></rect>
            </svg>
            <figcaption class="legend">
                <span><i class="key seg-principal" aria-hidden="true"></i>{T::Principal.get(locale)} " " {percent(p)}</span>
                <span><i class="key seg-interest" aria-hidden="true"></i>{T::Interest.get(locale)} " " {percent(i)}</span>
                <span><i class="key seg-fees" aria-hidden="true"></i>{T::Fees.get(locale)} " " {percent(f)}</span>
            </figcaption>
        </figure>
    }
}
