//! Error text cannot be planted through a URL (docs/security.md item 53): without JavaScript a
//! failed form post returns to its page with the error in the URL (`__err`); only links signed by
//! this server in the last five minutes are shown, anything else is stripped.

use crate::support::*;
use axum::http::Method;
use base64::{engine::general_purpose::URL_SAFE, Engine};

const PLANTED: &str = "Call 1-800-555-0100 to unlock your account";

fn form_post_headers() -> Vec<(&'static str, String)> {
    vec![
        ("sec-fetch-site", "same-origin".into()),
        ("origin", ORIGIN.into()),
        ("referer", format!("{ORIGIN}/sign-in")),
        ("content-type", "application/x-www-form-urlencoded".into()),
        ("accept", "text/html,application/xhtml+xml".into()),
    ]
}

/// A failed no-JS sign-in: the redirect back to the page, as a path with its query.
async fn failed_form_post(app: &TestApp) -> String {
    let router = server::app(app.state.clone());
    let response = raw(
        &router,
        Method::POST,
        "/_fn/sign_in",
        &form_post_headers(),
        b"email=not-an-address&password=whatever".to_vec(),
    )
    .await;
    assert_eq!(response.status, 302, "{response:?}");
    let location = response.header("location").expect("redirect back");
    let location = location
        .strip_prefix(ORIGIN)
        .unwrap_or_else(|| panic!("redirect leaves the site: {location}"))
        .to_owned();
    for part in ["__path=", "__err=", "__at=", "__sig="] {
        assert!(location.contains(part), "{part} missing from {location}");
    }
    location
}

#[tokio::test]
async fn item53_a_failed_form_post_without_javascript_shows_its_error_on_the_page() {
    let app = TestApp::new().await;
    let location = failed_form_post(&app).await;
    let page = app.send(Req::get(&location)).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(
        page.body.contains("Enter an email address in the format"),
        "the server's own error is shown"
    );
}

#[tokio::test]
async fn item53_an_error_planted_in_a_link_is_stripped_and_never_shown() {
    let app = TestApp::new().await;
    let planted = serde_json::json!({ "Internal": { "correlation_id": PLANTED } }).to_string();
    let encoded = URL_SAFE.encode(planted);
    let genuine = failed_form_post(&app).await;
    let genuine_sig = genuine
        .split('&')
        .find_map(|p| p.strip_prefix("__sig="))
        .unwrap()
        .to_owned();
    let genuine_at = genuine
        .split('&')
        .find_map(|p| p.strip_prefix("__at="))
        .unwrap()
        .to_owned();
    for link in [
        format!("/sign-in?__path=/_fn/sign_in&__err={encoded}"),
        format!("/sign-in?expired=1&__path=/_fn/sign_in&__err={encoded}"),
        format!(
            "/sign-in?__path=/_fn/sign_in&__err={encoded}&__at={genuine_at}&__sig={genuine_sig}"
        ),
        format!("/sign-in?__path=/_fn/sign_in&__err={encoded}&__at={genuine_at}&__sig=00"),
        format!("/register?__err={encoded}"),
        format!("/sign-in?__path=/_fn/sign_in&__err={encoded}&__err={encoded}"),
    ] {
        let response = app.send(Req::get(&link)).await;
        assert_eq!(response.status, 302, "{link}: {response:?}");
        let target = response.header("location").unwrap();
        assert!(
            !target.contains("__err") && !target.contains("__sig"),
            "{link} -> {target}"
        );
        assert!(
            target == "/sign-in" || target == "/register" || target == "/sign-in?expired=1",
            "{link} -> {target}"
        );
        let followed = app.send(Req::get(&target)).await;
        assert!(
            !followed.body.contains("1-800-555"),
            "{link}: planted text shown"
        );
    }
}

#[tokio::test]
async fn item53_a_genuine_error_link_expires_after_five_minutes() {
    let app = TestApp::new().await;
    let location = failed_form_post(&app).await;
    app.clock.advance(299);
    assert_eq!(app.send(Req::get(&location)).await.status, 200);
    app.clock.advance(2);
    let stale = app.send(Req::get(&location)).await;
    assert_eq!(stale.status, 302, "{stale:?}");
    assert_eq!(stale.header("location").as_deref(), Some("/sign-in"));
}
