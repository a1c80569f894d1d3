//! Amounts as the borrower reads them: formatted for their language, never rounded.

use leptos::prelude::*;

use crate::domain::locale::Locale;
use crate::domain::money::Money;

#[component]
pub fn Amount(money: Money, locale: Locale) -> impl IntoView {
    view! { <span class="amount">{money.format(locale)}</span> }
}
