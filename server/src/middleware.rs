//! Request middleware: client address, language, the rules for each kind of path (server
//! functions, public APIs, pages, static files), sessions and the security headers every response
//! carries.

use crate::forwarded;
use app::{
    error::AppError,
    i18n::Locale,
    infra::{
        crypto,
        request::{cookie, page_csp, ClientIp},
        state::AppState,
    },
    session::store::{self as sessions, CookieAction, Loaded, SessionHandle, SESSION_COOKIE},
};
use axum::{
    body::Body,
    extract::{ConnectInfo, State},
    http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::net::SocketAddr;
use tracing::Instrument;

/// Name of the cookie remembering the chosen language (not a secret).
pub const LANGUAGE_COOKIE: &str = "caseport-lang";

/// Where the browser's server functions live: the app's private channel (same origin, POST, form
/// encoded, session cookie).
pub const SERVER_FN_PREFIX: &str = "/_fn/";

/// Where public JSON APIs for other programs live: bearer tokens, no cookies, JSON errors.
pub const API_PREFIX: &str = "/api/";

/// Largest server-function body accepted. Every form Caseport has fits in a few kilobytes; the
/// limit is generous and still keeps a single request from costing real memory or CPU.
pub const SERVER_FN_BODY_LIMIT: usize = 64 * 1024;

/// Health checks: answered without a session.
const HEALTH_CHECKS: [&str; 2] = ["/healthz", "/readyz"];

/// True for the static files (`static_files::DIRECTORIES` and `ROOT_FILES`, which are served
/// before this middleware sees them) and health checks: only these skip the session; everything
/// else is a page, a server function or an API call.
pub fn is_static_path(path: &str) -> bool {
    let in_directory = crate::static_files::DIRECTORIES.iter().any(|dir| {
        path.strip_prefix('/')
            .and_then(|rest| rest.strip_prefix(dir))
            .is_some_and(|rest| rest.starts_with('/'))
    });
    let root_file = path
        .strip_prefix('/')
        .is_some_and(|name| crate::static_files::ROOT_FILES.contains(&name));
    in_directory || root_file || HEALTH_CHECKS.contains(&path)
}

/// What kind of endpoint a path names; each kind has its own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A server function (`/_fn/...`).
    ServerFn,
    /// A public JSON API (`/api/...`).
    Api,
    /// A static file or health check.
    Static,
    /// A page (or the language switch).
    Page,
}

impl PathKind {
    /// The kind of `path`.
    pub fn of(path: &str) -> Self {
        if path.starts_with(SERVER_FN_PREFIX) {
            PathKind::ServerFn
        } else if path.starts_with(API_PREFIX) {
            PathKind::Api
        } else if is_static_path(path) {
            PathKind::Static
        } else {
            PathKind::Page
        }
    }
}

/// Adds [`ClientIp`] and the request's [`Locale`] to the request.
pub async fn request_facts(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    else {
        tracing::error!("no peer address on request");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let ip = forwarded::client_ip(peer.ip(), request.headers(), &state.policy.trusted_proxies);
    let locale = cookie(request.headers(), LANGUAGE_COOKIE)
        .and_then(|tag| Locale::from_tag(&tag))
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Locale::from_accept_language)
        })
        .unwrap_or_default();
    request.extensions_mut().insert(ClientIp(ip));
    request.extensions_mut().insert(locale);
    // Every event logged while this request is handled carries the client address, the method,
    // the path (never the query, where links carry tokens) and, once the session is read, the
    // account it belongs to.
    let span = tracing::info_span!(
        "request",
        ip = %ip,
        method = %request.method(),
        path = %request.uri().path(),
        account_id = tracing::field::Empty,
    );
    next.run(request).instrument(span).await
}

/// Whether a state-changing request provably comes from one of Caseport's own pages:
/// `Sec-Fetch-Site: same-origin`, else a matching `Origin`, else a matching `Referer`.
pub fn is_same_origin(headers: &HeaderMap, origin: &str) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return site == "same-origin";
    }
    if let Some(request_origin) = header("origin") {
        return request_origin == origin;
    }
    if let Some(referer) = header("referer") {
        return referer == origin || referer.starts_with(&format!("{origin}/"));
    }
    false
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

