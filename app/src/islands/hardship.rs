//! "Tell us why payments stopped": records a hardship reason through a server function and
//! updates in place. Without wasm the same form posts to the server function and comes back.

use leptos::prelude::*;

use crate::api::RecordHardship;
use crate::components::feedback::error_message;
use crate::domain::locale::{format_date, Locale};
use crate::domain::proposal::HardshipReason;
use crate::i18n::T;
use crate::model::HardshipRecord;

pub fn reason_text(reason: HardshipReason, locale: Locale) -> &'static str {
    match reason {
        HardshipReason::JobLoss => T::ReasonJobLoss.get(locale),
        HardshipReason::ReducedIncome => T::ReasonReducedIncome.get(locale),
        HardshipReason::Illness => T::ReasonIllness.get(locale),
        HardshipReason::FamilyEmergency => T::ReasonFamilyEmergency.get(locale),
        HardshipReason::BusinessDifficulty => T::ReasonBusinessDifficulty.get(locale),
        HardshipReason::Other => T::ReasonOther.get(locale),
    }
}

#[island]
pub fn HardshipForm(account_id: i64, locale: Locale, current: Option<HardshipRecord>) -> impl IntoView {
    let action = ServerAction::<RecordHardship>::new();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let recorded = RwSignal::new(current);
    Effect::new(move |_| {
        if let Some(Ok(record)) = action.value().get() {
            recorded.set(Some(record));
        }
    });
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(view! { <p class="notice notice-error" role="alert">{error_message(&e, locale)}</p> }),
        _ => None,
    };
    let status = move || match recorded.get() {
        Some(r) => format!(
            "{} {} · {}",
            T::HardshipRecorded.get(locale),
            reason_text(r.reason, locale),
            format_date(r.recorded_on, locale)
        ),
        None => T::HardshipNoneYet.get(locale).to_owned(),
    };
    let ids = (format!("reason-{account_id}"), format!("note-{account_id}"));
    let options = HardshipReason::ALL
        .iter()
        .map(|r| view! { <option value=r.code()>{reason_text(*r, locale)}</option> })
        .collect_view();
    view! {
        <details class="hardship" data-hydrated=move || hydrated.get().to_string()>
            <summary>{T::HardshipTitle.get(locale)}</summary>
            <p class="muted small">{T::HardshipIntro.get(locale)}</p>
            <p class="hardship-status" role="status" aria-live="polite">{status}</p>
            {error}
            <ActionForm action attr:class="form">
                <input type="hidden" name="account_id" value=account_id/>
                <label for=ids.0.clone()>{T::HardshipReasonLabel.get(locale)}</label>
                <select id=ids.0 name="reason" required>
                    <option value="">{T::HardshipChoose.get(locale)}</option>
                    {options}
                </select>
                <label for=ids.1.clone()>{T::HardshipNoteLabel.get(locale)}</label>
                <textarea id=ids.1 name="note" rows="3" maxlength="1000"></textarea>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { T::Saving.get(locale) } else { T::Save.get(locale) }}
                </button>
            </ActionForm>
        </details>
    }
}
