//! "Tell us why payments stopped": records a hardship reason through a server function and
//! updates in place. Without wasm the same form posts to the server function and comes back.
//! The call is one `fetch` of the server function's URL, read as JSON: the server-function
//! client would bring its streaming and encoding machinery into the bundle for this one call.

use leptos::prelude::*;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::ServerFn;

use crate::api::RecordHardship;
use crate::domain::locale::{format_date, Locale};
use crate::domain::proposal::HardshipReason;
use crate::error::WordedError;
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
    let pending = RwSignal::new(false);
    let answer = RwSignal::new(None::<Result<HardshipRecord, WordedError>>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let recorded = RwSignal::new(current);
    Effect::new(move |_| {
        if let Some(Ok(record)) = answer.get() {
            recorded.set(Some(record));
        }
    });
    let error = move || match answer.get() {
        Some(Err(e)) => Some(view! { <p class="notice notice-error" role="alert">{e.message}</p> }),
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
    // Read from the signals, not from the form's data: no form decoder in the browser bundle.
    let (reason, note) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let (reason, note) = (reason.get_untracked(), note.get_untracked());
        leptos::task::spawn_local(async move {
            answer.set(Some(post_hardship(account_id, reason, note).await));
            pending.set(false);
        });
    };
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
            <form method="post" action=RecordHardship::url() class="form" on:submit=on_submit>
                <input type="hidden" name="account_id" value=account_id/>
                <label for=ids.0.clone()>{T::HardshipReasonLabel.get(locale)}</label>
                <select id=ids.0 name="reason" required on:change=move |ev| reason.set(event_target_value(&ev))>
                    <option value="">{T::HardshipChoose.get(locale)}</option>
                    {options}
                </select>
                <label for=ids.1.clone()>{T::HardshipNoteLabel.get(locale)}</label>
                <textarea id=ids.1 name="note" rows="3" maxlength="1000"
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { T::Saving.get(locale) } else { T::Save.get(locale) }}
                </button>
            </form>
        </details>
    }
}

/// Posts the form to the `record_hardship` server function and reads its JSON answer.
#[cfg(feature = "hydrate")]
async fn post_hardship(account_id: i64, reason: String, note: String) -> Result<HardshipRecord, WordedError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let unreachable =
        || WordedError::from_server_fn_error(leptos::server_fn::error::ServerFnErrorErr::Request(String::new()));
    let call = async {
        let form = web_sys::UrlSearchParams::new().ok()?;
        form.append("account_id", &account_id.to_string());
        form.append("reason", &reason);
        form.append("note", &note);
        let headers = web_sys::Headers::new().ok()?;
        headers.set("Accept", "application/json").ok()?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&wasm_bindgen::JsValue::from(form));
        let response: web_sys::Response =
            JsFuture::from(window().fetch_with_str_and_init(RecordHardship::url(), &init))
                .await
                .ok()?
                .dyn_into()
                .ok()?;
        let text = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
        Some(if response.ok() {
            serde_json::from_str::<HardshipRecord>(&text).map_err(|_| unreachable())
        } else {
            Err(serde_json::from_str::<WordedError>(&text).unwrap_or_else(|_| unreachable()))
        })
    };
    call.await.unwrap_or_else(|| Err(unreachable()))
}

/// On the server the island only renders; the form posts without JavaScript.
#[cfg(not(feature = "hydrate"))]
async fn post_hardship(_: i64, _: String, _: String) -> Result<HardshipRecord, WordedError> {
    Err(WordedError::from_server_fn_error(
        leptos::server_fn::error::ServerFnErrorErr::Request(String::new()),
    ))
}
