//! SECURITY.md item 45: a scripted session's security events reach the production log format as
//! JSON lines with a UTC time, the client address, who it concerns and the outcome, and no
//! password, code, token or session id is ever written, whatever the input carries.

use crate::support::*;
use app::{
    cases::{
        model::{FormType, ServiceCentre},
        service::{create_case, CaseFiling},
    },
    infra::{clock::Clock, rate_limit::TOTP_ATTEMPTS},
};
use serde_json::Value;

/// A six-digit code that is not the authenticator's at `unix` or the steps either side.
fn wrong_code(secret: &[u8], unix: i64) -> String {
    let valid: Vec<String> = [-30, 0, 30]
        .iter()
        .map(|offset| totp_at(secret, unix + offset))
        .collect();
    ["000000", "111111", "222222", "333333"]
        .into_iter()
        .find(|candidate| !valid.iter().any(|code| code == candidate))
        .unwrap()
        .to_owned()
}

/// Whether `secret` occurs in `text` other than inside a longer run of letters and digits (a
/// six-digit code may turn up inside a hex digest or a timestamp's fraction by chance).
fn contains_whole(text: &str, secret: &str) -> bool {
    text.match_indices(secret).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + secret.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// The field `name` of a logged event, or else of the request it was logged in.
fn field<'a>(line: &'a Value, name: &str) -> &'a Value {
    match &line[name] {
        Value::Null => &line["span"][name],
        own => own,
    }
}

/// The logged events whose message is `message`.
fn events<'a>(lines: &'a [Value], message: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|line| line["message"] == message)
        .collect()
}

/// The one event named `message` logged from `ip`; checks its UTC timestamp and level.
fn event_from<'a>(lines: &'a [Value], message: &str, ip: &str) -> &'a Value {
    let found = events(lines, message)
        .into_iter()
        .find(|line| field(line, "ip") == ip)
        .unwrap_or_else(|| panic!("no {message:?} event from {ip} in {lines:#?}"));
    let timestamp = found["timestamp"].as_str().expect("a timestamp");
    assert!(
        timestamp.ends_with('Z') && timestamp.len() >= 20,
        "{message:?}: timestamp {timestamp} is not UTC RFC 3339"
    );
    assert!(found["level"].is_string(), "{message:?} has a level");
    found
}

