//! The collector's counter-offer terms with a live preview: as the collector types, the shared
//! rulebook (the same one the server decides with) recomputes the schedule or names every rule
//! the terms break. Without wasm the inputs are plain form fields, the preview shows the terms
//! as last sent, and an "Update preview" button re-renders it on the server.

use leptos::prelude::*;

use crate::components::plan::{RuleErrors, ScheduleTable};
use crate::domain::decision::{decide, Decision};
use crate::domain::locale::Locale;
use crate::domain::policy::Frequency;
use crate::domain::proposal::RawProposal;
use crate::i18n::T;
use crate::model::BuilderSetup;
use crate::wording;

#[island]
pub fn CounterOfferPreview(
    setup: BuilderSetup,
    initial: RawProposal,
    /// Where the no-JavaScript "Update preview" button sends the typed terms (GET).
    preview_action: String,
    locale: Locale,
) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let down_payment = RwSignal::new(initial.down_payment);
    let installments = RwSignal::new(initial.installments);
    let frequency = RwSignal::new(initial.frequency);
    let first_payment_date = RwSignal::new(initial.first_payment_date);
    let BuilderSetup {
        terms, policy, today, ..
    } = setup;
    let policy = StoredValue::new(policy);
    let outcome = Memo::new(move |_| {
        let raw = RawProposal {
            down_payment: down_payment.get(),
            installments: installments.get(),
            frequency: frequency.get(),
            first_payment_date: first_payment_date.get(),
            ..RawProposal::default()
        };
        policy.with_value(|p| decide(&raw, &terms, p, today))
    });
    let frequency_options = Frequency::ALL
        .into_iter()
        .map(|f| {
            let code = f.code();
            view! {
                <option value=code selected=frequency.get_untracked() == code>{wording::frequency(f, locale)}</option>
            }
        })
        .collect_view();
    // Counter-offers must pass the rules, not the auto-approve limits: a collector is deciding.
    let verdict = move || match outcome.get().decision {
        Decision::Reject { errors } => {
            view! { <RuleErrors errors intro=T::CounterPreviewFix.get(locale) locale id="counter-verdict"/> }.into_any()
        }
        _ => view! { <p class="verdict verdict-ok" id="counter-verdict">{T::CounterPreviewOk.get(locale)}</p> }
            .into_any(),
    };
    let schedule = move || {
        outcome
            .get()
            .proposal
            .map(|p| view! { <ScheduleTable schedule=p.schedule locale/> })
    };
    view! {
        <div class="counter-preview" data-hydrated=move || hydrated.get().to_string()>
            <div class="filter-grid">
                <label>{T::DownPaymentLabel.get(locale)}
                    <input name="down_payment" id="counter-down" inputmode="decimal" autocomplete="off"
                        value=down_payment.get_untracked() on:input=move |ev| down_payment.set(event_target_value(&ev))/></label>
                <label>{T::InstallmentsLabel.get(locale)}
                    <input name="installments" id="counter-installments" inputmode="numeric" required autocomplete="off"
                        value=installments.get_untracked() on:input=move |ev| installments.set(event_target_value(&ev))/></label>
                <label>{T::FrequencyLabel.get(locale)}
                    <select name="frequency" id="counter-frequency"
                        on:change=move |ev| frequency.set(event_target_value(&ev))>{frequency_options}</select></label>
                <label>{T::FirstDateLabel.get(locale)}
                    <input type="date" name="first_payment_date" id="counter-first" required
                        value=first_payment_date.get_untracked()
                        on:input=move |ev| first_payment_date.set(event_target_value(&ev))/></label>
            </div>
            <section class="preview" aria-labelledby="counter-preview-title">
                <h4 id="counter-preview-title">{T::CounterPreviewTitle.get(locale)}</h4>
                <div class="live" aria-live="polite">{verdict}</div>
                <div id="counter-schedule">{schedule}</div>
                <button type="submit" formmethod="get" formaction=preview_action formnovalidate class="button"
                    id="counter-preview-update" hidden=move || hydrated.get()>
                    {T::PreviewUpdate.get(locale)}
                </button>
            </section>
        </div>
    }
}
