//! The Case Status API (`/api/torch`) against the shape of USCIS's Torch API: the token answer, the
//! case status JSON byte for byte in layout, and the gateway's error shapes.

use crate::support::*;
use app::{
    cases::{
        dates::long_date,
        model::{CaseStatus, FormType, ServiceCentre},
        service::{create_case, record_status_at, CaseFiling, CreatedCase},
        texts::catalogue,
        torch::{create_client, revoke_client, NewClient},
    },
    i18n::Locale,
    infra::{clock::Clock, local_limit::LocalLimiter, state::AppState},
};
use axum::{http::Method, Router};
use base64::{engine::general_purpose::STANDARD, Engine};
use std::sync::Arc;

const TOKEN_PATH: &str = "/api/torch/oauth/accesstoken";
const DAY: i64 = 86_400;

/// The exact 401 body of the case status endpoint.
const INVALID_TOKEN: &str = "{\n  \"code\": 401,\n  \"message\": \"Invalid Access Token\"\n}";
/// The exact 404 body of the case status endpoint.
const NOT_RECOGNISED: &str = "{\n  \"code\": 404,\n  \"message\": \"Case Status Online does not recognize the receipt number entered.\"\n}";

/// The token answer's fields, in the gateway's order.
const TOKEN_KEYS: [&str; 13] = [
    "refresh_token_expires_in",
    "api_product_list",
    "api_product_list_json",
    "organization_name",
    "token_type",
    "issued_at",
    "client_id",
    "access_token",
    "application_name",
    "scope",
    "expires_in",
    "refresh_count",
    "status",
];

fn router_of(app: &TestApp) -> Router {
    server::app(app.state.clone())
}

/// A POST to the token endpoint with this form body and these extra headers.
async fn token_request(router: &Router, body: &str, extra: &[(&str, String)]) -> TestResponse {
    let mut headers = vec![(
        "content-type",
        "application/x-www-form-urlencoded".to_owned(),
    )];
    headers.extend(extra.iter().cloned());
    raw(
        router,
        Method::POST,
        TOKEN_PATH,
        &headers,
        body.as_bytes().to_vec(),
    )
    .await
}

/// The form body carrying the client's id and secret.
fn form_credentials(id: &str, secret: &str) -> String {
    form_body(&[
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
    ])
}

/// An `Authorization: Basic` header for `id:secret`.
fn basic(id: &str, secret: &str) -> (&'static str, String) {
    (
        "authorization",
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))),
    )
}

