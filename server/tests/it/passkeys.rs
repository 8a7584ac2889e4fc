//! Passkeys and security keys (WebAuthn) as second factors, answered by a software passkey:
//! adding one after a recent sign-in, signing in with it, and the refusals (SECURITY.md items 10,
//! 17, 23, 25).

use crate::support::{soft_passkey::SoftPasskey, *};
use app::infra::clock::Clock;

fn api(endpoint: &str, form: &[(&str, &str)], cookie: &str) -> Req {
    Req::api(endpoint, form).cookie(Some(cookie))
}

fn message_of(response: &TestResponse) -> String {
    response.json()["Validation"]["field_errors"][0]["message"]["Mfa"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Starts adding a passkey named `name` from the signed-in session `cookie`: the options JSON.
async fn start_adding(app: &TestApp, cookie: &str, name: &str) -> TestResponse {
    app.send(api("start_passkey_registration", &[("name", name)], cookie))
        .await
}

fn options_of(response: &TestResponse) -> String {
    assert_eq!(response.status, 200, "{response:?}");
    response.json().as_str().expect("options JSON").to_owned()
}

/// Adds `key` named `name` to the account signed in as `cookie`; returns the finishing response.
async fn add(app: &TestApp, cookie: &str, key: &mut SoftPasskey, name: &str) -> TestResponse {
    let options = options_of(&start_adding(app, cookie, name).await);
    let answer = key.register(&options, ORIGIN);
    app.send(api(
        "finish_passkey_registration",
        &[("answer", &answer)],
        cookie,
    ))
    .await
}

/// A signed-up account (authentication app) with `key` added as "Laptop"; returns its secret.
async fn passkey_member(app: &TestApp, email: &str, key: &mut SoftPasskey) -> Vec<u8> {
    let (cookie, secret) = app.signed_up(email, PASSWORD).await;
    let added = add(app, &cookie, key, "Laptop").await;
    assert_eq!(added.status, 200, "{added:?}");
    app.wait_for_mail_to(email, "A passkey was added").await;
    secret
}

async fn password_step(app: &TestApp, email: &str) -> String {
    let first = app.send(Req::sign_in(email, PASSWORD)).await;
    assert_eq!(first.status, 200, "{first:?}");
    first.session_cookie().expect("session after the password")
}

/// Answers a passkey sign-in with `key` from the session `cookie` waiting for its second step.
async fn sign_in_with(app: &TestApp, cookie: &str, key: &mut SoftPasskey) -> TestResponse {
    let started = app.send(api("start_passkey_sign_in", &[], cookie)).await;
    let answer = key.sign_in(&options_of(&started), ORIGIN);
    app.send(api(
        "finish_passkey_sign_in",
        &[("answer", &answer)],
        cookie,
    ))
    .await
}

async fn stored_passkeys(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE account_id = $1")
        .bind(app.account_id(email).await)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn item23_a_passkey_is_added_named_listed_offered_first_and_signs_in() {
    let app = TestApp::new().await;
    let email = "passkey@example.com";
    let mut key = SoftPasskey::new();
    passkey_member(&app, email, &mut key).await;

    let cookie = password_step(&app, email).await;
    let methods = app
        .send(api("get_sign_in_methods", &[], &cookie))
        .await
        .json();
    assert_eq!(
        methods,
        serde_json::json!(["passkey", "authenticator_app"]),
        "the passkey is offered first"
    );
    let signed_in = sign_in_with(&app, &cookie, &mut key).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let cookie = signed_in.session_cookie().expect("a new session id");
    assert_eq!(app.step_of(Some(&cookie)).await, "SignedIn");

    let overview = app
        .send(api("get_security_overview", &[], &cookie))
        .await
        .json();
    assert_eq!(overview["passkeys_available"], true, "{overview}");
    let listed = &overview["passkeys"][0];
    assert_eq!(listed["name"], "Laptop", "{overview}");
    assert!(listed["last_used"].is_string(), "{overview}");

    let renamed = app
        .send(api(
            "rename_passkey",
            &[
                ("id", listed["id"].as_str().unwrap()),
                ("name", "  Blue key "),
            ],
            &cookie,
        ))
        .await;
    assert!(
        renamed.status.is_success() || renamed.status.is_redirection(),
        "{renamed:?}"
    );
    let overview = app
        .send(api("get_security_overview", &[], &cookie))
        .await
        .json();
    assert_eq!(overview["passkeys"][0]["name"], "Blue key");

    let history: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_events WHERE kind = 'signed_in' AND method = 'passkey'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(history, 1, "the sign-in is in the account history");
}

#[tokio::test]
async fn item17_adding_a_passkey_needs_a_recent_sign_in_and_tells_the_owner() {
    let app = TestApp::new().await;
    let email = "stale@example.com";
    let (cookie, secret) = app.signed_up(email, PASSWORD).await;
    let mails_before = app.mails().len();
    // Stay active (reads count) past the 20-minute window.
    app.outlast_recent_sign_in(&cookie).await;
    let refused = start_adding(&app, &cookie, "Laptop").await;
    assert_eq!(refused.status, 403, "{refused:?}");
    assert_eq!(refused.json(), serde_json::json!("reauth_required"));
    assert_eq!(app.count("passkey_ceremonies").await, 0);
    assert_eq!(
        app.mails().len(),
        mails_before,
        "nothing sent for the refusal"
    );

    let code = totp_at(&secret, app.clock.now());
    let reauthenticated = app
        .send(api(
            "reauthenticate",
            &[("password", PASSWORD), ("code", &code)],
            &cookie,
        ))
        .await;
    assert!(
        reauthenticated.status.is_success() || reauthenticated.status.is_redirection(),
        "{reauthenticated:?}"
    );
    let cookie = reauthenticated.session_cookie().unwrap_or(cookie);
    let added = add(&app, &cookie, &mut SoftPasskey::new(), "Laptop").await;
    assert_eq!(added.status, 200, "{added:?}");
    let notice = app.wait_for_mail_to(email, "A passkey was added").await;
    assert!(notice.contains("Laptop"), "{notice}");
    let added_events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_events WHERE kind = 'factor_added' AND method = 'passkey'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(added_events, 1);
}

#[tokio::test]
async fn item23_a_passkey_answer_is_refused_when_forged_replayed_unverified_or_for_another_origin()
{
    let app = TestApp::new().await;
    let email = "refusals@example.com";
    let (cookie, _) = app.signed_up(email, PASSWORD).await;

    // Registration: another origin, no user verification, garbage, no ceremony, a stale one.
    for answer_for in ["other origin", "unverified", "garbage", "twice"] {
        let options = options_of(&start_adding(&app, &cookie, "Laptop").await);
        let answer = match answer_for {
            "other origin" => SoftPasskey::new().register(&options, "https://evil.example"),
            "unverified" => SoftPasskey::new()
                .without_user_verification()
                .register(&options, ORIGIN),
            "garbage" => "{\"id\": 1}".to_owned(),
            _ => {
                let answer = SoftPasskey::new().register(&options, ORIGIN);
                let first = app
                    .send(api(
                        "finish_passkey_registration",
                        &[("answer", &answer)],
                        &cookie,
                    ))
                    .await;
                assert_eq!(first.status, 200, "{first:?}");
                answer
            }
        };
        let refused = app
            .send(api(
                "finish_passkey_registration",
                &[("answer", &answer)],
                &cookie,
            ))
            .await;
        assert_eq!(refused.status, 422, "{answer_for}: {refused:?}");
        assert_eq!(message_of(&refused), "PasskeyFailed", "{answer_for}");
    }
    assert_eq!(stored_passkeys(&app, email).await, 1, "only the honest one");

    let expired = options_of(&start_adding(&app, &cookie, "Late").await);
    app.clock.advance(301);
    let late = app
        .send(api(
            "finish_passkey_registration",
            &[("answer", &SoftPasskey::new().register(&expired, ORIGIN))],
            &cookie,
        ))
        .await;
    assert_eq!(message_of(&late), "PasskeyFailed", "{late:?}");
    assert_eq!(stored_passkeys(&app, email).await, 1);
}

#[tokio::test]
async fn item23_signing_in_refuses_another_key_a_replayed_answer_and_a_cloned_key() {
    let app = TestApp::new().await;
    let email = "signin@example.com";
    let mut key = SoftPasskey::new();
    passkey_member(&app, email, &mut key).await;

    let cookie = password_step(&app, email).await;
    let stranger = sign_in_with(&app, &cookie, &mut SoftPasskey::new()).await;
    assert_eq!(message_of(&stranger), "PasskeyFailed", "{stranger:?}");
    let wrong_origin = {
        let started = app.send(api("start_passkey_sign_in", &[], &cookie)).await;
        let answer = key.sign_in(&options_of(&started), "https://evil.example");
        app.send(api(
            "finish_passkey_sign_in",
            &[("answer", &answer)],
            &cookie,
        ))
        .await
    };
    assert_eq!(
        message_of(&wrong_origin),
        "PasskeyFailed",
        "{wrong_origin:?}"
    );
    assert_eq!(app.step_of(Some(&cookie)).await, "AwaitingSecondFactor");

    // A copy of the key made before its last use (its counter is behind) is refused.
    let mut clone = key.clone();
    let _ = sign_in_with(&app, &cookie, &mut key).await;
    let cloned_session = password_step(&app, email).await;
    let cloned = sign_in_with(&app, &cloned_session, &mut clone).await;
    assert_eq!(message_of(&cloned), "PasskeyFailed", "{cloned:?}");
    assert_eq!(
        app.step_of(Some(&cloned_session)).await,
        "AwaitingSecondFactor"
    );
    let cookie = password_step(&app, email).await;

    // An answer used once does not sign in a second session (its challenge is gone).
    let started = app.send(api("start_passkey_sign_in", &[], &cookie)).await;
    let answer = key.sign_in(&options_of(&started), ORIGIN);
    let first = app
        .send(api(
            "finish_passkey_sign_in",
            &[("answer", &answer)],
            &cookie,
        ))
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    let other = password_step(&app, email).await;
    let _ = app.send(api("start_passkey_sign_in", &[], &other)).await;
    let replayed = app
        .send(api(
            "finish_passkey_sign_in",
            &[("answer", &answer)],
            &other,
        ))
        .await;
    assert_eq!(message_of(&replayed), "PasskeyFailed", "{replayed:?}");
    assert_eq!(app.step_of(Some(&other)).await, "AwaitingSecondFactor");

    let failures: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_events WHERE kind = 'second_factor_failed' AND method = 'passkey'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(failures, 4, "each refused answer is in the history");
}

#[tokio::test]
async fn item17_a_passkey_is_removed_after_a_recent_sign_in_but_never_as_the_last_factor() {
    let app = TestApp::new().await;
    let email = "remove@example.com";
    let mut key = SoftPasskey::new();
    passkey_member(&app, email, &mut key).await;
    let cookie = password_step(&app, email).await;
    let signed_in = sign_in_with(&app, &cookie, &mut key).await;
    let cookie = signed_in.session_cookie().unwrap();

    // The app is the last factor that gives codes: it stays (a passkey alone cannot confirm it is
    // the person or recover the account yet).
    let app_kept = app
        .send(api(
            "remove_factor",
            &[("method", "authenticator_app")],
            &cookie,
        ))
        .await;
    assert_eq!(message_of(&app_kept), "LastCodeFactor", "{app_kept:?}");
    let overview = app
        .send(api("get_security_overview", &[], &cookie))
        .await
        .json();
    assert!(overview["authenticator_added"].is_string(), "{overview}");
    let id = overview["passkeys"][0]["id"].as_str().unwrap().to_owned();
    let unknown = app
        .send(api(
            "remove_factor",
            &[
                ("method", "passkey"),
                ("id", "00000000000000000000000000000000"),
            ],
            &cookie,
        ))
        .await;
    assert_eq!(unknown.status, 404, "{unknown:?}");

    let mut spare = SoftPasskey::new();
    let added = add(&app, &cookie, &mut spare, "Spare").await;
    assert_eq!(added.status, 200, "{added:?}");
    let removed = app
        .send(api(
            "remove_factor",
            &[("method", "passkey"), ("id", &id)],
            &cookie,
        ))
        .await;
    assert!(
        removed.status.is_success() || removed.status.is_redirection(),
        "{removed:?}"
    );
    app.wait_for_mail_to(email, "removed").await;
    assert_eq!(stored_passkeys(&app, email).await, 1);

    let next = password_step(&app, email).await;
    let gone = sign_in_with(&app, &next, &mut key).await;
    assert_eq!(
        message_of(&gone),
        "PasskeyFailed",
        "a removed passkey signs nobody in"
    );
    let spare_signs_in = sign_in_with(&app, &next, &mut spare).await;
    assert_eq!(spare_signs_in.status, 200, "{spare_signs_in:?}");
}

#[tokio::test]
async fn item23_one_credential_belongs_to_one_account_and_names_are_checked() {
    let app = TestApp::new().await;
    let mut key = SoftPasskey::new();
    passkey_member(&app, "first@example.com", &mut key).await;
    let (other, _) = app.signed_up("second@example.com", PASSWORD).await;
    let borrowed = add(&app, &other, &mut key, "Borrowed").await;
    assert_eq!(
        message_of(&borrowed),
        "PasskeyFailed",
        "another account's key is refused without saying whose it is: {borrowed:?}"
    );
    assert_eq!(stored_passkeys(&app, "second@example.com").await, 0);
    let mut own = SoftPasskey::new();
    let first = add(&app, &other, &mut own, "Mine").await;
    assert_eq!(first.status, 200, "{first:?}");
    // The options excluded it, so the relying party refuses it before the store is asked.
    let again = add(&app, &other, &mut own, "Mine again").await;
    assert_eq!(message_of(&again), "PasskeyFailed", "{again:?}");
    assert_eq!(stored_passkeys(&app, "second@example.com").await, 1);

    for name in ["", "   ", &"x".repeat(61), "tab\there"] {
        let refused = start_adding(&app, &other, name).await;
        assert_eq!(refused.status, 422, "{name:?}: {refused:?}");
        assert_eq!(message_of(&refused), "PasskeyNameInvalid", "{name:?}");
    }
}

#[tokio::test]
async fn item10_answers_that_check_nothing_do_not_count_towards_turning_passkeys_off() {
    let app = TestApp::with_policy(app::infra::state::Policy {
        rate_limits: false,
        ..test_policy()
    })
    .await;
    let email = "junk@example.com";
    let mut key = SoftPasskey::new();
    passkey_member(&app, email, &mut key).await;
    let cookie = password_step(&app, email).await;
    for junk in ["{}", "not json", "[1, 2, 3]"] {
        let refused = app
            .send(api("finish_passkey_sign_in", &[("answer", junk)], &cookie))
            .await;
        assert_eq!(message_of(&refused), "PasskeyFailed", "{refused:?}");
    }
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM factor_failures")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        counted, 0,
        "no ceremony was answered, so no try of the method was made"
    );
    let signed_in = sign_in_with(&app, &cookie, &mut key).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
}

#[tokio::test]
async fn item23_passkeys_are_unavailable_when_the_service_is_reached_by_ip_address() {
    let app = TestApp::with_policy(app::infra::state::Policy {
        base_url: "http://127.0.0.1:3000".into(),
        ..test_policy()
    })
    .await;
    let relying_party = app::mfa::passkeys::relying_party(&app.state);
    assert!(relying_party.is_none(), "WebAuthn needs a domain name");
    let named = TestApp::new().await;
    assert!(app::mfa::passkeys::relying_party(&named.state).is_some());
}

#[tokio::test]
async fn item10_the_hundredth_refused_passkey_in_a_row_turns_passkeys_off_until_one_is_added() {
    let app = TestApp::with_policy(app::infra::state::Policy {
        rate_limits: false,
        ..test_policy()
    })
    .await;
    let email = "stopped@example.com";
    let mut key = SoftPasskey::new();
    let secret = passkey_member(&app, email, &mut key).await;
    let cookie = password_step(&app, email).await;
    let mut stranger = SoftPasskey::new();
    for _ in 0..100 {
        let refused = sign_in_with(&app, &cookie, &mut stranger).await;
        assert_eq!(refused.status, 422, "{refused:?}");
    }
    app.wait_for_mail_to(email, "turned off").await;
    let off = sign_in_with(&app, &cookie, &mut key).await;
    assert_eq!(message_of(&off), "MethodTurnedOff", "{off:?}");
    let methods = app
        .send(api("get_sign_in_methods", &[], &cookie))
        .await
        .json();
    assert_eq!(methods, serde_json::json!(["authenticator_app"]));

    // The app still signs in; adding a passkey lifts the stop.
    app.clock.advance(30);
    let code = totp_at(&secret, app.clock.now());
    let signed_in = app
        .send(Req::verify_totp(&code).cookie(Some(&cookie)))
        .await;
    let cookie = signed_in.session_cookie().expect("signed in with the app");
    let added = add(&app, &cookie, &mut SoftPasskey::new(), "New key").await;
    assert_eq!(added.status, 200, "{added:?}");
    let next = password_step(&app, email).await;
    let back = sign_in_with(&app, &next, &mut key).await;
    assert_eq!(back.status, 200, "{back:?}");
}