#[tokio::test]
async fn item45_security_events_are_logged_with_time_address_and_outcome_and_secrets_never_are() {
    let log = capture_logs();

    let app = TestApp::new().await;
    let email = "logged@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    let account_id = app.account_id(email).await;
    let (_, _) = app.signed_up("other@example.com", PASSWORD).await;
    let others_case = create_case(
        &app.state,
        &CaseFiling {
            centre: ServiceCentre::Ioe,
            form: FormType::I130,
            applicant_name: "Other Person".into(),
            account_id: Some(app.account_id("other@example.com").await),
            received_at: START,
        },
        None,
    )
    .await
    .unwrap();
    app.clock.advance(30);
    let mut secrets = vec![PASSWORD.to_owned()];

    // A wrong password.
    let failed = app
        .send(Req::sign_in(email, "not-the-password-at-all").from_ip("203.0.113.10"))
        .await;
    assert_eq!(failed.status, 401, "{failed:?}");
    secrets.push("not-the-password-at-all".to_owned());

    // The right password, a wrong authenticator code, then the right one.
    let password = app
        .send(Req::sign_in(email, PASSWORD).from_ip("203.0.113.11"))
        .await;
    assert_eq!(password.status, 200, "{password:?}");
    let pending = password.session_cookie().unwrap();
    let wrong = wrong_code(&secret, app.clock.now());
    let refused = app
        .send(
            Req::verify_totp(&wrong)
                .cookie(Some(&pending))
                .from_ip("203.0.113.11"),
        )
        .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    let right = totp_at(&secret, app.clock.now());
    let signed_in = app
        .send(
            Req::verify_totp(&right)
                .cookie(Some(&pending))
                .from_ip("203.0.113.11"),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let session = signed_in.session_cookie().unwrap();
    secrets.extend([wrong.clone(), right, pending.clone(), session.clone()]);

    // Asking for someone else's case.
    let probe = app
        .send(
            Req::api("get_my_case", &[("id", &others_case.id)])
                .cookie(Some(&session))
                .from_ip("203.0.113.12"),
        )
        .await;
    assert_eq!(probe.status, 404, "{probe:?}");
    let page_probe = app
        .send(
            Req::get(&format!("/cases/{}", others_case.id))
                .cookie(Some(&session))
                .from_ip("203.0.113.16"),
        )
        .await;
    assert_eq!(page_probe.status, 404, "{page_probe:?}");

    // Wrong codes until the account's allowance is spent: throttled.
    let attacker = app
        .send(Req::sign_in(email, PASSWORD).from_ip("203.0.113.13"))
        .await
        .session_cookie()
        .unwrap();
    secrets.push(attacker.clone());
    let mut throttled = None;
    for _ in 0..=TOTP_ATTEMPTS.max {
        let response = app
            .send(
                Req::verify_totp(&wrong)
                    .cookie(Some(&attacker))
                    .from_ip("203.0.113.13"),
            )
            .await;
        if response.status == 429 {
            throttled = Some(response);
            break;
        }
    }
    assert!(throttled.is_some(), "the wrong codes were throttled");

    // A password reset, asked and used.
    let asked = app
        .send(Req::api("request_password_reset", &[("email", email)]).from_ip("203.0.113.14"))
        .await;
    assert_eq!(asked.status, 200, "{asked:?}");
    let token = app
        .mailed_link_token(email, "Reset your Caseport password", "/reset-password")
        .await;
    let opened = app
        .send(Req::api("start_password_reset", &[("token", &token)]).from_ip("203.0.113.14"))
        .await;
    assert_eq!(opened.status, 200, "{opened:?}");
    secrets.push(token.clone());
    secrets.push(opened.session_cookie().unwrap());

    // A sign-in whose address carries a line break and a forged log line.
    let forged = "x@example.com\r\n{\"message\":\"signed in with two factors\",\"forged\":true}";
    let injected = app
        .send(Req::sign_in(forged, PASSWORD).from_ip("203.0.113.15"))
        .await;
    assert!(
        injected.status.is_client_error(),
        "the forged address is refused: {injected:?}"
    );

    let text = log.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("every log line is one JSON object ({e}): {line:?}"))
        })
        .collect();
    assert!(
        !lines.iter().any(|line| line.get("forged").is_some()),
        "input cannot forge a log line"
    );

    let failure = event_from(&lines, "sign-in failed", "203.0.113.10");
    assert_eq!(failure["level"], "INFO");
    let subject = failure["subject"].as_str().expect("a keyed digest of who");
    assert!(subject.len() >= 32 && !subject.contains('@'), "{subject}");
    let accepted = event_from(&lines, "password accepted", "203.0.113.11");
    assert_eq!(accepted["account_id"], account_id.as_str());
    let wrong_code_event = event_from(&lines, "wrong authenticator code", "203.0.113.11");
    assert_eq!(wrong_code_event["account_id"], account_id.as_str());
    let success = event_from(&lines, "signed in with two factors", "203.0.113.11");
    assert_eq!(success["account_id"], account_id.as_str());
    let idor = event_from(&lines, "request refused", "203.0.113.12");
    assert_eq!(field(idor, "account_id"), account_id.as_str());
    assert_eq!(idor["status"], 404);
    assert_eq!(idor["level"], "WARN");
    let page_idor = event_from(&lines, "request refused", "203.0.113.16");
    assert_eq!(field(page_idor, "account_id"), account_id.as_str());
    assert_eq!(
        field(page_idor, "path").as_str(),
        Some(format!("/cases/{}", others_case.id).as_str())
    );
    let limit = event_from(&lines, "rate limit reached", "203.0.113.13");
    assert_eq!(limit["level"], "WARN");
    event_from(&lines, "password reset requested", "203.0.113.14");
    let recovery = event_from(&lines, "password recovery started", "203.0.113.14");
    assert_eq!(recovery["account_id"], account_id.as_str());

    for secret in &secrets {
        assert!(
            !contains_whole(&text, secret),
            "a secret ({} characters) was written to the log",
            secret.len()
        );
    }
    assert!(
        !text.contains(email),
        "addresses are logged only as digests"
    );
    assert!(!text.contains("x@example.com"), "nor a forged one");
}