/// A fresh access token for `client`.
async fn token_for(router: &Router, client: &NewClient) -> String {
    let response = token_request(router, &form_credentials(&client.id, &client.secret), &[]).await;
    assert_eq!(response.status, 200, "token: {response:?}");
    response.json()["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// A GET of the case status of `receipt` with this `Authorization` header value, if any.
async fn case_status(router: &Router, receipt: &str, authorization: Option<&str>) -> TestResponse {
    let headers: Vec<(&str, String)> = authorization
        .map(|value| vec![("authorization", value.to_owned())])
        .unwrap_or_default();
    raw(
        router,
        Method::GET,
        &format!("/api/torch/case-status/{receipt}"),
        &headers,
        Vec::new(),
    )
    .await
}

/// The case status of `receipt` with a bearer token.
async fn status_with(router: &Router, receipt: &str, token: &str) -> TestResponse {
    case_status(router, receipt, Some(&format!("Bearer {token}"))).await
}

/// The top-level keys of a pretty-printed JSON object, in the order its lines give them.
fn top_level_keys(body: &str) -> Vec<String> {
    body.lines()
        .filter_map(|line| line.strip_prefix("  \""))
        .filter_map(|rest| rest.split_once("\":").map(|(key, _)| key.to_owned()))
        .collect()
}

/// An API client with generous limits.
async fn client(app: &TestApp, name: &str) -> NewClient {
    create_client(&app.state, name, 100, 10_000)
        .await
        .expect("create API client")
}

/// A new I-130 case at the IOE centre received at `received_at`.
async fn new_case(app: &TestApp, received_at: i64) -> CreatedCase {
    create_case(
        &app.state,
        &CaseFiling {
            centre: ServiceCentre::Ioe,
            form: FormType::I130,
            applicant_name: "Ana María Pérez".into(),
            account_id: None,
            received_at,
        },
        None,
    )
    .await
    .expect("create case")
}

/// A JSON string literal for `text`, as serde_json writes it.
fn lit(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// The description of `status` of an I-130 case `receipt` changed at `at`, in `locale`.
fn description(locale: Locale, status: CaseStatus, at: i64, receipt: &str) -> String {
    catalogue(locale).description(status, &long_date(at, locale), FormType::I130, receipt)
}

/// The four current-status lines' values: (text_en, desc_en, text_es, desc_es), as JSON literals.
fn current_texts(status: CaseStatus, at: i64, receipt: &str) -> [String; 4] {
    [
        lit(catalogue(Locale::En).status(status).title),
        lit(&description(Locale::En, status, at, receipt)),
        lit(catalogue(Locale::Es).status(status).title),
        lit(&description(Locale::Es, status, at, receipt)),
    ]
}

fn assert_api_headers(response: &TestResponse, context: &str) {
    assert_eq!(
        response.header("cache-control").as_deref(),
        Some("no-store"),
        "{context}: Cache-Control: {response:?}"
    );
    assert_eq!(
        response.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{context}: X-Content-Type-Options: {response:?}"
    );
}

fn assert_json_content_type(response: &TestResponse, context: &str) {
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "{context}: Content-Type {content_type:?}"
    );
}

/// The numeric Retry-After of a 429 with the gateway's body `message`.
fn assert_gateway_429(response: &TestResponse, message: &str) -> i64 {
    assert_eq!(response.status, 429, "{response:?}");
    assert_eq!(
        response.body,
        format!("{{\n  \"code\": 429,\n  \"message\": \"{message}\"\n}}")
    );
    assert_json_content_type(response, message);
    let header = response
        .header("retry-after")
        .unwrap_or_else(|| panic!("429 without Retry-After: {response:?}"));
    let seconds: i64 = header
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After is not a number of seconds: {header:?}"));
    assert!(seconds > 0, "Retry-After {seconds}");
    seconds
}

fn assert_token_answer(app: &TestApp, response: &TestResponse, client: &NewClient, name: &str) {
    assert_eq!(response.status, 200, "{response:?}");
    assert_json_content_type(response, "token");
    assert!(
        response.body.starts_with("{\n  \""),
        "pretty-printed: {}",
        response.body
    );
    assert!(response.body.ends_with("\n}"), "{}", response.body);
    assert_eq!(top_level_keys(&response.body), TOKEN_KEYS);
    // One field per line: every scalar field sits on its own line.
    for key in TOKEN_KEYS.iter().filter(|k| **k != "api_product_list_json") {
        assert!(
            response
                .body
                .lines()
                .any(|line| line.starts_with(&format!("  \"{key}\": \""))
                    && line.ends_with(['"', ','])),
            "{key} on its own line: {}",
            response.body
        );
    }
    let json = response.json();
    assert_eq!(json["token_type"], "BearerToken");
    let expires_in = json["expires_in"].as_str().expect("expires_in is a string");
    assert_eq!(expires_in, "1799");
    assert_eq!(expires_in.parse::<i64>().unwrap(), 1799);
    assert_eq!(
        json["issued_at"].as_str(),
        Some((app.clock.now() * 1000).to_string().as_str()),
        "issued_at in milliseconds, as a string"
    );
    assert_eq!(json["scope"], "");
    assert_eq!(json["status"], "approved");
    assert_eq!(json["client_id"].as_str(), Some(client.id.as_str()));
    assert_eq!(json["application_name"], name);
    let token = json["access_token"].as_str().expect("access_token");
    assert!(token.len() >= 32, "a long random token: {token:?}");
    assert_ne!(token, client.secret);
}

#[tokio::test]
async fn token_is_issued_for_the_secret_in_the_form_body_in_the_gateways_field_order() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let client = client(&app, "Immigration Tracker").await;
    let response = token_request(&router, &form_credentials(&client.id, &client.secret), &[]).await;
    assert_token_answer(&app, &response, &client, "Immigration Tracker");
    assert_api_headers(&response, "token");
    let token = response.json()["access_token"].as_str().unwrap().to_owned();
    let case = new_case(&app, START - 3 * DAY).await;
    let found = status_with(&router, case.receipt_number.as_str(), &token).await;
    assert_eq!(found.status, 200, "the token works: {found:?}");
}

#[tokio::test]
async fn token_is_issued_for_http_basic_credentials() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let client = client(&app, "Basic Client").await;
    app.clock.advance(1234);
    let response = token_request(
        &router,
        "grant_type=client_credentials",
        &[basic(&client.id, &client.secret)],
    )
    .await;
    assert_token_answer(&app, &response, &client, "Basic Client");
    let first = response.json()["access_token"].as_str().unwrap().to_owned();
    let again = token_for(&router, &client).await;
    assert_ne!(first, again, "each token request gets a new token");
    let case = new_case(&app, START - 3 * DAY).await;
    for token in [&first, &again] {
        let found = status_with(&router, case.receipt_number.as_str(), token).await;
        assert_eq!(found.status, 200, "{found:?}");
    }
}

