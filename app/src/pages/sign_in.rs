//! Sign-in: a plain form posted to `/auth/sign-in`, so it works with or without JavaScript.
//! On failure the server sends the reader back here with what they typed (never the password).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::feedback::try_again_in;
use crate::components::layout::{use_locale, use_request_info};
use crate::i18n::T;

#[component]
pub fn SignInPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (login, error, notice, minutes) = query.with_untracked(|q| {
        (
            q.get("login").unwrap_or_default(),
            q.get("error"),
            q.get("notice"),
            q.get("minutes"),
        )
    });
    let error = error.map(|code| {
        let text = match code.as_str() {
            "missing" => T::SignInMissing.get(locale).to_owned(),
            "expired" => T::SessionExpired.get(locale).to_owned(),
            "locked" => try_again_in(minutes.and_then(|m| m.parse().ok()).unwrap_or(1), locale),
            _ => T::SignInFailed.get(locale).to_owned(),
        };
        view! { <p class="notice notice-error" role="alert" id="sign-in-error">{text}</p> }
    });
    let notice = notice
        .filter(|n| n == "signed_out")
        .map(|_| view! { <p class="notice" role="status">{T::SignedOut.get(locale)}</p> });
    view! {
        <section class="page narrow">
            <h1>{T::SignInTitle.get(locale)}</h1>
            <p class="lead">{T::SignInIntro.get(locale)}</p>
            {notice}
            {error}
            <form method="post" action="/auth/sign-in" class="card form" novalidate>
                <label for="login">{T::LoginLabel.get(locale)}</label>
                <input id="login" name="login" type="text" autocomplete="username" inputmode="email"
                    required value=login aria-describedby="sign-in-error"/>
                <label for="password">{T::PasswordLabel.get(locale)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="button primary">{T::SignIn.get(locale)}</button>
            </form>
            <p><a href="/first-access" id="first-access-link" class="line-link">{T::FirstAccessLink.get(locale)}</a></p>
            {use_request_info().demo.then(|| view! { <p class="muted small">{T::DemoHint.get(locale)}</p> })}
        </section>
    }
}
