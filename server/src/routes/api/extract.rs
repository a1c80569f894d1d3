//! Extractors for the lender API, each turning every way a request can be wrong into an
//! `ApiError` (so into problem+json), never into axum's plain-text rejections.

use std::marker::PhantomData;

use app::server::lender::keys::{self, ApiClient, Scope};
use app::server::lender::{ApiError, FieldProblem};
use app::server::{AppState, Viewer};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Names the scope an operation needs, so the extractor checks it before the body is read.
pub trait RequiredScope {
    const SCOPE: Scope;
}

macro_rules! scope_markers {
    ($($marker:ident => $scope:ident),* $(,)?) => {
        $(
            pub struct $marker;
            impl RequiredScope for $marker {
                const SCOPE: Scope = Scope::$scope;
            }
        )*
    };
}

scope_markers! {
    AccountsWrite => AccountsWrite,
    PaymentsWrite => PaymentsWrite,
    AgreementsRead => AgreementsRead,
    ProposalsRead => ProposalsRead,
}

/// The lender's system, authenticated by its Bearer key and holding scope `S`. Session
/// cookies count for nothing here: a signed-in browser is not an API client.
pub struct Caller<S> {
    pub client: ApiClient,
    pub viewer: Viewer,
    scope: PhantomData<S>,
}

fn viewer_of(parts: &Parts) -> Viewer {
    parts
        .extensions
        .get::<Viewer>()
        .cloned()
        .unwrap_or_else(Viewer::anonymous)
}

impl<S: RequiredScope> FromRequestParts<AppState> for Caller<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let viewer = viewer_of(parts);
        let what = format!("{} {}", parts.method, parts.uri.path());
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let client = match key {
            Some(key) => keys::authenticate(&state.db, &viewer, key).await,
            None => Err(ApiError::Unauthenticated),
        };
        let checked = client.and_then(|client| client.require(S::SCOPE).map(|()| client));
        match checked {
            Ok(client) => Ok(Caller {
                client,
                viewer,
                scope: PhantomData,
            }),
            Err(error) => {
                let reason = match &error {
                    ApiError::MissingScope(_) => app::error::AppError::Forbidden,
                    _ => app::error::AppError::NotSignedIn,
                };
                viewer.audit_refusal(&state.db, &what, &reason).await;
                Err(error)
            }
        }
    }
}

/// A JSON body of at most `LIMIT` bytes, read strictly: the media type must be JSON, the
/// bytes UTF-8, the syntax valid, and the shape exactly `T` (unknown fields refused).
pub struct ApiJson<T, const LIMIT: usize>(pub T);

/// JSON is UTF-8 (RFC 8259): another declared charset is refused rather than misread.
fn is_json(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let utf8 = parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    });
    utf8 && (essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json")))
}

/// A serde message names the field at fault in backquotes (`unknown field \`x\``).
fn quoted_name(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// A body or query that does not have the expected shape, as one field problem.
fn shape_problem(path: &str, message: &str) -> FieldProblem {
    let join = |name: &str| match path {
        "" | "." => name.to_owned(),
        parent => format!("{parent}.{name}"),
    };
    let (code, field) = if message.starts_with("unknown field") {
        // The path already ends at the unknown key when it was read as a map entry.
        let name = quoted_name(message).unwrap_or_default();
        let at_key = path.rsplit('.').next() == Some(name);
        ("field_unknown", if at_key { path.to_owned() } else { join(name) })
    } else if message.starts_with("missing field") {
        (
            "field_missing",
            quoted_name(message).map_or_else(|| path.to_owned(), join),
        )
    } else if message.starts_with("duplicate field") {
        (
            "field_repeated",
            quoted_name(message).map_or_else(|| path.to_owned(), join),
        )
    } else {
        ("type_invalid", path.to_owned())
    };
    let field = if field == "." { String::new() } else { field };
    FieldProblem::new(&field, code, in_plain_words(message))
}

/// serde names Rust types in its messages (`expected i64`, `expected struct Borrower`): a
/// lender's developer reads JSON terms instead.
fn in_plain_words(message: &str) -> String {
    let Some((before, expected)) = message.split_once("expected ") else {
        return message.to_owned();
    };
    let json_term = match expected {
        "i64" | "i32" | "i16" | "u64" | "u32" | "u16" | "u8" | "usize" => "a whole number",
        "f64" | "f32" => "a number",
        "a boolean" | "a string" | "a sequence" => expected,
        other if other.starts_with("struct ") || other.starts_with("a map") => "an object",
        other if other.starts_with("enum ") || other.starts_with("one of") => "one of the listed values",
        other if other.starts_with("option") => "a value or null",
        _ => return message.to_owned(),
    };
    format!("{before}expected {json_term}")
}

/// A serde_json error at `path`: syntax is malformed, a wrong shape is a field problem.
fn json_problem(path: &str, error: &serde_json::Error) -> ApiError {
    match error.classify() {
        serde_json::error::Category::Data => {
            let message = error.to_string();
            // serde_json appends " at line L column C": the field already says where.
            let message = message.split(" at line ").next().unwrap_or(&message);
            ApiError::Invalid(vec![shape_problem(path, message)])
        }
        _ => ApiError::MalformedBody(format!("The body is not valid JSON: {error}.")),
    }
}

/// PostgreSQL text cannot hold U+0000 and no one means to send it: refused before parsing.
fn nul_problem() -> ApiError {
    ApiError::invalid("", "nul_character", "Text cannot contain the NUL character (U+0000).")
}

/// Whether JSON text holds the escape `\u0000` (a backslash-escaped backslash before `u0000`
/// is only the text "\\u0000").
fn has_nul_escape(text: &str) -> bool {
    text.match_indices("u0000").any(|(at, _)| {
        let backslashes = text[..at].bytes().rev().take_while(|b| *b == b'\\').count();
        backslashes % 2 == 1
    })
}

/// Parses JSON text into `T`, reporting syntax errors as malformed and shape errors by field.
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    // serde fills a struct from an array by position too; the documented body is an object.
    if text.trim_start().starts_with('[') {
        return Err(ApiError::invalid(
            "",
            "type_invalid",
            "The body must be a JSON object, not an array.",
        ));
    }
    if has_nul_escape(text) {
        return Err(nul_problem());
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| json_problem(&e.path().to_string(), e.inner()))?;
    deserializer.end().map_err(|e| json_problem("", &e))?;
    Ok(value)
}