/// Applies the rules of each kind of path before anything runs: server functions are POST-only,
/// same-origin and form-encoded with a bounded, well-formed body; pages refuse cross-site
/// state-changing requests and forged form-error links; APIs are left to their own router.
pub async fn guard_requests(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let kind = PathKind::of(&path);
    if kind == PathKind::Api {
        return next.run(request).await;
    }
    if kind == PathKind::ServerFn && method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "Method not allowed",
        )
            .into_response();
    }
    let safe = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !is_same_origin(request.headers(), state.policy.origin()) {
        let ip = request
            .extensions()
            .get::<ClientIp>()
            .map(|ip| ip.0.to_string())
            .unwrap_or_default();
        tracing::warn!(path = %path, ip = %ip, "cross-site request refused");
        return plain(StatusCode::FORBIDDEN, "Cross-site request refused");
    }
    match kind {
        PathKind::ServerFn => {
            let content_type = request
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let essence = content_type.split(';').next().unwrap_or("").trim();
            if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
                return plain(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "Unsupported content type",
                );
            }
            let request = match well_formed_form(request).await {
                Ok(request) => request,
                Err(error) => return server_fn_error_response(&error),
            };
            let response = align_error_status(next.run(request).await).await;
            sign_form_error_redirect(&state, response)
        }
        PathKind::Page if method == Method::GET => {
            if let Some(clean) = forged_form_error_link(&state, request.uri()) {
                return redirect_found(&clean);
            }
            let mut response = next.run(request).await;
            // Leptos only turns a page redirect into a 302 when the client said it accepts HTML;
            // every GET that names a new location is a redirect whatever the Accept header says.
            if response.status() == StatusCode::OK
                && response.headers().contains_key(header::LOCATION)
            {
                *response.status_mut() = StatusCode::FOUND;
            }
            response
        }
        _ => next.run(request).await,
    }
}

fn redirect_found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => plain(StatusCode::BAD_REQUEST, "Bad request"),
    }
}

/// Reads a server-function body and refuses what no Caseport form sends: more than
/// [`SERVER_FN_BODY_LIMIT`] bytes (413), bytes or percent-escapes that are not UTF-8, NUL
/// characters, or a field given twice (400). The request goes on with the same bytes.
async fn well_formed_form(request: Request<Body>) -> Result<Request<Body>, AppError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > SERVER_FN_BODY_LIMIT as u64) {
        return Err(AppError::TooLarge);
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, SERVER_FN_BODY_LIMIT)
        .await
        .map_err(|_| AppError::TooLarge)?;
    check_form_body(&bytes)?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The body rules of [`well_formed_form`], on bytes.
pub fn check_form_body(bytes: &[u8]) -> Result<(), AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| AppError::BadRequest)?;
    let mut seen = std::collections::HashSet::new();
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode_component(key)?;
        let value = decode_component(value)?;
        if key.contains('\0') || value.contains('\0') || !seen.insert(key) {
            return Err(AppError::BadRequest);
        }
    }
    Ok(())
}

fn decode_component(text: &str) -> Result<String, AppError> {
    let bytes = text.as_bytes();
    for (i, byte) in bytes.iter().enumerate() {
        let escape_ok = bytes.len() > i + 2
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit();
        if *byte == b'%' && !escape_ok {
            return Err(AppError::BadRequest);
        }
    }
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| AppError::BadRequest)
}