#[tokio::test]
async fn token_requests_with_bad_credentials_or_grant_type_are_refused_without_a_token() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let client = client(&app, "Refused Client").await;
    let wrong_secret = token_request(
        &router,
        &form_credentials(&client.id, "not-the-secret"),
        &[],
    )
    .await;
    assert_eq!(wrong_secret.status, 401, "{wrong_secret:?}");
    assert_json_content_type(&wrong_secret, "wrong secret");
    assert_eq!(wrong_secret.json()["ErrorCode"], "invalid_client");
    assert!(
        wrong_secret
            .body
            .contains("\"ErrorCode\": \"invalid_client\""),
        "{}",
        wrong_secret.body
    );
    assert_api_headers(&wrong_secret, "wrong secret");

    let wrong_basic_secret = token_request(
        &router,
        "grant_type=client_credentials",
        &[basic(&client.id, "not-the-secret")],
    )
    .await;
    assert_eq!(wrong_basic_secret.status, 401, "{wrong_basic_secret:?}");
    assert_eq!(wrong_basic_secret.body, wrong_secret.body);

    let unknown_id = token_request(
        &router,
        &form_credentials("00000000000000000000000000000000", &client.secret),
        &[],
    )
    .await;
    assert_eq!(unknown_id.status, 401, "{unknown_id:?}");
    assert_eq!(
        unknown_id.body, wrong_secret.body,
        "an unknown id and a wrong secret are answered alike"
    );

    let password_grant = token_request(
        &router,
        &form_body(&[
            ("grant_type", "password"),
            ("client_id", client.id.as_str()),
            ("client_secret", client.secret.as_str()),
        ]),
        &[],
    )
    .await;
    assert_eq!(password_grant.status, 400, "{password_grant:?}");
    assert_json_content_type(&password_grant, "password grant");

    let no_grant = token_request(
        &router,
        &form_body(&[
            ("client_id", client.id.as_str()),
            ("client_secret", client.secret.as_str()),
        ]),
        &[],
    )
    .await;
    assert_eq!(no_grant.status, 400, "{no_grant:?}");

    let missing = token_request(&router, "grant_type=client_credentials", &[]).await;
    assert_eq!(missing.status, 401, "{missing:?}");
    assert_eq!(missing.json()["ErrorCode"], "invalid_client");

    let secret_only = token_request(
        &router,
        &form_body(&[
            ("grant_type", "client_credentials"),
            ("client_secret", client.secret.as_str()),
        ]),
        &[],
    )
    .await;
    assert_eq!(secret_only.status, 401, "{secret_only:?}");

    // The client works, until it is revoked.
    let token = token_for(&router, &client).await;
    revoke_client(&app.state, &client.id).await.expect("revoke");
    let revoked = token_request(&router, &form_credentials(&client.id, &client.secret), &[]).await;
    assert_eq!(revoked.status, 401, "{revoked:?}");
    assert_eq!(revoked.body, wrong_secret.body);
    let revoked_basic = token_request(
        &router,
        "grant_type=client_credentials",
        &[basic(&client.id, &client.secret)],
    )
    .await;
    assert_eq!(revoked_basic.status, 401, "{revoked_basic:?}");

    for refused in [
        &wrong_secret,
        &wrong_basic_secret,
        &unknown_id,
        &password_grant,
        &no_grant,
        &missing,
        &secret_only,
        &revoked,
        &revoked_basic,
    ] {
        assert!(
            !refused.body.contains("access_token"),
            "no token in a refusal: {refused:?}"
        );
        assert!(!refused.body.contains(&token), "{refused:?}");
    }
}

