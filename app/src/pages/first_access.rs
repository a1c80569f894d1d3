//! A borrower's first access, in two plain forms posted to `/auth/first-access` and
//! `/auth/first-access/password`, so it works with or without JavaScript. On failure the
//! server sends the reader back with what they typed (never a password, never the phone digits).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::feedback::try_again_in;
use crate::components::layout::use_locale;
use crate::domain::locale::Locale;
use crate::i18n::T;

fn error_notice(code: Option<String>, minutes: Option<String>, locale: Locale) -> impl IntoView {
    code.map(|code| {
        let text = match code.as_str() {
            "missing" => T::FirstAccessMissing.get(locale).to_owned(),
            "expired" => T::FirstAccessExpired.get(locale).to_owned(),
            "locked" => try_again_in(minutes.and_then(|m| m.parse().ok()).unwrap_or(1), locale),
            "password_too_short" => T::PasswordTooShort.get(locale).to_owned(),
            "password_too_common" => T::PasswordTooCommon.get(locale).to_owned(),
            "password_mismatch" => T::PasswordMismatch.get(locale).to_owned(),
            "unavailable" => T::ErrorGeneric.get(locale).to_owned(),
            _ => T::FirstAccessFailed.get(locale).to_owned(),
        };
        view! { <p class="notice notice-error" role="alert" id="first-access-error">{text}</p> }
    })
}

/// Step 1: prove who you are.
#[component]
pub fn FirstAccessPage() -> impl IntoView {
    let locale = use_locale();
    let (reference, date_of_birth, error, minutes) = use_query_map().with_untracked(|q| {
        (
            q.get("reference").unwrap_or_default(),
            q.get("dob").unwrap_or_default(),
            q.get("error"),
            q.get("minutes"),
        )
    });
    view! {
        <section class="page narrow">
            <h1>{T::FirstAccessTitle.get(locale)}</h1>
            <p class="lead">{T::FirstAccessIntro.get(locale)}</p>
            {error_notice(error, minutes, locale)}
            <form method="post" action="/auth/first-access" class="card form" novalidate>
                <label for="reference">{T::AccountReferenceLabel.get(locale)}</label>
                <input id="reference" name="reference" type="text" autocomplete="off" required
                    value=reference aria-describedby="first-access-error"/>
                <label for="date_of_birth">{T::DateOfBirthLabel.get(locale)}</label>
                <input id="date_of_birth" name="date_of_birth" type="date" autocomplete="bday" required
                    value=date_of_birth/>
                <label for="phone_last4">{T::PhoneLast4Label.get(locale)}</label>
                <input id="phone_last4" name="phone_last4" type="text" inputmode="numeric"
                    autocomplete="off" maxlength="4" pattern="[0-9]{4}" required/>
                <button type="submit" class="button primary">{T::Continue.get(locale)}</button>
            </form>
            <p><a href="/sign-in">{T::AlreadyHavePassword.get(locale)}</a></p>
        </section>
    }
}

/// Step 2: choose a password (the proof travels in an HttpOnly cookie, not in the page).
#[component]
pub fn ChoosePasswordPage() -> impl IntoView {
    let locale = use_locale();
    let (error, minutes) = use_query_map().with_untracked(|q| (q.get("error"), q.get("minutes")));
    view! {
        <section class="page narrow">
            <h1>{T::ChoosePasswordTitle.get(locale)}</h1>
            <p class="lead">{T::ChoosePasswordIntro.get(locale)}</p>
            {error_notice(error, minutes, locale)}
            <form method="post" action="/auth/first-access/password" class="card form" novalidate>
                <label for="new_password">{T::NewPasswordLabel.get(locale)}</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password"
                    minlength="12" required aria-describedby="first-access-error"/>
                <label for="confirmation">{T::ConfirmPasswordLabel.get(locale)}</label>
                <input id="confirmation" name="confirmation" type="password" autocomplete="new-password"
                    minlength="12" required/>
                <button type="submit" class="button primary">{T::SavePasswordAndSignIn.get(locale)}</button>
            </form>
        </section>
    }
}