/// Gives an error answered by a server function the status of its `AppError` (the framework
/// answers every error 500) and `Retry-After` when the error carries one. This is the one place
/// that maps errors to HTTP. A plain HTML form post is answered with a redirect back to its page
/// (the error travels in the URL), which stays a redirect.
async fn align_error_status(response: Response) -> Response {
    if !response.headers().contains_key("serverfnerror") || response.status().is_redirection() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        log_refusal(parts.status);
        if let Some(seconds) = error.retry_after() {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// How long a form-error link (`?__err=`) stays valid after the server made it.
const FORM_ERROR_LINK_SECS: i64 = 300;
const FORM_ERROR_PARAMS: [&str; 4] = ["__path", "__err", "__at", "__sig"];

fn form_error_mac(state: &AppState, at: &str, path: &str, error: &str) -> String {
    state
        .keys
        .mac_hex(format!("form-error-link|{at}|{path}|{error}").as_bytes())
}

/// Without JavaScript, a failed form post is redirected back to its page with the error in the
/// URL (`__path`, `__err`), which the page shows. Such links are signed here, with the time, so
/// that only errors this server produced in the last few minutes are ever shown.
fn sign_form_error_redirect(state: &AppState, mut response: Response) -> Response {
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return response;
    };
    let Ok(mut url) = url::Url::parse(location) else {
        return response;
    };
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (Some(path), Some(error)) = (get("__path"), get("__err")) else {
        return response;
    };
    let at = state.now().to_string();
    let sig = form_error_mac(state, &at, &path, &error);
    url.query_pairs_mut()
        .append_pair("__at", &at)
        .append_pair("__sig", &sig);
    if let Ok(value) = HeaderValue::from_str(url.as_str()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// For a page URL carrying a form error that this server did not sign (or signed too long ago),
/// the same URL without it; `None` when the URL is fine as it is.
fn forged_form_error_link(state: &AppState, uri: &axum::http::Uri) -> Option<String> {
    let query = uri.query()?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs
        .iter()
        .any(|(k, _)| FORM_ERROR_PARAMS.contains(&k.as_str()))
    {
        return None;
    }
    let all = |name: &str| pairs.iter().filter(|(k, _)| k == name).collect::<Vec<_>>();
    let (paths, errors, times, sigs) = (all("__path"), all("__err"), all("__at"), all("__sig"));
    let genuine = match (
        paths.as_slice(),
        errors.as_slice(),
        times.as_slice(),
        sigs.as_slice(),
    ) {
        ([(_, path)], [(_, error)], [(_, at)], [(_, sig)]) => {
            let fresh = at
                .parse::<i64>()
                .is_ok_and(|at| (0..=FORM_ERROR_LINK_SECS).contains(&(state.now() - at)));
            fresh
                && crypto::constant_time_eq(
                    form_error_mac(state, at, path, error).as_bytes(),
                    sig.as_bytes(),
                )
        }
        _ => false,
    };
    if genuine {
        return None;
    }
    tracing::info!(path = %uri.path(), "unsigned or stale form-error link stripped");
    let rest: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| !FORM_ERROR_PARAMS.contains(&k.as_str()))
        .collect();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(rest)
        .finish();
    Some(if query.is_empty() {
        uri.path().to_owned()
    } else {
        format!("{}?{query}", uri.path())
    })
}

/// Loads the session named by the cookie (enforcing timeouts), hands it to the handlers, and
/// afterwards sets, rotates or clears the cookie as they decided. Static files and public APIs
/// never touch sessions.
pub async fn sessions(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let kind = PathKind::of(&path);
    // Live updates read the session themselves, without counting as activity.
    if matches!(kind, PathKind::Static | PathKind::Api)
        || path == app::notifications::live::LIVE_PATH
    {
        return next.run(request).await;
    }
    let loaded = match cookie(request.headers(), SESSION_COOKIE) {
        Some(token) if !token.is_empty() => {
            sessions::load(&state.db, &state.policy, &token, state.now()).await
        }
        _ => Ok(Loaded::Missing),
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(error) if kind == PathKind::ServerFn => return server_fn_error_response(&error),
        Err(error) => return error_response(&error),
    };
    let expired = loaded == Loaded::Expired;
    let handle = SessionHandle::from_loaded(loaded);
    request.extensions_mut().insert(handle.clone());
    if let Some(account_id) = handle.state().as_ref().and_then(|s| s.account_id()) {
        tracing::Span::current().record("account_id", account_id);
    }
    let mut response = next.run(request).await;
    if kind == PathKind::Page {
        log_refusal(response.status());
    }
    let headers = response.headers_mut();
    if let Some(token) = handle.device_to_remember() {
        append(
            headers,
            header::SET_COOKIE,
            &app::accounts::devices::cookie_header(&token),
        );
    }
    match handle.cookie_action() {
        CookieAction::Set(token) => append(
            headers,
            header::SET_COOKIE,
            &sessions::set_cookie_header(&token),
        ),
        CookieAction::Clear => {
            append(
                headers,
                header::SET_COOKIE,
                &sessions::clear_cookie_header(),
            );
            // Not "cookies": that would also forget the known-device cookie, which must outlive
            // the session so strangers' failures cannot lock its owner out (the session cookie
            // itself is expired by the Set-Cookie above).
            headers.insert(
                "clear-site-data",
                HeaderValue::from_static("\"cache\", \"storage\""),
            );
        }
        CookieAction::Keep if expired => append(
            headers,
            header::SET_COOKIE,
            &sessions::clear_cookie_header(),
        ),
        CookieAction::Keep => {}
    }
    response
}

/// Logs a refusal (unauthenticated, forbidden, or an object that is not the caller's); the
/// request span adds who asked and from where, so probing other people's ids shows in the logs.
fn log_refusal(status: StatusCode) {
    if matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ) {
        tracing::warn!(status = status.as_u16(), "request refused");
    }
}

fn append(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.append(name, value);
    }
}