#[tokio::test]
async fn case_status_with_history_is_the_torch_json_byte_for_byte() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let received_at = START - 30 * DAY + 14 * 3600 + 28 * 60 + 31; // 2026-10-28 14:28:46 UTC
    let fingerprints_at = START - 20 * DAY + 9 * 3600; // 2026-11-07 09:00:15 UTC
    let approved_at = START - 2 * DAY + 23 * 3600 + 59 * 60 + 44; // 2026-11-25 23:59:59 UTC
    let case = new_case(&app, received_at).await;
    record_status_at(
        &app.state,
        &case.id,
        CaseStatus::FingerprintsTaken,
        None,
        None,
        fingerprints_at,
    )
    .await
    .unwrap();
    record_status_at(
        &app.state,
        &case.id,
        CaseStatus::Approved,
        None,
        None,
        approved_at,
    )
    .await
    .unwrap();
    let receipt = case.receipt_number.as_str();
    let client = client(&app, "History Reader").await;
    let token = token_for(&router, &client).await;

    let response = status_with(&router, receipt, &token).await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_json_content_type(&response, "case status");
    assert_api_headers(&response, "case status");

    let [text_en, desc_en, text_es, desc_es] =
        current_texts(CaseStatus::Approved, approved_at, receipt);
    let (en, es) = (catalogue(Locale::En), catalogue(Locale::Es));
    let history = |status: CaseStatus| {
        (
            lit(&en.history(status, FormType::I130)),
            lit(&es.history(status, FormType::I130)),
        )
    };
    let (fingerprints_en, fingerprints_es) = history(CaseStatus::FingerprintsTaken);
    let (received_en, received_es) = history(CaseStatus::CaseReceived);
    let expected = format!(
        "{{\n  \"case_status\": {{\n    \"receiptNumber\": \"{receipt}\",\n    \"formType\": \"I-130\",\n    \"submittedDate\": \"10-28-2026 14:28:46\",\n    \"modifiedDate\": \"11-25-2026 23:59:59\",\n    \"current_case_status_text_en\": {text_en},\n    \"current_case_status_desc_en\": {desc_en},\n    \"current_case_status_text_es\": {text_es},\n    \"current_case_status_desc_es\": {desc_es},\n    \"hist_case_status\": [\n      {{\n        \"date\": \"2026-11-07\",\n        \"completed_text_en\": {fingerprints_en},\n        \"completed_text_es\": {fingerprints_es}\n      }},\n      {{\n        \"date\": \"2026-10-28\",\n        \"completed_text_en\": {received_en},\n        \"completed_text_es\": {received_es}\n      }}\n    ]\n  }},\n  \"message\": \"Query was successful\"\n}}"
    );
    assert_eq!(response.body, expected);

    // The texts are the ones people read, with the date of the change written out.
    assert_eq!(text_en, "\"Case Was Approved\"");
    assert!(
        desc_en.contains("November 25, 2026") && desc_en.contains(receipt),
        "{desc_en}"
    );
    assert!(desc_es.contains("25 de noviembre de 2026"), "{desc_es}");
    assert_ne!(text_en, text_es, "the Spanish title is Spanish");
}

#[tokio::test]
async fn case_status_without_history_has_a_null_history() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let received_at = START - 3 * DAY + 3600 + 2 * 60 + 3; // 2026-11-24 01:02:18 UTC
    let case = new_case(&app, received_at).await;
    let receipt = case.receipt_number.as_str();
    let client = client(&app, "Fresh Case Reader").await;
    let token = token_for(&router, &client).await;

    let response = status_with(&router, receipt, &token).await;
    assert_eq!(response.status, 200, "{response:?}");
    let [text_en, desc_en, text_es, desc_es] =
        current_texts(CaseStatus::CaseReceived, received_at, receipt);
    let expected = format!(
        "{{\n  \"case_status\": {{\n    \"receiptNumber\": \"{receipt}\",\n    \"formType\": \"I-130\",\n    \"submittedDate\": \"11-24-2026 01:02:18\",\n    \"modifiedDate\": \"11-24-2026 01:02:18\",\n    \"current_case_status_text_en\": {text_en},\n    \"current_case_status_desc_en\": {desc_en},\n    \"current_case_status_text_es\": {text_es},\n    \"current_case_status_desc_es\": {desc_es},\n    \"hist_case_status\": null\n  }},\n  \"message\": \"Query was successful\"\n}}"
    );
    assert_eq!(response.body, expected);
    assert!(response
        .body
        .lines()
        .any(|line| line == "    \"hist_case_status\": null"));
    assert!(desc_en.contains("November 24, 2026"), "{desc_en}");
}

#[tokio::test]
async fn receipt_typed_with_lower_case_and_dashes_finds_the_canonical_number() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let receipt = case.receipt_number.as_str().to_owned();
    let client = client(&app, "Sloppy Typist").await;
    let token = token_for(&router, &client).await;
    let lower = receipt.to_ascii_lowercase();
    let dashed = format!(
        "{}-{}-{}-{}",
        &lower[..3],
        &lower[3..6],
        &lower[6..9],
        &lower[9..]
    );
    let mixed = format!("{}-{}", &receipt[..3], &lower[3..]);
    let canonical = status_with(&router, &receipt, &token).await;
    assert_eq!(canonical.status, 200, "{canonical:?}");
    for typed in [lower, dashed, mixed] {
        let response = status_with(&router, &typed, &token).await;
        assert_eq!(response.status, 200, "{typed}: {response:?}");
        assert_eq!(
            response.json()["case_status"]["receiptNumber"].as_str(),
            Some(receipt.as_str()),
            "{typed}"
        );
        assert_eq!(response.body, canonical.body, "{typed}");
    }
}

