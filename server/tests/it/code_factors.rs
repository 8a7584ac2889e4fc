//! Codes by text message and email as second factors: binding a phone or email codes, signing in
//! with a sent code, and the rules for such codes (SECURITY.md items 17–20, 22, 25, 33).

use crate::support::*;

const PHONE: &str = "+15551230001";

fn api(endpoint: &str, form: &[(&str, &str)], cookie: &str) -> Req {
    Req::api(endpoint, form).cookie(Some(cookie))
}

/// Registers `email` and binds `PHONE` as its only second factor; returns the signed-in cookie.
async fn phone_member(app: &TestApp, email: &str) -> String {
    let cookie = app.verified(email, PASSWORD).await;
    let texts_before = app.texts_to(PHONE).len();
    let bound = bind_phone(app, &cookie, PHONE, texts_before).await;
    assert_eq!(bound.status, 200, "{bound:?}");
    app.wait_for_mail_to(email, "A phone was added").await;
    bound.session_cookie().expect("signed in after set-up")
}

/// Binds `phone` from the signed-in (recently) or setting-up session `cookie`, with the code
/// texted to it once `texts_before + 1` texts went there; returns the confirming response.
async fn bind_phone(app: &TestApp, cookie: &str, phone: &str, texts_before: usize) -> TestResponse {
    let started = app
        .send(api(
            "start_code_binding",
            &[("channel", "sms"), ("phone", phone)],
            cookie,
        ))
        .await;
    assert_eq!(started.status, 200, "{started:?}");
    let code = app.text_code(phone, texts_before + 1).await;
    app.send(api(
        "confirm_code_binding",
        &[("channel", "sms"), ("code", &code)],
        cookie,
    ))
    .await
}

/// The password step of a sign-in; returns the cookie waiting for the second step.
async fn password_step(app: &TestApp, email: &str) -> String {
    let first = app.send(Req::sign_in(email, PASSWORD)).await;
    assert_eq!(first.status, 200, "{first:?}");
    first.session_cookie().expect("session after the password")
}

async fn send_text(app: &TestApp, cookie: &str) -> TestResponse {
    app.send(api("send_code", &[("channel", "sms")], cookie))
        .await
}

async fn verify_text(app: &TestApp, cookie: &str, code: &str) -> TestResponse {
    app.send(api(
        "verify_sent_code",
        &[("channel", "sms"), ("code", code)],
        cookie,
    ))
    .await
}

fn message_of(response: &TestResponse) -> String {
    response.json()["Validation"]["field_errors"][0]["message"]["Mfa"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_phone_set_up_at_registration_signs_in_with_texted_codes_and_is_listed() {
    let app = TestApp::new().await;
    let email = "texts@example.com";
    let cookie = phone_member(&app, email).await;
    assert_eq!(app.step_of(Some(&cookie)).await, "SignedIn");
    let overview = app
        .send(api("get_security_overview", &[], &cookie))
        .await
        .json();
    assert_eq!(overview["phone"][0], "0001", "{overview}");
    assert!(overview["authenticator_added"].is_null());

    let waiting = password_step(&app, email).await;
    let methods = app.send(api("get_sign_in_methods", &[], &waiting)).await;
    assert_eq!(methods.json(), serde_json::json!(["text_message"]));
    assert_eq!(send_text(&app, &waiting).await.status, 200);
    let code = app.text_code(PHONE, 2).await;
    let signed_in = verify_text(&app, &waiting, &code).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let fresh = signed_in.session_cookie().expect("item 28: a new id");
    assert_eq!(app.step_of(Some(&fresh)).await, "SignedIn");
    let kinds: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT kind, method FROM account_events ORDER BY occurred_at DESC, id DESC LIMIT 1",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        kinds,
        vec![("signed_in".to_owned(), Some("text_message".to_owned()))]
    );
}

#[tokio::test]
async fn item18_texted_codes_last_ten_minutes_work_once_are_hashed_replaced_by_a_resend_and_bound_to_their_sign_in(
) {
    let app = TestApp::new().await;
    let email = "otp-rules@example.com";
    phone_member(&app, email).await;
    let mut texts = app.texts_to(PHONE).len();

    // Valid at 9:59.
    let waiting = password_step(&app, email).await;
    assert_eq!(send_text(&app, &waiting).await.status, 200);
    texts += 1;
    let code = app.text_code(PHONE, texts).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM sent_codes")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert!(
        stored
            .iter()
            .all(|hash| hash.len() == 64 && !hash.contains(&code)),
        "only keyed hashes are stored"
    );
    app.clock.advance(9 * 60 + 59);
    let first = verify_text(&app, &waiting, &code).await;
    assert_eq!(first.status, 200, "{first:?}");

    // Used once: a new sign-in with the same code fails.
    let again = password_step(&app, email).await;
    let reused = verify_text(&app, &again, &code).await;
    assert_eq!(reused.status, 422, "{reused:?}");
    assert_eq!(message_of(&reused), "SentCodeInvalid");

    // Invalid at 10:01.
    assert_eq!(send_text(&app, &again).await.status, 200);
    texts += 1;
    let late = app.text_code(PHONE, texts).await;
    app.clock.advance(10 * 60 + 1);
    let expired = password_step(&app, email).await;
    let refused = verify_text(&app, &again, &late).await;
    assert_eq!(refused.status, 422, "{refused:?}");

    // A resend replaces the first code.
    assert_eq!(send_text(&app, &expired).await.status, 200);
    texts += 1;
    let replaced = app.text_code(PHONE, texts).await;
    app.clock.advance(11);
    assert_eq!(send_text(&app, &expired).await.status, 200);
    texts += 1;
    let newest = app.text_code(PHONE, texts).await;
    if replaced != newest {
        let old = verify_text(&app, &expired, &replaced).await;
        assert_eq!(old.status, 422, "the replaced code no longer works");
    }

    // Bound to the sign-in that asked for it: another sign-in cannot use it.
    let other = password_step(&app, email).await;
    let stolen = verify_text(&app, &other, &newest).await;
    assert_eq!(stolen.status, 422, "{stolen:?}");
    let own = verify_text(&app, &expired, &newest).await;
    assert_eq!(own.status, 200, "{own:?}");
}