impl<T: DeserializeOwned, S: Send + Sync, const LIMIT: usize> FromRequest<S> for ApiJson<T, LIMIT> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json);
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let too_large = ApiError::PayloadTooLarge { limit_bytes: LIMIT };
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > LIMIT) {
            return Err(too_large);
        }
        let bytes = axum::body::to_bytes(request.into_body(), LIMIT)
            .await
            .map_err(|_| too_large)?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| ApiError::MalformedBody("The body is not valid UTF-8.".into()))?;
        parse_json(text).map(ApiJson)
    }
}

/// Query parameters read into `T`, unknown ones refused, problems reported by parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        if query.contains("%00") {
            return Err(nul_problem());
        }
        serde_urlencoded::from_str(query).map(ApiQuery).map_err(|e| {
            let message = e.to_string();
            ApiError::Invalid(vec![shape_problem("", &message)])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        amount: i64,
    }

    fn field_of(result: Result<Outer, ApiError>) -> (String, String) {
        match result {
            Err(ApiError::Invalid(problems)) => (problems[0].field.clone(), problems[0].code.clone()),
            other => panic!("expected a validation problem, got {other:?}"),
        }
    }

    #[test]
    fn shape_errors_name_the_field_at_fault() {
        assert_eq!(
            field_of(parse_json(r#"{"inner":{"amount":"12"}}"#)),
            ("inner.amount".into(), "type_invalid".into())
        );
        assert_eq!(
            field_of(parse_json(r#"{"inner":{"amount":1,"extra":2}}"#)),
            ("inner.extra".into(), "field_unknown".into())
        );
        assert_eq!(
            field_of(parse_json(r#"{"inner":{}}"#)),
            ("inner.amount".into(), "field_missing".into())
        );
    }

    #[test]
    fn broken_json_is_malformed_not_invalid() {
        for text in [
            r#"{"inner":"#,
            "",
            r#"{"inner":{"amount":1}} trailing"#,
            r#"{"inner":{"amount":1,}}"#,
        ] {
            assert!(
                matches!(parse_json::<Outer>(text), Err(ApiError::MalformedBody(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn arrays_nul_characters_and_repeated_fields_are_refused_in_json_terms() {
        let positional = parse_json::<Outer>(r#"[{"amount":1}]"#);
        assert!(matches!(positional, Err(ApiError::Invalid(_))), "{positional:?}");
        for text in [r#"{"inner":{"amount":1},"n":"a\u0000"}"#, r#"{"a":"\u0000"}"#] {
            assert!(matches!(parse_json::<Outer>(text), Err(ApiError::Invalid(p)) if p[0].code == "nul_character"));
        }
        assert!(!has_nul_escape(r#"{"note":"a backslash then u0000: \\u0000"}"#));
        assert_eq!(
            field_of(parse_json(r#"{"inner":{"amount":1,"amount":2}}"#)),
            ("inner.amount".into(), "field_repeated".into())
        );
        let Err(ApiError::Invalid(problems)) = parse_json::<Outer>(r#"{"inner":{"amount":"12"}}"#) else {
            panic!("a type problem");
        };
        assert!(
            problems[0].message.ends_with("expected a whole number"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn json_media_types_are_recognised_with_parameters() {
        assert!(is_json("application/json"));
        assert!(!is_json("application/json; charset=latin1"));
        assert!(is_json("application/json; charset=\"UTF-8\""));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/x-www-form-urlencoded"));
    }
}