#[tokio::test]
async fn case_status_without_a_valid_bearer_token_is_invalid_access_token() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let receipt = case.receipt_number.as_str();
    let client = client(&app, "Token Tester").await;
    let token = token_for(&router, &client).await;
    let ok = status_with(&router, receipt, &token).await;
    assert_eq!(ok.status, 200, "{ok:?}");

    let basic_scheme = basic(&client.id, &client.secret).1;
    let refusals = [
        ("no Authorization", None),
        (
            "made-up token",
            Some("Bearer 0123456789abcdef0123456789abcdef".to_owned()),
        ),
        ("empty bearer", Some("Bearer ".to_owned())),
        ("Basic scheme", Some(basic_scheme)),
        ("token without a scheme", Some(token.clone())),
        (
            "secret as a token",
            Some(format!("Bearer {}", client.secret)),
        ),
    ];
    // The token is judged first: without a valid one, an unknown or malformed receipt number
    // tells nothing either.
    for (context, authorization) in &refusals {
        for asked in [receipt, "EAC9999999999", "IOE123"] {
            let response = case_status(&router, asked, authorization.as_deref()).await;
            assert_eq!(response.status, 401, "{context}, {asked}: {response:?}");
            assert_eq!(response.body, INVALID_TOKEN, "{context}, {asked}");
            assert_json_content_type(&response, context);
            assert_api_headers(&response, context);
        }
    }

    // A token lives 1800 seconds.
    app.clock.advance(1799);
    let late = status_with(&router, receipt, &token).await;
    assert_eq!(late.status, 200, "a token still works at 1799 s: {late:?}");
    app.clock.advance(1);
    for asked in [receipt, "EAC9999999999", "IOE123"] {
        let expired = status_with(&router, asked, &token).await;
        assert_eq!(expired.status, 401, "expired, {asked}: {expired:?}");
        assert_eq!(expired.body, INVALID_TOKEN, "expired, {asked}");
    }
}

#[tokio::test]
async fn a_revoked_clients_tokens_stop_working() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let receipt = case.receipt_number.as_str();
    let revoked = client(&app, "Revoked").await;
    let kept = client(&app, "Kept").await;
    let revoked_token = token_for(&router, &revoked).await;
    let kept_token = token_for(&router, &kept).await;
    assert_eq!(
        status_with(&router, receipt, &revoked_token).await.status,
        200
    );
    revoke_client(&app.state, &revoked.id)
        .await
        .expect("revoke");
    let response = status_with(&router, receipt, &revoked_token).await;
    assert_eq!(response.status, 401, "{response:?}");
    assert_eq!(response.body, INVALID_TOKEN);
    assert_eq!(
        status_with(&router, receipt, &kept_token).await.status,
        200,
        "other clients are untouched"
    );
    assert!(
        revoke_client(&app.state, &revoked.id).await.is_err(),
        "revoking twice is NotFound"
    );

    // A client marked revoked whose tokens are still stored (another instance revoking it at
    // this moment) is refused too: the client's own mark is checked, not only its tokens.
    let marked = client(&app, "Marked").await;
    let marked_token = token_for(&router, &marked).await;
    assert_eq!(
        status_with(&router, receipt, &marked_token).await.status,
        200
    );
    sqlx::query("UPDATE api_clients SET revoked_at = $1 WHERE id = $2")
        .bind(START)
        .bind(&marked.id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    for asked in [receipt, "EAC9999999999", "IOE123"] {
        let response = status_with(&router, asked, &marked_token).await;
        assert_eq!(response.status, 401, "{asked}: {response:?}");
        assert_eq!(response.body, INVALID_TOKEN, "{asked}");
    }
}

