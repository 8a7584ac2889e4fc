//! `GET /api/ping`, the constant JSON answer `bench/` measures the APIs against: it answers the
//! same bytes every time, with the headers every API answer carries (item 42), needs no session
//! and no database, and takes no other method.

use crate::support::*;
use axum::http::Method;

#[tokio::test]
async fn item42_ping_answers_constant_json_with_the_api_headers() {
    let app = TestApp::new().await;
    let router = server::app(app.state.clone());
    for _ in 0..2 {
        let response = raw(&router, Method::GET, "/api/ping", &[], Vec::new()).await;
        assert_eq!(response.status, 200, "{response:?}");
        assert_eq!(response.body, r#"{"status":"ok"}"#);
        assert_eq!(response.body, server::api::PING_BODY);
        assert_eq!(
            response.header("content-type").as_deref(),
            Some("application/json")
        );
        assert_eq!(
            response.header("cache-control").as_deref(),
            Some("no-store")
        );
        assert_eq!(
            response.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert!(
            response
                .header("strict-transport-security")
                .is_some_and(|v| v.contains("max-age=")),
            "{response:?}"
        );
        assert!(
            response
                .header("content-security-policy")
                .is_some_and(|v| v.contains("frame-ancestors 'none'")),
            "{response:?}"
        );
        assert!(
            response.set_cookies().is_empty(),
            "no session for the API: {response:?}"
        );
        assert!(response.header("server").is_none(), "{response:?}");
    }
}

#[tokio::test]
async fn ping_needs_no_database() {
    let app = TestApp::new().await;
    let router = server::app(app.state.clone());
    app.state.db.pool.close().await;
    let response = raw(&router, Method::GET, "/api/ping", &[], Vec::new()).await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body, server::api::PING_BODY);
}

#[tokio::test]
async fn ping_takes_only_get() {
    let app = TestApp::new().await;
    let router = server::app(app.state.clone());
    let response = raw(&router, Method::POST, "/api/ping", &[], Vec::new()).await;
    assert_eq!(response.status, 405, "{response:?}");
    assert!(
        response.header("allow").is_some_and(|v| v.contains("GET")),
        "{response:?}"
    );
}
