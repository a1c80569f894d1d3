//! The frame around every page: header with navigation and language switch, main, footer.

use leptos::prelude::*;

use crate::domain::locale::Locale;
use crate::i18n::T;
use crate::model::{CurrentUser, Role};
use crate::wording;

/// What the page knows about the request it renders (provided by the shell).
#[derive(Clone, Debug, Default)]
pub struct RequestInfo {
    pub locale: Locale,
    pub user: Option<CurrentUser>,
    pub path_and_query: String,
    /// The server runs with demo data: sign-in shows the demo logins.
    pub demo: bool,
    /// The browser sent a session that has ended (timed out or signed out elsewhere).
    pub session_ended: bool,
}

impl RequestInfo {
    #[cfg(feature = "ssr")]
    pub fn current() -> RequestInfo {
        let viewer = crate::server::Viewer::current();
        let path_and_query = use_context::<http::request::Parts>()
            .and_then(|p| p.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
            .unwrap_or_else(|| "/".into());
        let demo = use_context::<crate::server::AppState>().is_some_and(|s| s.demo);
        let sent_session = use_context::<http::request::Parts>().is_some_and(|p| {
            p.headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| {
                    v.split(';')
                        .any(|c| c.trim().starts_with(crate::server::auth::session::COOKIE_NAME))
                })
        });
        RequestInfo {
            locale: viewer.locale,
            session_ended: sent_session && viewer.user.is_none(),
            user: viewer.user,
            path_and_query,
            demo,
        }
    }

    #[cfg(not(feature = "ssr"))]
    pub fn current() -> RequestInfo {
        RequestInfo::default()
    }
}

pub fn use_request_info() -> RequestInfo {
    use_context::<RequestInfo>().unwrap_or_default()
}

pub fn use_locale() -> Locale {
    use_request_info().locale
}

/// Where "back" goes for a language switch: only our own paths, never another origin.
fn language_link(code: &str, current: &str) -> String {
    let next: String = current
        .bytes()
        .flat_map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => vec![b as char],
            _ => format!("%{b:02X}").chars().collect(),
        })
        .collect();
    format!("/lang/{code}?next={next}")
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let info = use_request_info();
    let locale = info.locale;
    let home = match info.user.as_ref().map(|u| u.role) {
        Some(Role::Borrower) => "/accounts",
        Some(Role::Collector | Role::Supervisor) => "/queue",
        None => "/",
    };
    let nav = info.user.clone().map(|user| {
        view! {
            <nav class="nav" aria-label=T::NavAccounts.get(locale)>
                {user.role.is_staff().then(|| view! {
                    <a href="/queue" id="nav-queue">{T::NavQueue.get(locale)}</a>
                    <a href="/payments/import" id="nav-import">{T::NavImport.get(locale)}</a>
                })}
                {(user.role == Role::Supervisor).then(|| view! {
                    <a href="/audit" id="nav-audit">{T::NavAudit.get(locale)}</a>
                    <a href="/policy" id="nav-policy">{T::NavPolicy.get(locale)}</a>
                })}
                {(user.role == Role::Borrower).then(|| view! {
                    <a href="/accounts">{T::NavAccounts.get(locale)}</a>
                    <a href="/plans">{T::MyPlansTitle.get(locale)}</a>
                })}
                <span class="who">
                    <span class="visually-hidden">{T::SignedInAs.get(locale)} " "</span>
                    {user.display_name}
                </span>
                <form method="post" action="/auth/sign-out" class="inline">
                    <button type="submit" class="link-button">{T::SignOut.get(locale)}</button>
                </form>
            </nav>
        }
    });
    let other = match locale {
        Locale::En => (Locale::ZhCn, "中文"),
        Locale::ZhCn => (Locale::En, "English"),
    };
    view! {
        <a class="skip" href="#main">{T::SkipToContent.get(locale)}</a>
        <header class="top">
            <div class="top-inner">
                <a class="brand" href=home>
                    <span class="brand-mark" aria-hidden="true"></span>
                    {T::AppName.get(locale)}
                </a>
                {nav}
                <a class="lang" href=language_link(other.0.code(), &info.path_and_query) hreflang=other.0.code() lang=other.0.code()>
                    <span class="visually-hidden">{T::Language.get(locale)} {wording::colon(locale)}</span>
                    {other.1}
                </a>
            </div>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="foot">
            <p>{T::Tagline.get(locale)}</p>
        </footer>
    }
}