#[tokio::test]
async fn item19_five_wrong_codes_a_resend_and_five_more_lock_the_step_even_for_the_right_code() {
    let app = TestApp::new().await;
    let email = "otp-brute@example.com";
    phone_member(&app, email).await;
    // Past the window in which setting up the phone counted one attempt.
    app.clock.advance(15 * 60 + 1);
    let texts = app.texts_to(PHONE).len();
    let waiting = password_step(&app, email).await;
    assert_eq!(send_text(&app, &waiting).await.status, 200);
    let first = app.text_code(PHONE, texts + 1).await;
    let wrong = if first == "000000" {
        "111111"
    } else {
        "000000"
    };
    for attempt in 1..=5 {
        let refused = verify_text(&app, &waiting, wrong).await;
        assert_eq!(refused.status, 422, "attempt {attempt}: {refused:?}");
    }
    app.clock.advance(11);
    assert_eq!(send_text(&app, &waiting).await.status, 200);
    let second = app.text_code(PHONE, texts + 2).await;
    let wrong = if second == "000000" {
        "111111"
    } else {
        "000000"
    };
    for attempt in 6..=10 {
        let refused = verify_text(&app, &waiting, wrong).await;
        assert_eq!(refused.status, 422, "attempt {attempt}: {refused:?}");
    }
    let locked = verify_text(&app, &waiting, &second).await;
    retry_after(&locked, "the 11th attempt, with the right code");
    assert_eq!(app.step_of(Some(&waiting)).await, "AwaitingSecondFactor");
}

#[tokio::test]
async fn item20_a_third_code_request_within_ten_seconds_is_refused_and_only_two_texts_go_out() {
    let app = TestApp::new().await;
    let email = "otp-bombing@example.com";
    phone_member(&app, email).await;
    // Past the ten seconds in which the set-up code was sent.
    app.clock.advance(11);
    let before = app.texts_to(PHONE).len();
    let waiting = password_step(&app, email).await;
    assert_eq!(send_text(&app, &waiting).await.status, 200);
    app.clock.advance(3);
    assert_eq!(send_text(&app, &waiting).await.status, 200);
    app.clock.advance(3);
    let third = send_text(&app, &waiting).await;
    retry_after(&third, "a third request within 10 s");
    app.text_code(PHONE, before + 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.texts_to(PHONE).len(),
        before + 2,
        "the provider got exactly two"
    );
}