#[tokio::test]
async fn unknown_receipts_are_not_recognised_and_malformed_ones_are_explained() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let client = client(&app, "Receipt Tester").await;
    let token = token_for(&router, &client).await;

    let other = if case.receipt_number.as_str() == "IOE0000000001" {
        "IOE0000000002"
    } else {
        "IOE0000000001"
    };
    for unknown in [other, "EAC9999999999", "nbc-000-000-0000"] {
        let response = status_with(&router, unknown, &token).await;
        assert_eq!(response.status, 404, "{unknown}: {response:?}");
        assert_eq!(response.body, NOT_RECOGNISED, "{unknown}");
        assert_json_content_type(&response, unknown);
        assert_api_headers(&response, unknown);
    }

    for malformed in [
        "XYZ0912345678",
        "IOE123",
        "IOE09123456789",
        "0912345678",
        "IOE091234567X",
        "IOE%2A912345678",
    ] {
        let response = status_with(&router, malformed, &token).await;
        assert_eq!(response.status, 400, "{malformed}: {response:?}");
        assert_json_content_type(&response, malformed);
        assert_api_headers(&response, malformed);
        assert_eq!(
            top_level_keys(&response.body),
            ["code", "message"],
            "{malformed}: {}",
            response.body
        );
        let json = response.json();
        assert_eq!(json["code"], 400, "{malformed}");
        let message = json["message"].as_str().expect("message");
        assert!(!message.trim().is_empty(), "{malformed}: empty message");
        assert!(
            !message.contains("does not recognize"),
            "{malformed}: a malformed number is explained, not 'not recognised': {message}"
        );
        assert_eq!(
            response.body,
            format!("{{\n  \"code\": 400,\n  \"message\": {}\n}}", lit(message)),
            "{malformed}"
        );
    }
    let unknown_centre = status_with(&router, "XYZ0912345678", &token).await.json();
    let too_short = status_with(&router, "IOE123", &token).await.json();
    assert_ne!(
        unknown_centre["message"], too_short["message"],
        "each problem has its own explanation"
    );
}

#[tokio::test]
async fn spike_arrest_refuses_requests_above_the_per_second_limit_until_the_next_second() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let receipt = case.receipt_number.as_str();
    let slow = create_client(&app.state, "Two Per Second", 2, 10_000)
        .await
        .unwrap();
    let other = client(&app, "Someone Else").await;
    let token = token_for(&router, &slow).await;
    let other_token = token_for(&router, &other).await;
    for n in 1..=2 {
        let response = status_with(&router, receipt, &token).await;
        assert_eq!(response.status, 200, "request {n}: {response:?}");
    }
    let third = status_with(&router, receipt, &token).await;
    let retry = assert_gateway_429(&third, "Spike Arrest Violation");
    assert_eq!(retry, 1, "the window ends within the second");
    assert_api_headers(&third, "spike arrest");
    assert_eq!(
        status_with(&router, receipt, &other_token).await.status,
        200,
        "the limit is per client"
    );
    // A new token does not reset the client's limit.
    let second_token = token_for(&router, &slow).await;
    assert_eq!(
        status_with(&router, receipt, &second_token).await.status,
        429
    );
    app.clock.advance(1);
    let next_second = status_with(&router, receipt, &token).await;
    assert_eq!(next_second.status, 200, "{next_second:?}");
}

#[tokio::test]
async fn daily_quota_is_counted_in_the_database_and_shared_by_every_instance() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let receipt = case.receipt_number.as_str();
    let client = create_client(&app.state, "Three Per Day", 1_000, 3)
        .await
        .unwrap();
    let token = token_for(&router, &client).await;
    // A second server instance: same database, its own per-second counters.
    let other_instance = server::app(AppState {
        local_limits: Arc::new(LocalLimiter::new()),
        ..app.state.clone()
    });
    for (n, instance) in [&router, &other_instance, &router].into_iter().enumerate() {
        let response = status_with(instance, receipt, &token).await;
        assert_eq!(response.status, 200, "request {}: {response:?}", n + 1);
    }
    let used: i64 = sqlx::query_scalar("SELECT requests FROM api_usage WHERE client_id = $1")
        .bind(&client.id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(used, 3);
    assert_eq!(
        app.count("api_usage").await,
        1,
        "one row per client and day"
    );

    let fourth = status_with(&other_instance, receipt, &token).await;
    let retry = assert_gateway_429(&fourth, "Quota Violation");
    // START is 15 s past UTC midnight: the quota renews at the next midnight.
    assert_eq!(retry, DAY - 15, "Retry-After runs to UTC midnight");
    assert_api_headers(&fourth, "quota");
    let fifth = status_with(&router, receipt, &token).await;
    assert_gateway_429(&fifth, "Quota Violation");

    app.clock.advance(retry);
    let token = token_for(&router, &client).await; // the old one has expired
    let next_day = status_with(&router, receipt, &token).await;
    assert_eq!(next_day.status, 200, "a new day, a new quota: {next_day:?}");
    assert_eq!(
        app.count("api_usage").await,
        2,
        "one row per client and day"
    );
}

