//! Facts about the current request that the middleware works out once: client address and language.

use crate::{error::AppError, i18n::Locale};
use std::net::IpAddr;

/// The client's address: the socket peer, or the `X-Forwarded-For` entry added by a trusted proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

fn parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The client address of the current request.
pub fn client_ip() -> Result<IpAddr, AppError> {
    parts()
        .and_then(|p| p.extensions.get::<ClientIp>().copied())
        .map(|ip| ip.0)
        .ok_or_else(|| AppError::internal("client address missing from request"))
}

/// The value of the cookie `name` in these request headers (the first cookie with exactly that
/// name), if the browser sent one.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The value of the request cookie `name`, if the browser sent one.
pub fn request_cookie(name: &str) -> Option<String> {
    parts().and_then(|p| cookie(&p.headers, name))
}

/// The `User-Agent` of the current request (at most 512 bytes of it), if it sent one.
pub fn request_user_agent() -> Option<String> {
    parts().and_then(|p| {
        let agent = p.headers.get(http::header::USER_AGENT)?.to_str().ok()?;
        let mut end = agent.len().min(512);
        while !agent.is_char_boundary(end) {
            end -= 1;
        }
        Some(agent[..end].to_owned())
    })
}

/// The language of the current request (cookie, else `Accept-Language`).
pub fn request_locale() -> Locale {
    parts()
        .and_then(|p| p.extensions.get::<Locale>().copied())
        .unwrap_or_default()
}

/// The Content-Security-Policy of an HTML page whose scripts carry `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// Sets the page's CSP with this response's nonce (the same one Leptos puts on its hydration
/// scripts) and forbids caching: pages may show personal data.
pub fn set_page_security_headers() {
    let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if let Some(nonce) = leptos::nonce::use_nonce() {
        if let Ok(value) = http::HeaderValue::from_str(&page_csp(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response.insert_header(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
}

/// Tells the browser to send no `Referer` from this page (pages whose address may carry a token).
pub fn set_no_referrer() {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::REFERRER_POLICY,
            http::HeaderValue::from_static("no-referrer"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{header, HeaderMap, HeaderValue};

    #[test]
    fn cookies_are_parsed_by_name_not_by_substring() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("x__Host-caseport-session=evil; __Host-caseport-session=good"),
        );
        assert_eq!(
            cookie(&headers, "__Host-caseport-session").as_deref(),
            Some("good")
        );
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