#[tokio::test]
async fn item17_adding_or_changing_a_phone_needs_a_recent_sign_in_and_notifies_the_owner_and_the_old_phone(
) {
    let app = TestApp::new().await;
    let email = "rebind@example.com";
    let cookie = phone_member(&app, email).await;
    // Stay active past the 20-minute window: binding is refused.
    app.outlast_recent_sign_in(&cookie).await;
    let new_phone = "+447700900123";
    let refused = app
        .send(api(
            "start_code_binding",
            &[("channel", "sms"), ("phone", new_phone)],
            &cookie,
        ))
        .await;
    assert_eq!(refused.status, 403, "{refused:?}");
    assert_eq!(refused.json(), serde_json::json!("reauth_required"));
    assert!(app.texts_to(new_phone).is_empty(), "nothing sent");

    // Confirming it is them with a texted code.
    let texts = app.texts_to(PHONE).len();
    let sent = send_text(&app, &cookie).await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let code = app.text_code(PHONE, texts + 1).await;
    let confirmed = app
        .send(api(
            "reauthenticate",
            &[("password", PASSWORD), ("code", &code)],
            &cookie,
        ))
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    let fresh = confirmed.session_cookie().expect("a new id");

    // A second session, which the change signs out.
    let other = password_step(&app, email).await;
    let started = app
        .send(api(
            "start_code_binding",
            &[("channel", "sms"), ("phone", new_phone)],
            &fresh,
        ))
        .await;
    assert_eq!(started.status, 200, "{started:?}");
    let code = app.text_code(new_phone, 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bad = app
        .send(api(
            "confirm_code_binding",
            &[("channel", "sms"), ("code", wrong)],
            &fresh,
        ))
        .await;
    assert_eq!(bad.status, 422, "{bad:?}");
    let bound = app
        .send(api(
            "confirm_code_binding",
            &[("channel", "sms"), ("code", &code)],
            &fresh,
        ))
        .await;
    assert_eq!(bound.status, 200, "{bound:?}");
    assert_eq!(app.step_of(Some(&fresh)).await, "SignedIn");
    assert_eq!(
        app.step_of(Some(&other)).await,
        "SignedOut",
        "other sessions end"
    );
    let notice = app.wait_for_mail_to(email, "ending in 0123").await;
    assert!(notice.contains("not you"), "{notice}");
    for _ in 0..300 {
        if app
            .texts_to(PHONE)
            .iter()
            .any(|t| t.contains("no longer gets sign-in codes"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        app.texts_to(PHONE)
            .iter()
            .any(|t| t.contains("no longer gets sign-in codes")),
        "the old phone is told"
    );
    let phones: Vec<String> = sqlx::query_scalar("SELECT phone FROM code_factors")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(phones, vec![new_phone.to_owned()]);
}

#[tokio::test]
async fn item22_email_codes_work_alone_but_are_refused_once_a_phone_is_bound() {
    let app = TestApp::new().await;
    let email = "weakest@example.com";
    let cookie = app.verified(email, PASSWORD).await;
    let enrolment = app.send(api("get_totp_enrolment", &[], &cookie)).await;
    assert_eq!(enrolment.json()["email_codes_allowed"], true);
    let started = app
        .send(api("start_code_binding", &[("channel", "email")], &cookie))
        .await;
    assert_eq!(started.status, 200, "{started:?}");
    let code = app.emailed_code(email, 1).await;
    let bound = app
        .send(api(
            "confirm_code_binding",
            &[("channel", "email"), ("code", &code)],
            &cookie,
        ))
        .await;
    assert_eq!(bound.status, 200, "{bound:?}");
    let signed_in = bound.session_cookie().expect("signed in");
    app.wait_for_mail_to(email, "Email codes were turned on")
        .await;

    // Password and an emailed code sign in.
    let waiting = password_step(&app, email).await;
    let methods = app.send(api("get_sign_in_methods", &[], &waiting)).await;
    assert_eq!(methods.json(), serde_json::json!(["email_code"]));
    let sent = app
        .send(api("send_code", &[("channel", "email")], &waiting))
        .await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let code = app.emailed_code(email, 2).await;
    let in_with_email = app
        .send(api(
            "verify_sent_code",
            &[("channel", "email"), ("code", &code)],
            &waiting,
        ))
        .await;
    assert_eq!(in_with_email.status, 200, "{in_with_email:?}");

    // Binding a phone (recently signed in) makes email codes unavailable; it also ends the
    // account's other sessions.
    app.clock.advance(11);
    let fresh = in_with_email.session_cookie().unwrap();
    let bound = bind_phone(&app, &fresh, PHONE, 0).await;
    assert_eq!(bound.status, 200, "{bound:?}");
    assert_eq!(app.step_of(Some(&signed_in)).await, "SignedOut");
    // The "phone added" notice is queued with the binding: let it arrive before counting mail.
    app.wait_for_mail_to(email, "A phone was added").await;
    let waiting = password_step(&app, email).await;
    let methods = app.send(api("get_sign_in_methods", &[], &waiting)).await;
    assert_eq!(methods.json(), serde_json::json!(["text_message"]));
    let mails_before = app.mails().len();
    let refused = app
        .send(api("send_code", &[("channel", "email")], &waiting))
        .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(message_of(&refused), "MethodUnavailable");
    let refused = app
        .send(api(
            "verify_sent_code",
            &[("channel", "email"), ("code", "123456")],
            &waiting,
        ))
        .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(message_of(&refused), "MethodUnavailable");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(app.mails().len(), mails_before, "no code emailed");
}

#[tokio::test]
async fn item22_with_email_codes_switched_off_set_up_needs_another_factor() {
    let app = TestApp::with_policy(app::infra::state::Policy {
        email_codes: false,
        ..test_policy()
    })
    .await;
    let email = "no-email-codes@example.com";
    let cookie = app.verified(email, PASSWORD).await;
    let enrolment = app.send(api("get_totp_enrolment", &[], &cookie)).await;
    assert_eq!(enrolment.json()["email_codes_allowed"], false);
    let refused = app
        .send(api("start_code_binding", &[("channel", "email")], &cookie))
        .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(message_of(&refused), "MethodUnavailable");
    assert_eq!(app.count("sent_codes").await, 0);
    assert_eq!(app.step_of(Some(&cookie)).await, "EnrollingTotp");
}

#[tokio::test]
async fn bad_phone_numbers_and_unknown_channels_are_refused_with_clear_errors() {
    let app = TestApp::new().await;
    let cookie = app.verified("bad-phone@example.com", PASSWORD).await;
    for phone in ["", "12345", "+1 555 123 4567 8901 2", "call me"] {
        let refused = app
            .send(api(
                "start_code_binding",
                &[("channel", "sms"), ("phone", phone)],
                &cookie,
            ))
            .await;
        assert_eq!(refused.status, 422, "{phone:?}: {refused:?}");
        assert_eq!(message_of(&refused), "PhoneInvalid");
    }
    let unknown = app
        .send(api(
            "start_code_binding",
            &[("channel", "fax"), ("phone", PHONE)],
            &cookie,
        ))
        .await;
    assert_eq!(unknown.status, 400, "{unknown:?}");
    // A code for a session that is not signing in at all.
    let anonymous = app.send(Req::api("send_code", &[("channel", "sms")])).await;
    assert_eq!(anonymous.status, 401, "{anonymous:?}");
    assert_eq!(app.count("sent_codes").await, 0);
}

#[tokio::test]
async fn item13_a_texted_code_passes_the_second_step_of_password_recovery() {
    let app = TestApp::new().await;
    let email = "recover-by-text@example.com";
    phone_member(&app, email).await;
    let recovering = crate::recovery::at_second_factor(&app, email).await;
    let texts = app.texts_to(PHONE).len();
    assert_eq!(send_text(&app, &recovering).await.status, 200);
    let code = app.text_code(PHONE, texts + 1).await;
    let passed = app
        .send(api("verify_recovery_code", &[("code", &code)], &recovering))
        .await;
    assert_eq!(passed.status, 200, "{passed:?}");
    let next = passed.session_cookie().expect("rotated at each step");
    let step = app
        .send(Req::api("current_step", &[]).cookie(Some(&next)))
        .await;
    assert_eq!(
        step.json(),
        serde_json::json!({"Recovering": "new_password"})
    );
}

/// Registers `email` with email codes as its only factor; returns the signed-in cookie.
async fn email_member(app: &TestApp, email: &str) -> String {
    let cookie = app.verified(email, PASSWORD).await;
    let started = app
        .send(api("start_code_binding", &[("channel", "email")], &cookie))
        .await;
    assert_eq!(started.status, 200, "{started:?}");
    let code = app.emailed_code(email, 1).await;
    let bound = app
        .send(api(
            "confirm_code_binding",
            &[("channel", "email"), ("code", &code)],
            &cookie,
        ))
        .await;
    assert_eq!(bound.status, 200, "{bound:?}");
    bound.session_cookie().expect("signed in")
}

#[tokio::test]
async fn item24_recovery_does_not_take_an_emailed_code_since_the_link_already_proved_the_mailbox() {
    let app = TestApp::new().await;
    let email = "email-only-recovery@example.com";
    email_member(&app, email).await;
    app.clock.advance(11);
    let recovering = crate::recovery::at_second_factor(&app, email).await;
    let channels = app.send(api("get_code_channels", &[], &recovering)).await;
    assert_eq!(channels.json(), serde_json::json!([]));
    let refused = app
        .send(api("send_code", &[("channel", "email")], &recovering))
        .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(message_of(&refused), "MethodUnavailable");
}

#[tokio::test]
async fn switching_email_codes_off_stops_new_set_ups_but_does_not_lock_out_accounts_that_use_them()
{
    let on = TestApp::new().await;
    let email = "kept-email-codes@example.com";
    email_member(&on, email).await;
    let off = on.with_policy_changed(|policy| policy.email_codes = false);
    off.clock.advance(11);
    let waiting = password_step(&off, email).await;
    let methods = off.send(api("get_sign_in_methods", &[], &waiting)).await;
    assert_eq!(methods.json(), serde_json::json!(["email_code"]));
    let sent = off
        .send(api("send_code", &[("channel", "email")], &waiting))
        .await;
    assert_eq!(sent.status, 200, "{sent:?}");
}

#[tokio::test]
async fn item20_one_phone_number_gets_at_most_two_codes_in_ten_seconds_whoever_asks() {
    let app = TestApp::new().await;
    let target = "+15551239999";
    for (n, email) in [
        "pump1@example.com",
        "pump2@example.com",
        "pump3@example.com",
    ]
    .into_iter()
    .enumerate()
    {
        let cookie = app.verified(email, PASSWORD).await;
        let started = app
            .send(api(
                "start_code_binding",
                &[("channel", "sms"), ("phone", target)],
                &cookie,
            ))
            .await;
        if n < 2 {
            assert_eq!(started.status, 200, "{email}: {started:?}");
        } else {
            retry_after(&started, "a third code to one number within 10 s");
        }
    }
    app.text_code(target, 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.texts_to(target).len(), 2);
}

#[tokio::test]
async fn item17_removing_a_factor_needs_a_recent_sign_in_never_takes_the_last_one_and_notifies() {
    let app = TestApp::new().await;
    let email = "remove-factor@example.com";
    let cookie = phone_member(&app, email).await;
    let last = app
        .send(api("remove_factor", &[("method", "text_message")], &cookie))
        .await;
    assert_eq!(last.status, 422, "the only factor stays: {last:?}");
    assert_eq!(message_of(&last), "LastFactor");
    let missing = app
        .send(api(
            "remove_factor",
            &[("method", "authenticator_app")],
            &cookie,
        ))
        .await;
    assert_eq!(missing.status, 404, "{missing:?}");
    let odd = app
        .send(api("remove_factor", &[("method", "password")], &cookie))
        .await;
    assert_eq!(odd.status, 400, "{odd:?}");

    // An account with an app and a phone.
    let member = "remove-phone@example.com";
    let (signed_in, _) = app.signed_up(member, PASSWORD).await;
    let phone = "+15551230077";
    app.clock.advance(11);
    let bound = bind_phone(&app, &signed_in, phone, 0).await;
    assert_eq!(bound.status, 200, "{bound:?}");
    let other = password_step(&app, member).await;

    app.outlast_recent_sign_in(&signed_in).await;
    let stale = app
        .send(api(
            "remove_factor",
            &[("method", "text_message")],
            &signed_in,
        ))
        .await;
    assert_eq!(stale.status, 403, "{stale:?}");
    assert_eq!(stale.json(), serde_json::json!("reauth_required"));

    let asked = app
        .send(api("send_code", &[("channel", "sms")], &signed_in))
        .await;
    assert_eq!(asked.status, 200);
    let code = app.text_code(phone, 2).await;
    let confirmed = app
        .send(api(
            "reauthenticate",
            &[("password", PASSWORD), ("code", &code)],
            &signed_in,
        ))
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    let fresh = confirmed.session_cookie().unwrap();
    let removed = app
        .send(api("remove_factor", &[("method", "text_message")], &fresh))
        .await;
    assert_eq!(removed.status, 200, "{removed:?}");
    assert_eq!(app.step_of(Some(&other)).await, "SignedOut", "item 32");
    app.wait_for_mail_to(member, "was removed from your Caseport account")
        .await;
    let overview = app
        .send(api("get_security_overview", &[], &fresh))
        .await
        .json();
    assert!(overview["phone"].is_null(), "{overview}");
    let kinds: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT kind, method FROM account_events ORDER BY occurred_at DESC, id DESC LIMIT 1",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        kinds,
        vec![("factor_removed".to_owned(), Some("text_message".to_owned()))]
    );
    // The app is now the last one.
    let last = app
        .send(api(
            "remove_factor",
            &[("method", "authenticator_app")],
            &fresh,
        ))
        .await;
    assert_eq!(last.status, 422, "{last:?}");
}
