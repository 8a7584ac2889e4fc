//! Malformed requests get a 4xx, never a 5xx (docs/security.md item 50): the whole class — empty,
//! wrong types, invalid UTF-8, NUL bytes, repeated keys, 1 MB fields, 3 MB bodies, streamed bodies
//! without a length, as form, JSON and text — is sent to every server function, anonymously and
//! signed in, and the server stays healthy.

use crate::support::*;
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Method, Request},
    Router,
};
use std::net::SocketAddr;
use tower::ServiceExt;

/// Requests whose fields are well-formed but missing or of the wrong shape. A server function
/// that takes no arguments may rightly answer them as it answers an empty form; every other
/// server function must refuse them.
const SHAPE_ONLY: [&str; 6] = [
    "empty",
    "only separators",
    "nested where a string is expected",
    "array where a string is expected",
    "JSON sent as a form",
    "many fields",
];

/// (label, content type, body) for every malformed request sent to each server function.
fn malformed_bodies() -> Vec<(String, &'static str, Vec<u8>)> {
    let form = "application/x-www-form-urlencoded";
    let mut cases: Vec<(String, &'static str, Vec<u8>)> = vec![
        ("empty".into(), form, Vec::new()),
        ("only separators".into(), form, b"&&&==&".to_vec()),
        (
            "nested where a string is expected".into(),
            form,
            b"email[a]=1&password[]=2&code[x][y]=3".to_vec(),
        ),
        (
            "array where a string is expected".into(),
            form,
            b"email[]=a&email[]=b".to_vec(),
        ),
        (
            "repeated keys".into(),
            form,
            b"email=a%40b.test&email=c%40d.test&code=1&code=2".to_vec(),
        ),
        (
            "invalid UTF-8 bytes".into(),
            form,
            b"email=\xff\xfe\xfd&password=\xc3\x28&code=\x80".to_vec(),
        ),
        (
            "invalid UTF-8 escapes".into(),
            form,
            b"email=%ff%fe&password=%c3%28&code=%80".to_vec(),
        ),
        (
            "raw NUL bytes".into(),
            form,
            b"email=a\x00b%40c.test&password=x\x00y&code=12\x003456".to_vec(),
        ),
        (
            "escaped NUL bytes".into(),
            form,
            b"email=a%00b%40c.test&password=x%00yyyyyyyyyyyyy&code=12%003456".to_vec(),
        ),
        (
            "broken escapes".into(),
            form,
            b"email=%&password=%4&code=%zz".to_vec(),
        ),
        (
            "JSON sent as a form".into(),
            form,
            br#"{"email":5,"password":[1,2],"code":null}"#.to_vec(),
        ),
        (
            "JSON".into(),
            "application/json",
            br#"{"email":"a@b.test","code":123456}"#.to_vec(),
        ),
        (
            "JSON wrong types".into(),
            "application/json",
            br#"{"email":5,"password":[]}"#.to_vec(),
        ),
        ("text".into(), "text/plain", b"email=a%40b.test".to_vec()),
        (
            "multipart".into(),
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na\r\n--x--\r\n".to_vec(),
        ),
        ("no content type".into(), "", b"email=a".to_vec()),
    ];
    let big = "a".repeat(1024 * 1024);
    for field in ["email", "password", "code", "answer1"] {
        cases.push((
            format!("1 MB {field}"),
            form,
            format!("{field}={big}&code=123456").into_bytes(),
        ));
    }
    cases.push((
        "3 MB body".into(),
        form,
        format!("email=x&padding={}", "b".repeat(3 * 1024 * 1024)).into_bytes(),
    ));
    cases.push((
        "many fields".into(),
        form,
        (0..5000)
            .map(|i| format!("f{i}=v"))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
    ));
    cases
}

async fn send(
    router: &Router,
    path: &str,
    content_type: &str,
    cookie: Option<&str>,
    body: Body,
) -> TestResponse {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("sec-fetch-site", "same-origin")
        .header("origin", ORIGIN)
        .header("accept", "application/json");
    if !content_type.is_empty() {
        builder = builder.header("content-type", content_type);
    }
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", format!("__Host-caseport-session={cookie}"));
    }
    let mut request = builder.body(body).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    read_response(router.clone().oneshot(request).await.unwrap()).await
}

#[tokio::test]
async fn item50_every_malformed_request_to_every_server_function_gets_a_4xx() {
    let app = TestApp::new().await;
    let (cookie, secret) = app.signed_up("malformed@example.com", PASSWORD).await;
    let router = server::app(app.state.clone());
    let routes = server_fn_routes();
    let mut failures = Vec::new();
    let mut sent = 0;
    for (path, _) in routes.iter().filter(|(p, _)| !p.ends_with("/sign_out")) {
        for session in [None, Some(cookie.as_str())] {
            let form = "application/x-www-form-urlencoded";
            let takes_no_arguments = send(&router, path, form, session, Body::empty())
                .await
                .status
                .is_success();
            for (label, content_type, body) in malformed_bodies() {
                let response = send(
                    &router,
                    path,
                    content_type,
                    session,
                    Body::from(body.clone()),
                )
                .await;
                sent += 1;
                let acceptable = response.status.is_client_error()
                    || (takes_no_arguments
                        && SHAPE_ONLY.contains(&label.as_str())
                        && response.status.is_success());
                if !acceptable {
                    failures.push(format!(
                        "{path} {label} (signed in: {}): {} {}",
                        session.is_some(),
                        response.status,
                        response.body.chars().take(120).collect::<String>()
                    ));
                }
            }
        }
        // A body streamed without Content-Length must be cut off at the limit, not buffered whole.
        let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 64 * 1024]));
        let streamed = Body::from_stream(futures_util::stream::iter(chunks));
        let response = send(
            &router,
            path,
            "application/x-www-form-urlencoded",
            None,
            streamed,
        )
        .await;
        sent += 1;
        if response.status != 413 {
            failures.push(format!("{path} streamed 4 MB: {}", response.status));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {sent} malformed requests were not answered 4xx:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(sent > 300, "only {sent} requests were sent");

    // The server is healthy afterwards: health check, the signed-in session and a fresh sign-in.
    assert_eq!(app.send(Req::get("/healthz")).await.status, 200);
    let profile = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(profile.status, 200, "{profile:?}");
    app.clock.advance(30);
    let again = app
        .sign_in("malformed@example.com", PASSWORD, &secret, 0)
        .await;
    assert_eq!(again.status, 200, "{again:?}");
}

#[tokio::test]
async fn item50_an_oversized_body_is_refused_from_its_declared_length() {
    let app = TestApp::new().await;
    let router = server::app(app.state.clone());
    let response = raw(
        &router,
        Method::POST,
        "/_fn/sign_in",
        &[
            ("sec-fetch-site", "same-origin".into()),
            ("content-type", "application/x-www-form-urlencoded".into()),
            ("content-length", (10 * 1024 * 1024).to_string()),
        ],
        b"email=a".to_vec(),
    )
    .await;
    assert_eq!(response.status, 413, "{response:?}");
    assert_eq!(response.json(), serde_json::json!("TooLarge"));
}
