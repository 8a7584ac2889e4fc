//! File downloads that cannot be turned against the site (docs/security.md item 39): always an
//! attachment with an RFC 6266 encoded name, the exact type, `nosniff`, never cached, and a
//! sandboxing Content-Security-Policy should a browser render it anyway.

use crate::{
    error::AppError,
    i18n::{CommonMsg, Locale},
};
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

/// The CSP of every download: no script, no plugin, no framing, in a sandbox.
pub const DOWNLOAD_CSP: &str =
    "sandbox; default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// `name` as the two forms of `Content-Disposition`: an ASCII fallback (anything else becomes `_`)
/// and the UTF-8 percent-encoded `filename*` (RFC 5987 `attr-char`s stay as they are).
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// `body` as a download named `name` of type `content_type`.
pub fn attachment(name: &str, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_CSP),
    );
    response
}

/// A generated PDF `(name, bytes)` as a download, or the refusal of `error`.
pub fn pdf_or_refusal(result: Result<(String, Vec<u8>), AppError>, locale: Locale) -> Response {
    match result {
        Ok((name, bytes)) => attachment(&name, "application/pdf", bytes),
        Err(error) => refusal(&error, locale),
    }
}

/// A download refused: not signed in → to the sign-in page; anything not the caller's → 404
/// (whether it exists is not told); otherwise the status with a generic text in `locale`.
pub fn refusal(error: &AppError, locale: Locale) -> Response {
    match error {
        AppError::Unauthorized | AppError::SessionExpired => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, "/sign-in")]).into_response()
        }
        AppError::Forbidden | AppError::NotFound => {
            (StatusCode::NOT_FOUND, CommonMsg::NotFound.text(locale)).into_response()
        }
        other => {
            let status =
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let text = other
                .messages()
                .into_iter()
                .map(|(_, message)| message.text(locale))
                .collect::<Vec<_>>()
                .join(" ");
            let mut response = (status, text).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_encoded_for_every_browser_and_cannot_break_the_header() {
        assert_eq!(
            content_disposition("IOE0912345678-receipt.pdf"),
            "attachment; filename=\"IOE0912345678-receipt.pdf\"; filename*=UTF-8''IOE0912345678-receipt.pdf"
        );
        let tricky = content_disposition("a\"; b\r\nX: y/../Ñ.pdf");
        assert!(!tricky.contains('\r') && !tricky.contains('\n'));
        assert_eq!(tricky.matches('"').count(), 2, "{tricky}");
        assert!(
            tricky.contains("filename*=UTF-8''a%22%3B%20b%0D%0AX%3A%20y%2F..%2F%C3%91.pdf"),
            "{tricky}"
        );
    }
}
