//! Request middleware: client address, language, cross-site request refusal, sessions and the
//! security headers every response carries.

use app::{
    i18n::Locale,
    infra::{
        crypto,
        request::{page_csp, ClientIp},
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
use std::net::{IpAddr, SocketAddr};

/// Name of the cookie remembering the chosen language (not a secret).
pub const LANGUAGE_COOKIE: &str = "caseport-lang";

/// Reads a cookie from the `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Works out the client address: the socket peer, unless the peer is a trusted proxy, in which
/// case the last `X-Forwarded-For` hop it appended. Spoofed headers from anyone else are ignored.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer)
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
    let ip = client_ip(peer.ip(), request.headers(), &state.policy.trusted_proxies);
    let locale = cookie(request.headers(), LANGUAGE_COOKIE)
        .and_then(Locale::from_tag)
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
    next.run(request).await
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

/// Refuses cross-site state-changing requests, wrong methods on server functions and undeclared
/// body encodings, before anything runs.
pub async fn guard_requests(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let safe = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if path.starts_with("/api/") && method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "Method not allowed",
        )
            .into_response();
    }
    if !safe && !is_same_origin(request.headers(), state.policy.origin()) {
        let ip = request
            .extensions()
            .get::<ClientIp>()
            .map(|ip| ip.0.to_string())
            .unwrap_or_default();
        tracing::warn!(path = %path, ip = %ip, "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Cross-site request refused").into_response();
    }
    if path.starts_with("/api/") {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported content type",
            )
                .into_response();
        }
        return align_error_status(next.run(request).await).await;
    }
    let mut response = next.run(request).await;
    // Leptos only turns a page redirect into a 302 when the client said it accepts HTML; every GET
    // that names a new location is a redirect whatever the Accept header says.
    if method == Method::GET
        && response.status() == StatusCode::OK
        && response.headers().contains_key(header::LOCATION)
    {
        *response.status_mut() = StatusCode::FOUND;
    }
    response
}

/// Errors raised by the server-function framework itself (missing or malformed arguments) are
/// answered 500 by default; give them the status of the `AppError` they were turned into.
async fn align_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

/// Loads the session named by the cookie (enforcing timeouts), hands it to the handlers, and
/// afterwards sets, rotates or clears the cookie as they decided.
pub async fn sessions(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if is_static_asset(&path) {
        return next.run(request).await;
    }
    let loaded = match cookie(request.headers(), SESSION_COOKIE) {
        Some(token) if !token.is_empty() => {
            sessions::load(&state.db, &state.policy, token, state.now()).await
        }
        _ => Ok(Loaded::Missing),
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(error) if path.starts_with("/api/") => return api_error_response(&error),
        Err(error) => return error_response(&error),
    };
    let expired = loaded == Loaded::Expired;
    let handle = SessionHandle::from_loaded(loaded);
    request.extensions_mut().insert(handle.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
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
            headers.insert(
                "clear-site-data",
                HeaderValue::from_static("\"cache\", \"cookies\", \"storage\""),
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

fn append(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.append(name, value);
    }
}

/// A server-function error as the browser's server-function client decodes it: JSON `AppError`.
pub fn api_error_response(error: &app::error::AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(error).unwrap_or_else(|_| "\"BadRequest\"".to_owned());
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::HeaderName::from_static("serverfnerror"), "1"),
        ],
        body,
    )
        .into_response()
}

/// A generic error page body with the correlation id; no internals.
pub fn error_response(error: &app::error::AppError) -> Response {
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
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(&str, &str); 7] = [
        (
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
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
    if is_api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.remove(header::SERVER);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 198.51.100.7"),
        );
        let peer: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(client_ip(peer, &headers, &[]), peer);
        assert_eq!(
            client_ip(peer, &headers, &[peer]),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
    }

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
}
