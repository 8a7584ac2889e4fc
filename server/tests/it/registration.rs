//! Registration holds nothing until the mailbox is proved (docs/security.md item 58) and behaves
//! the same for new and known addresses (item 59).

use crate::support::*;
use app::infra::rate_limit;

async fn verify(app: &TestApp, cookie: &str, code: &str) -> TestResponse {
    app.send(Req::verify_email(code).cookie(Some(cookie))).await
}

async fn password_accepted(app: &TestApp, email: &str, password: &str) -> bool {
    app.clock.advance(1);
    let response = app.send(Req::sign_in(email, password)).await;
    response.status == 200
}

/// Two people register the same address; returns (first cookie, second cookie, first code, second code).
async fn two_registrations(app: &TestApp, email: &str) -> (String, String, String, String) {
    let first = app.register(email, "the first registrant's password").await;
    app.wait_for_mails(1).await;
    let second = app
        .register(email, "the second registrant's password")
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(
        (first.status, &first.body),
        (second.status, &second.body),
        "an address with an unverified registration is not treated as taken"
    );
    app.wait_for_mails(2).await;
    let codes = app.codes_for(email);
    assert_eq!(codes.len(), 2, "each registrant is sent a code");
    (
        first.session_cookie().unwrap(),
        second.session_cookie().unwrap(),
        codes[0].clone(),
        codes[1].clone(),
    )
}

#[tokio::test]
async fn item58_an_unverified_registration_does_not_hold_the_address() {
    let app = TestApp::new().await;
    let email = "contested@example.com";
    let (first_cookie, second_cookie, first_code, second_code) =
        two_registrations(&app, email).await;
    assert_eq!(app.count("accounts").await, 0, "nothing is an account yet");

    // The later registrant proves the mailbox first: their password wins.
    let done = verify(&app, &second_cookie, &second_code).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_eq!(app.count("accounts").await, 1);
    assert_eq!(
        app.count("registrations").await,
        0,
        "the other registrations of the address are gone"
    );
    let late = verify(&app, &first_cookie, &first_code).await;
    assert_eq!(
        late.status, 422,
        "the loser's code no longer works: {late:?}"
    );
    assert_eq!(app.count("accounts").await, 1);
    assert!(password_accepted(&app, email, "the second registrant's password").await);
    assert!(!password_accepted(&app, email, "the first registrant's password").await);
}

#[tokio::test]
async fn item58_the_first_registrant_to_enter_the_code_keeps_their_password() {
    let app = TestApp::new().await;
    let email = "first.wins@example.com";
    let (first_cookie, second_cookie, first_code, second_code) =
        two_registrations(&app, email).await;
    assert_eq!(verify(&app, &first_cookie, &first_code).await.status, 200);
    assert_eq!(verify(&app, &second_cookie, &second_code).await.status, 422);
    assert!(password_accepted(&app, email, "the first registrant's password").await);
    assert!(!password_accepted(&app, email, "the second registrant's password").await);
}

#[tokio::test]
async fn item58_unverified_registrations_are_purged_after_a_day() {
    let app = TestApp::new().await;
    let registered = app.register("forgotten@example.com", PASSWORD).await;
    let code = app.latest_code_for("forgotten@example.com").await;
    app.clock.advance(server::REGISTRATION_TTL_SECS - 1);
    server::housekeep(&app.state).await.unwrap();
    assert_eq!(app.count("registrations").await, 1, "kept for a day");
    app.clock.advance(2);
    let deleted = server::housekeep(&app.state).await.unwrap();
    assert!(deleted.contains(&("registrations", 1)), "{deleted:?}");
    assert_eq!(app.count("registrations").await, 0);
    let late = app
        .send(Req::verify_email(&code).cookie(registered.session_cookie().as_deref()))
        .await;
    assert!(late.status.is_client_error(), "{late:?}");
    assert_eq!(app.count("accounts").await, 0);
}

