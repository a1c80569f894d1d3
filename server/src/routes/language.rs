//! The language switch: remembers the choice in a cookie and returns to the same page.

use app::domain::locale::Locale;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::middleware::LANGUAGE_COOKIE;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only a path on this site; anything else (another origin, `//host`) goes home. Browsers drop
/// tabs and line breaks from a URL before reading it, so `/<TAB>/host` would be `//host`:
/// a path with any control character or space is refused outright.
fn local_path(next: Option<String>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            p
        }
        _ => "/".to_owned(),
    }
}

pub async fn switch(Path(code): Path<String>, Query(query): Query<Next>) -> Response {
    let Some(locale) = Locale::parse(&code) else {
        return super::plain_text(StatusCode::NOT_FOUND, "Unknown language. 未知语言。");
    };
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.code()
    );
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, local_path(query.next)), (header::SET_COOKIE, cookie)],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_a_path_on_this_site_is_followed() {
        assert_eq!(local_path(Some("/accounts/1?x=y".into())), "/accounts/1?x=y");
        for hostile in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/\r\n/x",
            "https://evil.example",
            "/ /x",
        ] {
            assert_eq!(local_path(Some(hostile.into())), "/", "{hostile:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
