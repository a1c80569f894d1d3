//! The collector's payment form on an agreement (a plain form posting to
//! `/agreements/{reference}/payments`; the result comes back in the query string).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::feedback::error_message;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::T;

#[component]
pub fn PaymentForm(reference: String, today: String, locale: Locale) -> impl IntoView {
    let (notice, error, typed) = use_query_map().with_untracked(|q| {
        let error = q.get("error").map(|code| match code.as_str() {
            "duplicate_payment" | "agreement_not_active" => AppError::Conflict { code },
            other => AppError::invalid("payment", other),
        });
        let typed = (
            q.get("amount").unwrap_or_default(),
            q.get("paid_on").unwrap_or_default(),
            q.get("external_ref").unwrap_or_default(),
        );
        (q.get("notice"), error, typed)
    });
    let notice = notice
        .map(|_| view! { <p class="notice" role="status" id="payment-notice">{T::PaymentRecorded.get(locale)}</p> });
    let error = error.map(
        |e| view! { <p class="notice notice-error" role="alert" id="payment-error">{error_message(&e, locale)}</p> },
    );
    let paid_on = if typed.1.is_empty() { today } else { typed.1 };
    view! {
        <section class="card no-print" aria-labelledby="payments">
            <h2 id="payments">{T::PaymentsTitle.get(locale)}</h2>
            <p class="muted small">{T::PaymentRule.get(locale)}</p>
            {notice}
            {error}
            <form method="post" action=format!("/agreements/{reference}/payments") id="payment-form">
                <div class="filter-grid">
                    <label>{T::PaymentAmount.get(locale)}
                        <input name="amount" id="payment-amount" inputmode="decimal" required value=typed.0/></label>
                    <label>{T::PaymentDate.get(locale)}
                        <input type="date" name="paid_on" id="payment-date" value=paid_on/></label>
                    <label>{T::PaymentRef.get(locale)}
                        <input name="external_ref" id="payment-ref" maxlength="100" value=typed.2/></label>
                </div>
                <button type="submit" class="button primary" id="record-payment">{T::RecordPayment.get(locale)}</button>
            </form>
        </section>
    }
}
