//! Layers every request passes through, outermost first: request id, tracing, compression,
//! security headers, the cross-origin write guard, the viewer (session and language), and the
//! NUL-character guard.

use std::net::SocketAddr;

use app::domain::locale::Locale;
use app::i18n::T;
use app::server::auth::session;
use app::server::lender::ApiError;
use app::server::store::audit;
use app::server::{AppState, Viewer};

use crate::routes::Refusal;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;

pub const LANGUAGE_COOKIE: &str = "rd_lang";
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps the router in the layers (the last one added runs first).
pub fn apply(router: Router, state: AppState) -> Router {
    router
        .layer(from_fn(refuse_nul_characters))
        .layer(from_fn_with_state(state.clone(), resolve_viewer))
        .layer(from_fn_with_state(state, refuse_cross_origin_writes))
        .layer(from_fn(security_headers))
        // Level 1 (gzip and brotli alike): every page is compressed as it is served. Profiled
        // under load, level 4 spent more CPU compressing the dashboard than rendering it; level 1
        // costs a fraction of that for pages a few hundred bytes larger.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(1)))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
                })
                // One line per request at the default level, inside the span that names its id.
                .on_request(DefaultOnRequest::new().level(Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Millis),
                ),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Reads one cookie by name from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn locale_of(headers: &HeaderMap) -> Locale {
    cookie(headers, LANGUAGE_COOKIE)
        .and_then(Locale::parse)
        .unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Locale::from_accept_language)
                .unwrap_or_default()
        })
}

/// Resolves the session cookie and language once, for every page, server function and handler.
async fn resolve_viewer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let client_addr = client_addr(&request);
    let headers = request.headers();
    let request_id = request_id(headers);
    let locale = locale_of(headers);
    let session = match cookie(headers, session::COOKIE_NAME) {
        Some(token) => match session::resolve(&state.db, token, &state.sessions).await {
            Ok(user) => user,
            Err(e) => {
                tracing::error!(request_id, "session lookup failed: {e}");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The service is temporarily unavailable.",
                )
                    .into_response();
            }
        },
        None => None,
    };
    let (user, policy_in_force) = session.map_or((None, None), |s| (Some(s.user), s.policy_in_force));
    let viewer = Viewer {
        user,
        locale,
        request_id,
        client_addr,
        policy_in_force,
    };
    let path = request.uri().path().to_owned();
    request.extensions_mut().insert(viewer.clone());
    let response = next.run(request).await;
    if let Some(Refusal(error)) = response.extensions().get::<Refusal>() {
        viewer.audit_refusal(&state.db, &path, error).await;
    }
    response
}

/// Largest form or server-function body read here (a note is at most 1,000 characters).
const FORM_BODY_LIMIT: usize = 256 * 1024;

/// PostgreSQL text cannot hold U+0000 and no person types it, so a page, form or server
/// function request carrying one (in its query, or its form or JSON body) is refused before
/// any handler could try to store or look it up. The lender API checks its own input.
async fn refuse_nul_characters(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/v1/") {
        return next.run(request).await;
    }
    let locale = request.extensions().get::<Viewer>().map_or(Locale::En, |v| v.locale);
    let refuse = |status, text| crate::routes::plain_text(status, text);
    if request.uri().query().is_some_and(|q| q.contains("%00")) {
        return refuse(StatusCode::BAD_REQUEST, T::ErrorNulCharacter.get(locale));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if !form && !content_type.contains("json") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_BODY_LIMIT).await else {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, T::ErrorRequestTooLarge.get(locale));
    };
    // Percent-encoded in a form, escaped in JSON (whose escapes are lower-case `\u`).
    let escaped_nul: &[u8] = if form { b"%00" } else { br"\u0000" };
    if bytes.contains(&0) || bytes.windows(escaped_nul.len()).any(|w| w == escaped_nul) {
        return refuse(StatusCode::BAD_REQUEST, T::ErrorNulCharacter.get(locale));
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn client_addr(request: &Request) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "-".to_owned(), |c| c.0.ip().to_string())
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

/// State-changing requests from another site (forms, server functions, any API) are refused,
/// on top of SameSite cookies, and the refusal is audited.
async fn refuse_cross_origin_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(request.headers()) {
        let viewer = Viewer {
            request_id: request_id(request.headers()),
            client_addr: client_addr(&request),
            ..Viewer::anonymous()
        };
        let what = format!("{} {}", request.method(), request.uri().path());
        let entry = audit::Entry {
            action: "access.cross_site_refused",
            subject_kind: "endpoint",
            subject_id: what,
            detail: serde_json::json!({}),
        };
        if let Err(e) = audit::append_alone(&state.db, &viewer, entry).await {
            tracing::error!(request_id = %viewer.request_id, "recording a refusal failed: {e}");
        }
        // Lender systems call server to server, without Origin or Sec-Fetch-Site, so they pass;
        // a browser on another site reaching the API gets the API's kind of answer.
        if request.uri().path().starts_with("/api/v1/") {
            return ApiError::CrossSite.into_response();
        }
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Cross-site request refused.",
        )
            .into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin == "null" || origin_host != host
}

/// Headers every response carries; pages set their own nonce-based CSP, others get a strict one.
async fn security_headers(request: Request<Body>, next: Next) -> Response {
    let static_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // Pages and answers carry personal data: no cache keeps them (the bundle may be cached).
    if !static_asset && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !headers.contains_key("content-security-policy") {
        headers.insert(
            "content-security-policy",
            HeaderValue::from_static("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
        );
    }
    response
}