#[tokio::test]
async fn item58_an_emailed_code_dies_after_five_wrong_tries_and_a_resend_does_not_reset_the_count()
{
    let app = TestApp::new().await;
    let email = "fumbling@example.com";
    let registered = app.register(email, PASSWORD).await;
    let cookie = registered.session_cookie().unwrap();
    let code = app.latest_code_for(email).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for attempt in 1..=5 {
        let response = verify(&app, &cookie, wrong).await;
        assert_eq!(response.status, 422, "wrong code {attempt}: {response:?}");
    }
    let dead = verify(&app, &cookie, &code).await;
    assert_eq!(
        dead.status, 422,
        "the right code died with the fifth wrong one"
    );

    let resent = app
        .send(Req::api("resend_verification_code", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(resent.status, 200, "{resent:?}");
    app.wait_for_mails(2).await;
    let new_code = app.latest_code_for(email).await;
    let new_wrong = if new_code == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_eq!(verify(&app, &cookie, new_wrong).await.status, 422);
    assert_eq!(
        verify(&app, &cookie, &new_code).await.status,
        422,
        "a resend gives a new code but keeps the wrong-code count: one more wrong try kills it"
    );

    // A fresh code entered right away works.
    app.clock
        .advance(rate_limit::EMAIL_CODE_SENDS.window_secs + 1);
    let resent = app
        .send(Req::api("resend_verification_code", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(resent.status, 200, "{resent:?}");
    app.wait_for_mails(3).await;
    let last_code = app.latest_code_for(email).await;
    let ok = verify(&app, &cookie, &last_code).await;
    assert_eq!(ok.status, 200, "{ok:?}");
}

async fn counts(app: &TestApp) -> [i64; 4] {
    [
        app.count("accounts").await,
        app.count("registrations").await,
        app.count("outbox").await,
        app.count("sessions").await,
    ]
}

fn delta(before: [i64; 4], after: [i64; 4]) -> [i64; 4] {
    [0, 1, 2, 3].map(|i| after[i] - before[i])
}

#[tokio::test]
async fn item59_new_and_known_addresses_get_the_same_answers_rows_and_limits() {
    let app = TestApp::new().await;
    app.signed_up("known@example.com", PASSWORD).await;
    app.clock
        .advance(rate_limit::EMAIL_CODE_SENDS.window_secs + 1);
    let mails_before = app.wait_for_mails(1).await.len();

    let before = counts(&app).await;
    let known = app
        .register("known@example.com", "someone else's password")
        .await;
    let after_known = counts(&app).await;
    let unknown = app
        .register("unknown@example.com", "someone else's password")
        .await;
    let after_unknown = counts(&app).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert_eq!(known.header("location"), unknown.header("location"));
    assert_eq!(
        delta(before, after_known),
        delta(after_known, after_unknown),
        "the same rows are written (accounts, registrations, outbox, sessions)"
    );

    // "Send a new code" answers and writes the same, and shares one limit per address.
    let known_cookie = known.session_cookie().unwrap();
    let unknown_cookie = unknown.session_cookie().unwrap();
    let mut known_answers = Vec::new();
    let mut unknown_answers = Vec::new();
    for _ in 0..rate_limit::EMAIL_CODE_SENDS.max {
        let before = counts(&app).await;
        let k = app
            .send(Req::api("resend_verification_code", &[]).cookie(Some(&known_cookie)))
            .await;
        let middle = counts(&app).await;
        let u = app
            .send(Req::api("resend_verification_code", &[]).cookie(Some(&unknown_cookie)))
            .await;
        let after = counts(&app).await;
        assert_eq!(delta(before, middle), delta(middle, after));
        known_answers.push((k.status, k.header("retry-after"), k.body));
        unknown_answers.push((u.status, u.header("retry-after"), u.body));
    }
    assert_eq!(known_answers, unknown_answers);
    assert!(
        known_answers
            .last()
            .is_some_and(|(status, _, _)| *status == 429),
        "the last resend is past the limit: {known_answers:?}"
    );

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mails = app.mails();
    let new_mails = &mails[mails_before..];
    let to_known: Vec<&String> = new_mails
        .iter()
        .filter(|m| m.contains("To: known@example.com"))
        .collect();
    let to_unknown = new_mails
        .iter()
        .filter(|m| m.contains("To: unknown@example.com"))
        .count();
    assert_eq!(to_known.len(), to_unknown, "as many messages to each");
    assert!(
        to_known
            .iter()
            .all(|m| m.contains("already has an account") && !m.contains("code is")),
        "the owner gets notices, never a code"
    );
}

#[tokio::test]
async fn item18_a_registration_code_is_stored_only_as_a_keyed_hash_and_lives_ten_minutes() {
    let app = TestApp::new().await;
    let early = app.register("punctual@example.com", PASSWORD).await;
    let code = app.latest_code_for("punctual@example.com").await;
    let stored: Vec<(Option<String>, i64)> =
        sqlx::query_as("SELECT code_hash, code_expires_at FROM registrations")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let (hash, expires_at) = stored[0].clone();
    let hash = hash.expect("a live code");
    assert_eq!(hash.len(), 64, "an HMAC-SHA-256 in hex");
    assert!(!hash.contains(&code), "the code itself is not stored");
    assert_eq!(expires_at, app.state.now() + 600);

    app.clock.advance(599);
    let in_time = verify(&app, &early.session_cookie().unwrap(), &code).await;
    assert_eq!(in_time.status, 200, "valid at 9:59: {in_time:?}");

    let late = app.register("tardy@example.com", PASSWORD).await;
    let late_code = app.latest_code_for("tardy@example.com").await;
    app.clock.advance(601);
    let expired = verify(&app, &late.session_cookie().unwrap(), &late_code).await;
    assert_eq!(expired.status, 422, "invalid at 10:01: {expired:?}");
}
