//! Cross-site request refusal on every server function, methods and content types, security
//! headers on every response, and generic errors (SECURITY.md items 34–36, 42, 44).

use crate::support::*;
use axum::http::{header, Method};
use std::collections::BTreeMap;

const EVIL: &str = "https://evil.example";
const TABLES: [&str; 7] = [
    "accounts",
    "sessions",
    "email_codes",
    "totp_authenticators",
    "security_answers",
    "login_failures",
    "rate_limits",
];

async fn row_counts(app: &TestApp) -> BTreeMap<&'static str, i64> {
    let mut counts = BTreeMap::new();
    for table in TABLES {
        counts.insert(table, app.count(table).await);
    }
    counts
}

/// A body in each encoding carrying fields most server functions take.
fn body_for(content_type: &str, email: &str, password: &str) -> Vec<u8> {
    let mut fields = registration_form(email, password);
    fields.push(("code", "123456"));
    if content_type.starts_with("multipart/form-data") {
        let mut body = String::new();
        for (name, value) in &fields {
            body.push_str(&format!(
                "--x\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str("--x--\r\n");
        body.into_bytes()
    } else {
        form_body(&fields).into_bytes()
    }
}

/// Server functions that a signed-in, same-origin request with the generic body must complete.
const MUST_SUCCEED: [&str; 6] = [
    "/_fn/current_step",
    "/_fn/list_my_cases",
    "/_fn/get_registration_settings",
    "/_fn/get_profile",
    "/_fn/check_password",
    "/_fn/sign_out",
];

const CONTENT_TYPES: [&str; 3] = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain",
];

/// The cross-site variants of item 34: (label, headers other than cookie and content type).
fn cross_site_variants() -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    vec![
        (
            "(a) Sec-Fetch-Site: cross-site with a same-origin Origin",
            vec![
                ("sec-fetch-site", "cross-site".into()),
                ("origin", ORIGIN.into()),
            ],
        ),
        (
            "(a') Sec-Fetch-Site: same-site",
            vec![
                ("sec-fetch-site", "same-site".into()),
                ("origin", ORIGIN.into()),
            ],
        ),
        (
            "(b) Origin: https://evil.example",
            vec![("origin", EVIL.into())],
        ),
        ("(b') Origin: null", vec![("origin", "null".into())]),
        (
            "(b'') foreign Origin with a same-origin Referer",
            vec![
                ("origin", EVIL.into()),
                ("referer", format!("{ORIGIN}/register")),
            ],
        ),
        ("(c) no Sec-Fetch-Site, Origin or Referer", vec![]),
        (
            "(c') Referer from another site",
            vec![("referer", format!("{EVIL}/attack"))],
        ),
        (
            "(c'') Referer on a look-alike host",
            vec![("referer", format!("{ORIGIN}.evil.example/"))],
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Item 34: every server function refuses cross-site requests, with no side effect.

#[tokio::test]
async fn item34_every_server_function_refuses_cross_site_posts_in_every_encoding_without_side_effects(
) {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("victim@example.com", PASSWORD).await;
    let router = server::app(app.state.clone());
    let routes = server_fn_routes();
    let mails_before = app.wait_for_mails(1).await.len();
    let before = row_counts(&app).await;
    let session_cookie = format!("__Host-caseport-session={cookie}");

    let mut extra_routes: Vec<(String, Method)> = routes.clone();
    extra_routes.push(("/language".into(), Method::POST));
    for (path, method) in &extra_routes {
        for content_type in CONTENT_TYPES {
            for (label, variant) in cross_site_variants() {
                let mut headers = variant.clone();
                headers.push(("cookie", session_cookie.clone()));
                headers.push(("content-type", content_type.into()));
                headers.push(("accept", "application/json".into()));
                let body = body_for(content_type, "victim@example.com", PASSWORD);
                let response = raw(&router, method.clone(), path, &headers, body).await;
                assert_eq!(
                    response.status, 403,
                    "{path} {label} {content_type}: {response:?}"
                );
                assert!(
                    response.set_cookies().is_empty(),
                    "{path} {label}: a refused request set a cookie"
                );
            }
        }
    }
    assert_eq!(
        row_counts(&app).await,
        before,
        "a refused request changed the database"
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        app.mails().len(),
        mails_before,
        "a refused request sent mail"
    );
    let still = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(
        still.status, 200,
        "cross-site sign_out must not end the session"
    );

    // (d) The same requests from the site itself are served. The account is made a supervisor
    // first, so that the staff functions' own role check (also a 403) does not hide a refusal by
    // the same-origin guard.
    sqlx::query("UPDATE accounts SET role = 'supervisor' WHERE email = 'victim@example.com'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    for (path, method) in &routes {
        let mut headers = vec![
            ("sec-fetch-site", "same-origin".to_owned()),
            ("origin", ORIGIN.to_owned()),
            ("cookie", session_cookie.clone()),
            ("content-type", CONTENT_TYPES[0].to_owned()),
            ("accept", "application/json".to_owned()),
        ];
        let body = body_for(
            CONTENT_TYPES[0],
            "someone.else@example.com",
            "a wrong password here",
        );
        let response = raw(&router, method.clone(), path, &headers, body.clone()).await;
        assert!(
            response.status != 403 && response.status != 415 && response.status.as_u16() < 500,
            "same-origin {path}: {response:?}"
        );
        if MUST_SUCCEED.contains(&path.as_str()) {
            assert!(
                response.status.is_success(),
                "same-origin {path} with a valid session: {response:?}"
            );
        }
        // Browsers that send no Fetch Metadata but a same-origin Origin are served too.
        headers.remove(0);
        let response = raw(&router, method.clone(), path, &headers, body).await;
        assert!(
            response.status != 403 && response.status != 415,
            "same-origin {path} (Origin only): {response:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Item 35: login CSRF.

#[tokio::test]
async fn item35_a_cross_site_sign_in_with_valid_credentials_is_refused_and_sets_no_cookie() {
    let app = TestApp::new().await;
    app.signed_up("attacker@example.com", PASSWORD).await;
    app.clock.advance(30);
    let sessions_before = app.count("sessions").await;
    let form = [("email", "attacker@example.com"), ("password", PASSWORD)];
    let attempts = [
        Req::api("sign_in", &form)
            .cross_site()
            .header("sec-fetch-site", "cross-site")
            .header("origin", EVIL),
        Req::api("sign_in", &form)
            .cross_site()
            .header("origin", EVIL),
        Req::api("sign_in", &form).cross_site(),
        Req::api("sign_in", &form)
            .cross_site()
            .header("sec-fetch-site", "cross-site"),
    ];
    for attempt in attempts {
        let response = app.send(attempt).await;
        assert_eq!(response.status, 403, "{response:?}");
        assert!(
            response.set_cookies().is_empty(),
            "login CSRF set a cookie: {:?}",
            response.set_cookies()
        );
    }
    assert_eq!(
        app.count("sessions").await,
        sessions_before,
        "login CSRF created a session"
    );
    let same_site = app.send(Req::api("sign_in", &form)).await;
    assert_eq!(
        same_site.status, 200,
        "the same credentials work from the site itself: {same_site:?}"
    );
    assert!(same_site.session_cookie().is_some());
}

// ---------------------------------------------------------------------------------------------
// Item 36: no mutation over GET, declared content type enforced.

#[tokio::test]
async fn item36_server_functions_are_post_only_and_accept_only_their_declared_encoding() {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("methods@example.com", PASSWORD).await;
    let router = server::app(app.state.clone());
    let routes = server_fn_routes();
    let before = row_counts(&app).await;
    let session_cookie = format!("__Host-caseport-session={cookie}");

    for (path, method) in &routes {
        assert!(path.starts_with("/_fn/"), "{path}");
        assert_eq!(
            *method,
            Method::POST,
            "{path} is registered for {method}: mutations must not be reachable by GET"
        );
        for wrong in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ] {
            let headers = [
                ("sec-fetch-site", "same-origin".to_owned()),
                ("origin", ORIGIN.to_owned()),
                ("cookie", session_cookie.clone()),
            ];
            let response = raw(
                &router,
                wrong.clone(),
                &format!("{path}?email=x%40example.com&code=123456"),
                &headers,
                Vec::new(),
            )
            .await;
            assert_eq!(response.status, 405, "{wrong} {path}: {response:?}");
        }
        for content_type in [
            "application/json",
            "text/plain",
            "text/plain;charset=UTF-8",
            "multipart/form-data; boundary=x",
            "application/cbor",
        ] {
            let headers = [
                ("sec-fetch-site", "same-origin".to_owned()),
                ("origin", ORIGIN.to_owned()),
                ("cookie", session_cookie.clone()),
                ("content-type", content_type.to_owned()),
                ("accept", "application/json".to_owned()),
            ];
            let body = if content_type == "application/json" {
                br#"{"email":"methods@example.com","password":"x","code":"123456"}"#.to_vec()
            } else {
                body_for(content_type, "methods@example.com", PASSWORD)
            };
            let response = raw(&router, Method::POST, path, &headers, body).await;
            assert_eq!(
                response.status, 415,
                "{path} with {content_type}: {response:?}"
            );
        }
    }
    assert_eq!(row_counts(&app).await, before);
    assert_eq!(app.profile_status(&cookie).await, 200);
}

#[test]
fn item36_no_server_function_is_declared_with_a_get_encoding() {
    fn visit(dir: &std::path::Path, found: &mut Vec<String>, count: &mut usize) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, found, count);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (index, _) in text.match_indices("#[server") {
                    *count += 1;
                    let attribute: String =
                        text[index..].chars().take_while(|c| *c != ']').collect();
                    if ["GetUrl", "GetCbor", "GetJson", "input = Get", "input=Get"]
                        .iter()
                        .any(|g| attribute.contains(g))
                    {
                        found.push(format!("{}: {attribute}]", path.display()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    let mut count = 0;
    visit(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"),
        &mut found,
        &mut count,
    );
    assert!(count >= 10, "found only {count} #[server] functions");
    assert!(
        found.is_empty(),
        "server functions reachable by GET: {found:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 42: security headers on every response.

fn csp_directives(csp: &str) -> BTreeMap<String, Vec<String>> {
    csp.split(';')
        .filter_map(|d| {
            let mut tokens = d.split_whitespace();
            let name = tokens.next()?.to_ascii_lowercase();
            Some((name, tokens.map(str::to_owned).collect()))
        })
        .collect()
}

/// Checks the headers of one response; returns the CSP nonce.
fn assert_security_headers(response: &TestResponse, context: &str) -> String {
    let hsts = response
        .header("strict-transport-security")
        .unwrap_or_else(|| panic!("{context}: no HSTS"));
    let max_age: i64 = hsts
        .split(';')
        .find_map(|p| {
            p.trim()
                .to_ascii_lowercase()
                .strip_prefix("max-age=")
                .map(|v| v.trim_matches('"').parse().unwrap_or(0))
        })
        .unwrap_or(0);
    assert!(max_age >= 31_536_000, "{context}: HSTS max-age {max_age}");
    assert!(
        hsts.to_ascii_lowercase().contains("includesubdomains"),
        "{context}: HSTS without includeSubDomains"
    );

    let csps: Vec<String> = response
        .headers
        .get_all(header::CONTENT_SECURITY_POLICY)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(csps.len(), 1, "{context}: exactly one CSP header: {csps:?}");
    let directives = csp_directives(&csps[0]);
    for name in ["object-src", "base-uri", "frame-ancestors"] {
        assert_eq!(
            directives.get(name).map(Vec::as_slice),
            Some(&["'none'".to_owned()][..]),
            "{context}: {name} in {}",
            csps[0]
        );
    }
    let script_src = directives
        .get("script-src")
        .unwrap_or_else(|| panic!("{context}: no script-src in {}", csps[0]));
    assert!(
        !script_src
            .iter()
            .any(|t| t.eq_ignore_ascii_case("'unsafe-inline'")),
        "{context}: unsafe-inline in script-src"
    );
    assert!(
        !script_src
            .iter()
            .any(|t| t == "*" || t.eq_ignore_ascii_case("'unsafe-eval'") || t.ends_with(':')),
        "{context}: {script_src:?}"
    );
    let nonces: Vec<&str> = script_src
        .iter()
        .filter_map(|t| t.strip_prefix("'nonce-").and_then(|n| n.strip_suffix('\'')))
        .collect();
    assert_eq!(
        nonces.len(),
        1,
        "{context}: one nonce in script-src: {script_src:?}"
    );
    let nonce = nonces[0].to_owned();
    assert!(nonce.len() >= 16, "{context}: nonce too short: {nonce}");

    assert_eq!(
        response.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{context}"
    );
    assert!(
        response
            .header("referrer-policy")
            .is_some_and(|v| !v.is_empty()),
        "{context}: no Referrer-Policy"
    );
    assert!(
        response.header("server").is_none(),
        "{context}: Server header {:?}",
        response.header("server")
    );
    assert!(response.header("x-powered-by").is_none(), "{context}");
    nonce
}

/// Every `<script ...>` opening tag in a page.
fn script_tags(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    lower
        .match_indices("<script")
        .map(|(i, _)| {
            html[i..]
                .chars()
                .take_while(|c| *c != '>')
                .collect::<String>()
        })
        .collect()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let needle = format!(" {name}=\"");
    let start = lower.find(&needle)? + needle.len();
    tag[start..].split('"').next().map(str::to_owned)
}

#[tokio::test]
async fn item42_every_response_carries_hsts_a_nonce_csp_nosniff_and_a_referrer_policy() {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("headers@example.com", PASSWORD).await;
    let router = server::app(app.state.clone());
    let pages = [
        "/",
        "/register",
        "/sign-in",
        "/verify-email",
        "/setup-authenticator",
        "/sign-in/code",
        "/account",
        "/profile",
        "/case-status",
        "/case-status?receipt=IOE0912345678",
        "/cases/00000000000000000000000000000000",
        "/officer",
        "/officer/cases/00000000000000000000000000000000",
        "/officer/filings/new",
        "/account/add-case",
        "/notifications",
        "/support",
        "/support?q=someone%40example.com",
        "/officer/staff",
        "/staff/join",
        "/staff/join?token=not-a-real-token",
    ];
    let others = [
        "/healthz",
        "/readyz",
        "/api/ping",
        "/pkg/caseport.css",
        "/no-such-page",
        "/manifest.webmanifest",
        "/favicon.ico",
    ];
    let mut checked_script_nonce = false;

    let mut requests: Vec<(String, Req)> = Vec::new();
    for path in pages.iter().chain(others.iter()) {
        requests.push((format!("GET {path} signed out"), Req::get(path)));
    }
    for path in pages {
        requests.push((
            format!("GET {path} signed in"),
            Req::get(path).cookie(Some(&cookie)),
        ));
    }
    requests.push((
        "server fn current_step".into(),
        Req::api("current_step", &[]),
    ));
    requests.push((
        "server fn get_profile signed in".into(),
        Req::api("get_profile", &[]).cookie(Some(&cookie)),
    ));
    requests.push(("server fn error 401".into(), Req::api("get_profile", &[])));
    requests.push(("server fn error 422".into(), Req::sign_in("nope", "x")));
    requests.push((
        "cross-site 403".into(),
        Req::api("sign_out", &[]).cross_site(),
    ));
    requests.push(("GET /_fn 405".into(), Req::get("/_fn/get_profile")));
    requests.push((
        "unknown server fn".into(),
        Req::api("no_such_function", &[]),
    ));

    for (label, request) in requests {
        let first = app.send(request.clone()).await;
        let second = app.send(request).await;
        let n1 = assert_security_headers(&first, &format!("{label} ({})", first.status));
        let n2 = assert_security_headers(&second, &label);
        assert_ne!(n1, n2, "{label}: the CSP nonce is reused across responses");

        let is_html = first
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"));
        if is_html {
            for tag in script_tags(&first.body) {
                let nonce = attribute(&tag, "nonce");
                if let Some(nonce) = &nonce {
                    assert_eq!(
                        *nonce, n1,
                        "{label}: script nonce differs from the CSP nonce: {tag}"
                    );
                    checked_script_nonce = true;
                }
                if attribute(&tag, "src").is_none() {
                    assert_eq!(
                        nonce.as_deref(),
                        Some(n1.as_str()),
                        "{label}: inline script without the CSP nonce: {tag}"
                    );
                }
            }
        }
    }
    assert!(
        checked_script_nonce,
        "no page carried a nonce on its scripts"
    );

    // Responses built outside the Leptos renderer too: a form post to /language.
    let language = raw(
        &router,
        Method::POST,
        "/language",
        &[
            ("sec-fetch-site", "same-origin".into()),
            ("origin", ORIGIN.into()),
            ("content-type", "application/x-www-form-urlencoded".into()),
        ],
        b"lang=es&return_to=%2Fsign-in".to_vec(),
    )
    .await;
    assert_eq!(language.status, 303, "{language:?}");
    assert_security_headers(&language, "POST /language");
}

// ---------------------------------------------------------------------------------------------
// Item 44: generic errors with a correlation id, no internals, fail closed.

const LEAKS: [&str; 16] = [
    "sqlx",
    "sqlite",
    "constraint",
    "/home/",
    "/root/",
    "panicked",
    "no such table",
    "relation \"",
    "login_failures",
    "security_answers",
    "accounts",
    "sessions",
    "select ",
    "insert ",
    "database",
    "postgres",
];

fn assert_generic_internal_error(response: &TestResponse, context: &str) -> String {
    assert_eq!(response.status, 500, "{context}: {response:?}");
    let everything = format!(
        "{} {}",
        response.body,
        response
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or("")))
            .collect::<Vec<_>>()
            .join("\n")
    )
    .to_ascii_lowercase();
    for leak in LEAKS {
        assert!(
            !everything.contains(leak),
            "{context}: response mentions {leak:?}: {response:?}"
        );
    }
    let body: serde_json::Value = serde_json::from_str(&response.body).unwrap_or_else(|_| {
        panic!(
            "{context}: a server function error must be the JSON AppError: {:?}",
            response.body
        )
    });
    let id = body["Internal"]["correlation_id"]
        .as_str()
        .unwrap_or_else(|| panic!("{context}: {body}"))
        .to_owned();
    assert!(
        id.len() >= 8 && id.chars().all(|c| c.is_ascii_alphanumeric()),
        "{context}: correlation id {id:?}"
    );
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(1),
        "{context}: {body}"
    );
    assert_security_headers(response, context);
    id
}

#[tokio::test]
async fn item44_database_faults_answer_a_generic_error_with_a_correlation_id() {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("faults@example.com", PASSWORD).await;
    app.clock.advance(30);

    sqlx::query("DROP TABLE login_failures")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let sign_in = app.send(Req::sign_in("faults@example.com", PASSWORD)).await;
    let first = assert_generic_internal_error(&sign_in, "sign_in without login_failures");
    assert!(
        sign_in.session_cookie().is_none(),
        "a failed sign-in must not create a session"
    );
    let again = app
        .send(Req::sign_in("faults@example.com", "wrong password!!").from_ip("10.9.9.9"))
        .await;
    let second =
        assert_generic_internal_error(&again, "sign_in (wrong password) without login_failures");
    assert_ne!(first, second, "each failure gets its own correlation id");

    sqlx::query("ALTER TABLE accounts RENAME TO accounts_moved")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let profile = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_generic_internal_error(&profile, "get_profile without accounts");
    let accounts_before: i64 = {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts_moved")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        n
    };
    let sessions_before = app.count("sessions").await;
    let register = app.register("new.person@example.com", PASSWORD).await;
    assert_generic_internal_error(&register, "register without accounts");
    assert!(register.session_cookie().is_none());
    let (accounts_after,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts_moved")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(accounts_after, accounts_before);
    assert_eq!(app.count("sessions").await, sessions_before);

    // current_step needs only the session; it still answers.
    let step = app
        .send(Req::api("current_step", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(step.status, 200, "{step:?}");
}

#[tokio::test]
async fn item44_a_registration_that_fails_midway_leaves_nothing_behind() {
    // Registration writes the registration and its queued email in one transaction: with the
    // outbox gone, the registration must not remain either.
    let app = TestApp::new().await;
    let mails_before = app.mails().len();
    sqlx::query("DROP TABLE outbox")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let before = (
        app.count("registrations").await,
        app.count("sessions").await,
    );
    let register = app.register("half.done@example.com", PASSWORD).await;
    assert_generic_internal_error(&register, "register failing after the registration insert");
    assert!(
        register.session_cookie().is_none(),
        "no session for a failed registration"
    );
    let after = (
        app.count("registrations").await,
        app.count("sessions").await,
    );
    assert_eq!(
        after, before,
        "the failed registration partially applied (registrations, sessions)"
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        app.mails().len(),
        mails_before,
        "a verification email was sent for a failed registration"
    );

    // Verification creates the account and its security answers in one transaction.
    let app = TestApp::new().await;
    let registered = app.register("half.verified@example.com", PASSWORD).await;
    let cookie = registered.session_cookie().expect("registration session");
    let code = app.latest_code_for("half.verified@example.com").await;
    sqlx::query("DROP TABLE security_answers")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let verify = app
        .send(Req::verify_email(&code).cookie(Some(&cookie)))
        .await;
    assert_generic_internal_error(&verify, "verification failing after the account insert");
    assert_eq!(
        app.count("accounts").await,
        0,
        "the account insert was rolled back"
    );
    assert_eq!(
        app.count("registrations").await,
        1,
        "the registration survives a failed verification"
    );
}

#[tokio::test]
async fn item44_a_session_store_fault_on_a_server_function_is_a_generic_json_error() {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("store.fault@example.com", PASSWORD).await;
    sqlx::query("ALTER TABLE sessions RENAME TO sessions_moved")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    for endpoint in ["current_step", "get_profile", "sign_out"] {
        let response = app
            .send(Req::api(endpoint, &[]).cookie(Some(&cookie)))
            .await;
        assert_generic_internal_error(
            &response,
            &format!("{endpoint} with the session table gone"),
        );
    }
    // Pages fail closed too, without internals.
    let page = app.send(Req::get("/profile").cookie(Some(&cookie))).await;
    assert!(
        page.status.is_server_error() || page.status == 302,
        "{page:?}"
    );
    let lowered = page.body.to_ascii_lowercase();
    for leak in [
        "sqlx",
        "sqlite",
        "no such table",
        "relation \"",
        "panicked",
        "/root/",
        "/home/",
        "constraint",
        "sessions_moved",
    ] {
        assert!(
            !lowered.contains(leak),
            "/profile mentions {leak:?}: {}",
            page.body
        );
    }
    assert!(
        !page.body.contains("store.fault@example.com"),
        "personal data shown without a session"
    );
}