/// The requests of `client` today as `api_usage` holds them (0 without a row).
async fn usage_in_db(app: &TestApp, client: &NewClient) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT requests FROM api_usage WHERE client_id = $1")
        .bind(&client.id)
        .fetch_optional(&app.state.db.pool)
        .await
        .unwrap()
        .unwrap_or(0)
}

#[tokio::test]
async fn far_from_the_quota_usage_is_written_with_the_first_request_of_each_second() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let receipt = case.receipt_number.as_str();
    let busy = create_client(&app.state, "Busy", 100, 100_000)
        .await
        .unwrap();
    let token = token_for(&router, &busy).await;
    for n in 1..=10 {
        let response = status_with(&router, receipt, &token).await;
        assert_eq!(response.status, 200, "request {n}: {response:?}");
    }
    assert_eq!(
        usage_in_db(&app, &busy).await,
        1,
        "the first request of the second is written, the other nine wait in memory"
    );
    app.clock.advance(1);
    assert_eq!(status_with(&router, receipt, &token).await.status, 200);
    assert_eq!(
        usage_in_db(&app, &busy).await,
        11,
        "the next second's first request writes the waiting nine with itself"
    );
}

#[tokio::test]
async fn near_the_quota_every_request_is_written_so_instances_together_stop_at_it() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let receipt = case.receipt_number.as_str();
    let (per_second, per_day) = (3, 20);
    let client = create_client(&app.state, "Two Instances", per_second, per_day)
        .await
        .unwrap();
    let token = token_for(&router, &client).await;
    let other_instance = server::app(AppState {
        local_limits: Arc::new(LocalLimiter::new()),
        ..app.state.clone()
    });
    // Both instances send as fast as the per-second limit lets them, second after second,
    // until both are refused for the day.
    let mut answered = 0;
    let mut seconds = 0;
    loop {
        let mut quota_refusals = 0;
        for instance in [&router, &other_instance] {
            for _ in 0..per_second {
                let response = status_with(instance, receipt, &token).await;
                match response.status.as_u16() {
                    200 => answered += 1,
                    429 => {
                        assert_gateway_429(&response, "Quota Violation");
                        quota_refusals += 1;
                    }
                    status => panic!("unexpected {status}: {response:?}"),
                }
            }
        }
        if quota_refusals == 2 * per_second {
            break;
        }
        seconds += 1;
        assert!(seconds < 30, "the quota never stopped the client");
        app.clock.advance(1);
    }
    // Each instance sees the other's requests only once written: at most one second's worth of
    // one instance's requests (per_second) goes beyond the quota.
    assert!(
        (per_day..=per_day + per_second).contains(&answered),
        "{answered} answered with a quota of {per_day}"
    );
    assert!(
        usage_in_db(&app, &client).await >= answered,
        "every answered request is in the database once the quota is near"
    );
}

#[tokio::test]
async fn every_api_answer_is_never_cached_and_never_sniffed() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let case = new_case(&app, START - 5 * DAY).await;
    let receipt = case.receipt_number.as_str();
    let limited = create_client(&app.state, "Header Checker", 1, 10_000)
        .await
        .unwrap();
    let token_answer = token_request(
        &router,
        &form_credentials(&limited.id, &limited.secret),
        &[],
    )
    .await;
    let token = token_answer.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let answers = [
        ("token", token_answer),
        (
            "bad token request",
            token_request(&router, "grant_type=password", &[]).await,
        ),
        ("200", status_with(&router, receipt, &token).await),
        ("429", status_with(&router, receipt, &token).await),
        ("401", case_status(&router, receipt, None).await),
        ("unknown API path", case_status(&router, "", None).await),
    ];
    app.clock.advance(1);
    let after = [("404", status_with(&router, "IOE0000000000", &token).await)];
    app.clock.advance(1);
    let malformed = [("400", status_with(&router, "IOE123", &token).await)];
    for (context, response) in answers.iter().chain(&after).chain(&malformed) {
        assert_api_headers(response, context);
    }
    assert_eq!(answers[3].1.status, 429);
    assert_eq!(after[0].1.status, 404, "{:?}", after[0].1);
    assert_eq!(malformed[0].1.status, 400, "{:?}", malformed[0].1);
}

