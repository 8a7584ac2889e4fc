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

/// "Browser / System" for a `User-Agent` header, from the few names that matter to a person
/// looking for a sign-in they do not recognise (proper names, the same in every language). An
/// unknown browser is named by the product at the start of the header; an unknown system is left
/// out.
pub fn device_label(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(token, _)| user_agent.contains(token))
    .map(|(_, name)| name.to_owned())
    .unwrap_or_else(|| {
        let product = user_agent.split(['/', ' ']).next().unwrap_or_default();
        product
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
            .take(40)
            .collect()
    });
    let system = [
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(token, _)| user_agent.contains(token))
    .map(|(_, name)| name);
    match system {
        Some(system) => format!("{browser} / {system}"),
        None => browser,
    }
}

/// The browser of the current request, described by [`device_label`].
pub fn request_device() -> Option<String> {
    request_user_agent().map(|agent| device_label(&agent))
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
    fn devices_are_named_by_browser_and_system() {
        let cases = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox / Windows"),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome / Linux"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge / Windows"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari / iOS"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari / macOS"),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome / Android"),
            ("curl/8.5.0", "curl"),
            ("<script>/1 (x)", "script"),
        ];
        for (agent, label) in cases {
            assert_eq!(device_label(agent), label, "{agent}");
        }
    }

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
