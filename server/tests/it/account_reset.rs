//! Lost every second factor: an account reset asked for after the password takes effect only after
//! the waiting period, announced by email and text with a link to cancel; a sign-in with a factor
//! cancels it; support staff unlock methods turned off after 100 failures (SECURITY.md items 10,
//! 24, 25).

use crate::support::*;
use app::infra::clock::Clock;

const DAY: i64 = 24 * 60 * 60;

fn api(endpoint: &str, form: &[(&str, &str)], cookie: &str) -> Req {
    Req::api(endpoint, form).cookie(Some(cookie))
}

async fn password_step(app: &TestApp, email: &str) -> String {
    let first = app.send(Req::sign_in(email, PASSWORD)).await;
    assert_eq!(first.status, 200, "{first:?}");
    first.session_cookie().expect("session after the password")
}

/// Asks for a reset from a fresh password step; returns that session's cookie.
async fn ask_for_reset(app: &TestApp, email: &str) -> String {
    let cookie = password_step(app, email).await;
    let asked = app.send(api("request_account_reset", &[], &cookie)).await;
    assert!(
        asked.status.is_success() || asked.status.is_redirection(),
        "{asked:?}"
    );
    cookie
}

/// The token of the cancel link in the reset notice to `email`.
async fn cancel_token(app: &TestApp, email: &str) -> String {
    app.mailed_link_token(
        email,
        "A reset of your Caseport sign-in methods",
        "/account-reset/cancel",
    )
    .await
}

/// Asks for the finish link from the password step `cookie`; returns the response.
async fn ask_for_finish(app: &TestApp, cookie: &str) -> TestResponse {
    app.send(api("send_account_reset_finish", &[], cookie))
        .await
}

fn recovery_message(response: &TestResponse) -> serde_json::Value {
    field_message(response)["Recovery"].clone()
}