#[tokio::test]
async fn database_failures_are_the_gateways_service_unavailable() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let client = client(&app, "Unlucky").await;
    let token = token_for(&router, &client).await;
    app.state.db.pool.close().await;
    let expected = "{\n  \"errors\": [\n    {\n      \"code\": \"503\",\n      \"message\": \"Service Unavailable\"\n    }\n  ]\n}";
    for response in [
        status_with(&router, "IOE0912345678", &token).await,
        token_request(&router, &form_credentials(&client.id, &client.secret), &[]).await,
    ] {
        assert_eq!(response.status, 503, "{response:?}");
        assert_eq!(response.body, expected);
        assert_json_content_type(&response, "503");
        assert!(
            response
                .header("retry-after")
                .is_some_and(|v| v.trim().parse::<u64>().is_ok()),
            "{response:?}"
        );
    }
}

/// Property test of the API's inputs: whatever a client puts in the path, the form body or the
/// `Authorization` header, the answer is one of the documented ones, never a server error, and a
/// token is issued only for the right id and secret.
#[test]
fn arbitrary_api_inputs_get_documented_answers_and_never_a_server_error() {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    use proptest::{prelude::*, test_runner::TestRunner};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(TestApp::with_policy(app::infra::state::Policy {
        rate_limits: false,
        ..test_policy()
    }));
    let router = router_of(&app);
    let api_client = runtime.block_on(client(&app, "property test"));
    let token = runtime.block_on(token_for(&router, &api_client));
    let known = runtime.block_on(new_case(&app, START - 86_400));
    let mut runner = TestRunner::default();

    let receipt = prop_oneof![
        any::<String>(),
        "[A-Za-z -]{0,5}[0-9 -]{0,14}",
        Just(known.receipt_number.as_str().to_lowercase()),
    ];
    runner
        .run(&receipt, |typed| {
            let path = utf8_percent_encode(&typed, NON_ALPHANUMERIC).to_string();
            let response = runtime.block_on(status_with(&router, &path, &token));
            let expected = match app::cases::model::ReceiptNumber::parse(&typed) {
                Ok(parsed) if parsed == known.receipt_number => 200,
                Ok(_) => 404,
                Err(_) => 400,
            };
            // An empty segment does not reach the handler at all: the API's own 404.
            let expected = if typed.is_empty() { 404 } else { expected };
            prop_assert_eq!(
                response.status.as_u16(),
                expected,
                "{:?}: {:?}",
                typed,
                response
            );
            Ok(())
        })
        .unwrap();

    let form_field = prop_oneof![
        any::<String>(),
        Just("client_credentials".to_owned()),
        Just(api_client.id.clone()),
        Just(api_client.secret.clone()),
    ];
    let body = proptest::collection::vec(
        (
            prop_oneof![
                Just("grant_type".to_owned()),
                Just("client_id".to_owned()),
                Just("client_secret".to_owned()),
                any::<String>()
            ],
            form_field.clone(),
        ),
        0..5,
    );
    let authorization = prop_oneof![
        Just(None),
        any::<String>().prop_map(Some),
        (form_field.clone(), form_field).prop_map(|(id, secret)| Some(basic(&id, &secret).1)),
    ];
    runner
        .run(&(body, authorization), |(fields, authorization)| {
            let encoded = form_body(&fields);
            let headers: Vec<(&str, String)> = authorization
                .iter()
                .filter(|value| http::HeaderValue::from_str(value).is_ok())
                .map(|value| ("authorization", value.clone()))
                .collect();
            let response = runtime.block_on(token_request(&router, &encoded, &headers));
            let status = response.status.as_u16();
            prop_assert!(
                [200, 400, 401].contains(&status),
                "{:?} {:?}: {:?}",
                fields,
                headers,
                response
            );
            if status == 200 {
                prop_assert_eq!(
                    &response.json()["client_id"],
                    &serde_json::json!(api_client.id)
                );
                prop_assert_eq!(&response.json()["status"], "approved");
            } else {
                prop_assert!(!response.body.contains("access_token"));
            }
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn housekeeping_deletes_expired_tokens_and_old_usage() {
    let app = TestApp::new().await;
    let router = router_of(&app);
    let api_client = client(&app, "housekeeping").await;
    let token = token_for(&router, &api_client).await;
    let case = new_case(&app, START - 86_400).await;
    assert_eq!(
        status_with(&router, case.receipt_number.as_str(), &token)
            .await
            .status,
        200
    );
    server::housekeep(&app.state).await.unwrap();
    assert_eq!(app.count("api_tokens").await, 1, "a live token stays");
    app.clock.advance(8 * 86_400);
    server::housekeep(&app.state).await.unwrap();
    assert_eq!(app.count("api_tokens").await, 0);
    assert_eq!(app.count("api_usage").await, 0);
}