/// A server-function error as the browser's server-function client decodes it: JSON `AppError`.
pub fn server_fn_error_response(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(error).unwrap_or_else(|_| "\"BadRequest\"".to_owned());
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::HeaderName::from_static("serverfnerror"), "1"),
        ],
        body,
    )
        .into_response();
    if let Some(seconds) = error.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A generic error page body with the correlation id; no internals.
pub fn error_response(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = error
        .messages()
        .first()
        .map(|(_, m)| m.text(Locale::En))
        .unwrap_or_default();
    (status, text).into_response()
}

/// Adds the security headers to every response (pages set their own CSP with the hydration nonce;
/// every other response gets the same policy with a fresh nonce).
pub async fn security_headers(request: Request<Body>, next: Next) -> Response {
    let never_cache = matches!(
        PathKind::of(request.uri().path()),
        PathKind::ServerFn | PathKind::Api
    );
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::REFERRER_POLICY) {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    let fixed: [(&str, &str); 6] = [
        (
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&page_csp(&crypto::random_token())) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    if never_cache {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.remove(header::SERVER);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_is_proved_by_fetch_metadata_then_origin_then_referer() {
        let origin = "https://caseport.example";
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (k, v) in pairs {
                headers.insert(*k, HeaderValue::from_static(v));
            }
            is_same_origin(&headers, origin)
        };
        assert!(with(&[("sec-fetch-site", "same-origin")]));
        assert!(!with(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://caseport.example")
        ]));
        assert!(!with(&[("sec-fetch-site", "same-site")]));
        assert!(with(&[("origin", "https://caseport.example")]));
        assert!(!with(&[("origin", "https://evil.example")]));
        assert!(!with(&[("origin", "null")]));
        assert!(with(&[("referer", "https://caseport.example/register")]));
        assert!(!with(&[(
            "referer",
            "https://caseport.example.evil.example/"
        )]));
        assert!(!with(&[]));
    }

    #[test]
    fn only_listed_paths_are_static_and_the_prefixes_decide_the_rest() {
        for path in [
            "/pkg/caseport.wasm",
            "/icons/icon-192.png",
            "/sw.js",
            "/manifest.webmanifest",
            "/healthz",
        ] {
            assert_eq!(PathKind::of(path), PathKind::Static, "{path}");
        }
        for path in ["/profile.png", "/account", "/sign-in/x.js", "/", "/pkgs"] {
            assert_eq!(PathKind::of(path), PathKind::Page, "{path}");
        }
        assert_eq!(PathKind::of("/_fn/sign_in"), PathKind::ServerFn);
        assert_eq!(PathKind::of("/api/v1/case-status"), PathKind::Api);
    }

    #[test]
    fn form_bodies_must_be_utf8_without_nul_or_repeated_fields() {
        assert!(check_form_body(b"email=a%40b.test&password=x+y").is_ok());
        assert!(check_form_body(b"").is_ok());
        assert!(check_form_body("code=caf%C3%A9".as_bytes()).is_ok());
        assert!(check_form_body(b"code=100%25").is_ok());
        for bad in [
            &b"email=\xff\xfe"[..],
            b"email=%FF%FE",
            b"email=a%00b",
            b"email=a\x00b",
            b"%00=x",
            b"code=1&code=2",
            b"code=%",
            b"code=%4",
            b"code=%zz",
        ] {
            assert_eq!(
                check_form_body(bad),
                Err(AppError::BadRequest),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