async fn events(app: &TestApp, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM account_events WHERE kind = $1")
        .bind(kind)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

fn reset_mails(app: &TestApp, email: &str) -> usize {
    app.mails()
        .iter()
        .filter(|m| m.contains(&format!("To: {email}")) && m.contains("sign-in methods"))
        .count()
}

#[tokio::test]
async fn a_reset_needs_the_waiting_period_and_the_mailbox_then_the_next_sign_in_sets_up_a_factor() {
    let app = TestApp::new().await;
    let email = "lost@example.com";
    let (old_session, _) = app.signed_up(email, PASSWORD).await;
    let number: String = sqlx::query_scalar("SELECT account_number FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let cookie = ask_for_reset(&app, email).await;
    let token = cancel_token(&app, email).await;
    assert!(
        token.len() >= 22,
        "the cancel token has at least 128 bits: {token}"
    );
    let status = app
        .send(api("get_account_reset_status", &[], &cookie))
        .await
        .json();
    assert!(status["effective"].is_string(), "{status}");
    assert_eq!(status["ready"], false);
    assert_eq!(status["wait_hours"], 24);

    // Asking again while one is open sends nothing new.
    let again = app.send(api("request_account_reset", &[], &cookie)).await;
    assert!(again.status.is_redirection() || again.status.is_success());
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(reset_mails(&app, email), 1);
    assert_eq!(events(&app, "account_reset_requested").await, 1);

    // Before the waiting period ends it cannot be finished.
    app.clock.advance(DAY - 60);
    let early = password_step(&app, email).await;
    let refused = ask_for_finish(&app, &early).await;
    assert_eq!(recovery_message(&refused), "ResetNotReady", "{refused:?}");

    // After it, the password alone still changes nothing: the finish link goes to the mailbox.
    app.clock.advance(120);
    let due = password_step(&app, email).await;
    assert_eq!(app.step_of(Some(&due)).await, "AwaitingSecondFactor");
    assert_eq!(app.count("totp_authenticators").await, 1);
    let sent = ask_for_finish(&app, &due).await;
    assert!(
        sent.status.is_success() || sent.status.is_redirection(),
        "{sent:?}"
    );
    let finish = app
        .mailed_link_token(email, "Finish resetting", "/account-reset/finish")
        .await;
    let wrong = app
        .send(Req::api(
            "finish_account_reset",
            &[("token", "not-the-token")],
        ))
        .await;
    assert_dead_link_page(&wrong, "/account-reset/finish");
    assert_eq!(app.count("totp_authenticators").await, 1);

    let finished = app
        .send(Req::api("finish_account_reset", &[("token", &finish)]))
        .await;
    assert!(
        finished.status.is_success() || finished.status.is_redirection(),
        "{finished:?}"
    );
    assert!(
        finished.session_cookie().is_none(),
        "finishing signs nobody in"
    );
    assert_eq!(app.count("totp_authenticators").await, 0);
    assert_eq!(events(&app, "account_reset_done").await, 1);
    app.wait_for_mail_to(email, "were reset").await;
    assert_ne!(
        app.step_of(Some(&old_session)).await,
        "SignedIn",
        "every session ended"
    );
    assert_eq!(
        app.step_of(Some(&due)).await,
        "SignedOut",
        "every session ended"
    );

    let after = password_step(&app, email).await;
    assert_eq!(app.step_of(Some(&after)).await, "EnrollingTotp");
    let secret = app.enrolment_secret(&after).await;
    let confirmed = app.confirm_enrolment(&after, &secret).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    let kept: String = sqlx::query_scalar("SELECT account_number FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(kept, number, "the account number stays");

    // Both links are used up.
    for (endpoint, token) in [
        ("cancel_account_reset", &token),
        ("finish_account_reset", &finish),
    ] {
        let late = app.send(Req::api(endpoint, &[("token", token)])).await;
        let page = format!("/account-reset/{}", endpoint.split('_').next().unwrap());
        assert_dead_link_page(&late, &page);
    }
}

#[tokio::test]
async fn the_emailed_link_cancels_a_reset_even_once_due_and_a_wrong_token_changes_nothing() {
    let app = TestApp::new().await;
    let email = "cancel@example.com";
    app.signed_up(email, PASSWORD).await;
    ask_for_reset(&app, email).await;
    let token = cancel_token(&app, email).await;

    let wrong = app
        .send(Req::api(
            "cancel_account_reset",
            &[("token", "not-the-token")],
        ))
        .await;
    assert_dead_link_page(&wrong, "/account-reset/cancel");
    app.clock.advance(DAY + 60);
    let cancelled = app
        .send(Req::api("cancel_account_reset", &[("token", &token)]))
        .await;
    assert!(
        cancelled.status.is_success() || cancelled.status.is_redirection(),
        "{cancelled:?}"
    );
    assert!(
        cancelled.session_cookie().is_none(),
        "cancelling signs nobody in"
    );
    app.wait_for_mail_to(email, "was cancelled").await;
    let twice = app
        .send(Req::api("cancel_account_reset", &[("token", &token)]))
        .await;
    assert_dead_link_page(&twice, "/account-reset/cancel");

    let cookie = password_step(&app, email).await;
    let refused = ask_for_finish(&app, &cookie).await;
    assert_eq!(recovery_message(&refused), "ResetNotReady", "{refused:?}");
    assert_eq!(app.count("totp_authenticators").await, 1);
    assert_eq!(events(&app, "account_reset_cancelled").await, 1);
}

#[tokio::test]
async fn a_sign_in_with_a_factor_cancels_an_open_reset() {
    let app = TestApp::new().await;
    let email = "owner@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    ask_for_reset(&app, email).await;
    cancel_token(&app, email).await;
    let signed_in = app.sign_in(email, PASSWORD, &secret, 1).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");

    app.clock.advance(DAY + 60);
    let cookie = password_step(&app, email).await;
    let status = app
        .send(api("get_account_reset_status", &[], &cookie))
        .await
        .json();
    assert!(status["effective"].is_null(), "nothing is open: {status}");
    assert_eq!(events(&app, "account_reset_cancelled").await, 1);
    let refused = ask_for_finish(&app, &cookie).await;
    assert_eq!(recovery_message(&refused), "ResetNotReady", "{refused:?}");
    assert_eq!(app.count("totp_authenticators").await, 1);
}

#[tokio::test]
async fn a_reset_needs_the_password_step_is_not_for_staff_and_the_phone_is_told_too() {
    let app = TestApp::new().await;
    let anonymous = app.send(Req::api("request_account_reset", &[])).await;
    assert_eq!(anonymous.status, 401, "{anonymous:?}");
    app.signed_up_as("officer@caseport.test", "officer").await;
    let officer = password_step(&app, "officer@caseport.test").await;
    let staff = app.send(api("request_account_reset", &[], &officer)).await;
    assert_eq!(recovery_message(&staff), "StaffReset", "{staff:?}");
    let email = "phone@example.com";
    let (signed_in, _) = app.signed_up(email, PASSWORD).await;
    let from_signed_in = app
        .send(api("request_account_reset", &[], &signed_in))
        .await;
    assert_eq!(
        from_signed_in.status, 401,
        "only the sign-in step asks: {from_signed_in:?}"
    );

    let phone = "+15551230042";
    let started = app
        .send(api(
            "start_code_binding",
            &[("channel", "sms"), ("phone", phone)],
            &signed_in,
        ))
        .await;
    assert_eq!(started.status, 200, "{started:?}");
    let code = app.text_code(phone, 1).await;
    let bound = app
        .send(api(
            "confirm_code_binding",
            &[("channel", "sms"), ("code", &code)],
            &signed_in,
        ))
        .await;
    assert_eq!(bound.status, 200, "{bound:?}");
    ask_for_reset(&app, email).await;
    for _ in 0..300 {
        if app.texts_to(phone).len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let texts = app.texts_to(phone);
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[1].contains("reset the sign-in methods"), "{texts:?}");
}

#[tokio::test]
async fn item10_support_unlocking_an_account_turns_its_stopped_methods_back_on() {
    let app = TestApp::with_policy(app::infra::state::Policy {
        rate_limits: false,
        ..test_policy()
    })
    .await;
    let desk = app.signed_up_as("desk@caseport.test", "support").await;
    let email = "stopped@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    let cookie = password_step(&app, email).await;
    for _ in 0..100 {
        let wrong = wrong_code(&secret, app.clock.now());
        let refused = app
            .send(Req::verify_totp(&wrong).cookie(Some(&cookie)))
            .await;
        assert_eq!(refused.status, 422, "{refused:?}");
    }
    app.clock.advance(30);
    let off = app.sign_in(email, PASSWORD, &secret, 0).await;
    assert_eq!(off.status, 422, "the app is turned off: {off:?}");

    let id = app.account_id(email).await;
    let unlocked = app
        .send(Req::api("unlock_account", &[("id", &id)]).cookie(Some(&desk)))
        .await;
    assert_eq!(unlocked.status, 200, "{unlocked:?}");
    assert_eq!(app.audited("support.account_unlocked").await, 1);
    app.clock.advance(30);
    let back = app.sign_in(email, PASSWORD, &secret, 0).await;
    assert_eq!(back.status, 200, "{back:?}");
}
