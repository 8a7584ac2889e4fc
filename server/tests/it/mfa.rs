//! Authenticator app (TOTP) over HTTP: replay, window, seed strength and protection, set-up
//! (SECURITY.md items 14–16).

use crate::support::*;
use app::infra::clock::Clock;
use app::{infra::crypto::Keys, mfa::totp};

/// Password step from `ip`, then `code`; returns (password response cookie, code response).
async fn attempt(app: &TestApp, email: &str, code: &str, ip: &str) -> (String, TestResponse) {
    let password = app.send(Req::sign_in(email, PASSWORD).from_ip(ip)).await;
    assert_eq!(password.status, 200, "password step: {password:?}");
    let cookie = password.session_cookie().expect("cookie after password");
    let response = app
        .send(Req::verify_totp(code).cookie(Some(&cookie)).from_ip(ip))
        .await;
    (cookie, response)
}

/// Undoes quoted-printable soft line breaks and `=XX` escapes so text can be searched.
fn unfold_mail(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Some(Ok(b)) = joined
                .get(i + 1..i + 3)
                .map(|hex| u8::from_str_radix(hex, 16))
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

// ---------------------------------------------------------------------------------------------
// Item 14: a TOTP code is accepted only once.

#[tokio::test]
async fn item14_a_totp_code_is_accepted_once_and_a_replay_is_refused_logged_and_notified() {
    let log = capture_logs();

    let app = TestApp::new().await;
    let email = "replay@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    let mails_before = app.wait_for_mails(1).await.len();
    app.clock.advance(30); // a step the enrolment did not use; the clock stays fixed from here
    let code = totp_at(&secret, app.clock.now());

    let (_, first) = attempt(&app, email, &code, "10.20.0.1").await;
    assert_eq!(first.status, 200, "first use of the code: {first:?}");
    let signed_in = first.session_cookie().expect("signed in");
    assert_eq!(app.profile_status(&signed_in).await, 200);

    let (second_cookie, second) = attempt(&app, email, &code, "10.20.0.2").await;
    assert_eq!(
        second.status, 422,
        "the same code in a new session must be refused: {second:?}"
    );
    assert_eq!(
        second.json()["Validation"]["field_errors"][0]["field"],
        "code"
    );
    assert_eq!(field_message(&second)["Mfa"], "CodeReused");
    assert!(
        second.session_cookie().is_none(),
        "no new session for a replayed code"
    );
    assert_eq!(app.profile_status(&second_cookie).await, 401);

    // The first sign-in's new-browser email comes too; wait for the replay notice itself.
    let mut notice = None;
    for _ in 0..300 {
        notice = app.mails()[mails_before..]
            .iter()
            .map(|m| unfold_mail(m))
            .find(|m| m.contains("already been used"));
        if notice.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let notice = notice.unwrap_or_else(|| {
        panic!(
            "no replay notification in {:?}",
            &app.mails()[mails_before..]
        )
    });
    assert!(
        notice.contains(email),
        "the notice goes to the account owner: {notice}"
    );

    let logs = log.text();
    assert!(
        logs.contains("replayed"),
        "a replay event is logged: {logs}"
    );
    assert!(!logs.contains(&code), "the code itself is never logged");

    let wrong = wrong_code(&secret, app.clock.now());
    let (_, bad) = attempt(&app, email, &wrong, "10.20.0.3").await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert_eq!(field_message(&bad)["Mfa"], "CodeInvalid");

    // A code from an earlier step than the one already used is not accepted either.
    let earlier = totp_at(&secret, app.clock.now() - 30);
    let (_, older) = attempt(&app, email, &earlier, "10.20.0.4").await;
    assert_eq!(
        older.status, 422,
        "an older code after a newer one was used: {older:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 15: one step of drift either side, no more.

#[tokio::test]
async fn item15_codes_for_steps_t_minus_1_t_and_t_plus_1_are_accepted_and_t_plus_minus_2_are_not() {
    let app = TestApp::new().await;
    let email = "window@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    let enrolled_step = totp::step_at(app.clock.now());
    let mid_step = |step: i64| step * 30 + 15;

    // Each accepted code is for a later step than the previous one, so none is a replay.
    app.clock.set(mid_step(enrolled_step + 3));
    let (_, minus_one) = attempt(
        &app,
        email,
        &totp_at(&secret, app.clock.now() - 30),
        "10.21.0.1",
    )
    .await;
    assert_eq!(minus_one.status, 200, "code for T-1: {minus_one:?}");

    app.clock.set(mid_step(enrolled_step + 5));
    let (_, current) = attempt(&app, email, &totp_at(&secret, app.clock.now()), "10.21.0.2").await;
    assert_eq!(current.status, 200, "code for T: {current:?}");

    app.clock.set(mid_step(enrolled_step + 7));
    let (_, plus_one) = attempt(
        &app,
        email,
        &totp_at(&secret, app.clock.now() + 30),
        "10.21.0.3",
    )
    .await;
    assert_eq!(plus_one.status, 200, "code for T+1: {plus_one:?}");

    // Far enough ahead that T-2 is later than every step used so far (not a replay), and with
    // codes that do not coincide with a code inside the window.
    let mut step = enrolled_step + 20;
    loop {
        let window: Vec<String> = (-1..=1)
            .map(|k| totp::code_for_step(&secret, step + k))
            .collect();
        let outside = [
            totp::code_for_step(&secret, step - 2),
            totp::code_for_step(&secret, step + 2),
        ];
        if outside.iter().all(|c| !window.contains(c)) {
            break;
        }
        step += 1;
    }
    app.clock.set(mid_step(step));
    let (cookie, minus_two) = attempt(
        &app,
        email,
        &totp_at(&secret, app.clock.now() - 60),
        "10.21.0.4",
    )
    .await;
    assert_eq!(minus_two.status, 422, "code for T-2: {minus_two:?}");
    assert_eq!(field_message(&minus_two)["Mfa"], "CodeInvalid");
    let plus_two = app
        .send(Req::verify_totp(&totp_at(&secret, app.clock.now() + 60)).cookie(Some(&cookie)))
        .await;
    assert_eq!(plus_two.status, 422, "code for T+2: {plus_two:?}");
    assert_eq!(field_message(&plus_two)["Mfa"], "CodeInvalid");
    // The same session still accepts the current code: the refusals were about the window only.
    let now_code = app
        .send(Req::verify_totp(&totp_at(&secret, app.clock.now())).cookie(Some(&cookie)))
        .await;
    assert_eq!(now_code.status, 200, "{now_code:?}");
}

// ---------------------------------------------------------------------------------------------
// Item 16: seed strength and encryption at rest.

#[tokio::test]
async fn item16_the_totp_seed_is_at_least_160_bits_and_stored_only_as_aead_ciphertext() {
    let app = TestApp::new().await;
    let email = "seed@example.com";
    let cookie = app.verified(email, PASSWORD).await;
    let (enrolment, typed_secret) = app.totp_enrolment(&cookie).await;
    let body = enrolment.json();
    let uri = body["otpauth_uri"].as_str().unwrap().to_owned();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    let query = uri.split_once('?').map(|(_, q)| q).unwrap_or("");
    let encoded = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("secret="))
        .unwrap_or_else(|| panic!("no secret= in {uri}"))
        .trim_end_matches('=');
    assert!(
        encoded.len() >= 32,
        "Base32 secret of {} characters: {encoded}",
        encoded.len()
    );
    assert!(
        encoded
            .chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)),
        "not Base32: {encoded}"
    );
    let secret = totp::decode_base32(encoded).expect("Base32 decodes");
    assert!(secret.len() >= 20, "{} bytes", secret.len());
    assert_eq!(typed_secret, secret, "typed key = QR key");

    let id = app.account_id(email).await;
    let check_stored = |ciphertext: Vec<u8>| {
        let as_text = String::from_utf8_lossy(&ciphertext).into_owned();
        assert_ne!(ciphertext, secret, "the raw secret is stored");
        assert!(
            !ciphertext
                .windows(secret.len())
                .any(|w| w == secret.as_slice()),
            "the secret bytes appear in the column"
        );
        assert!(
            !as_text.to_uppercase().contains(encoded),
            "the Base32 secret appears in the column"
        );
        assert_ne!(
            totp::decode_base32(&as_text),
            Some(secret.clone()),
            "the column decodes as the Base32 secret"
        );
        assert!(
            ciphertext.len() >= secret.len() + 16,
            "no room for an AEAD tag: {} bytes",
            ciphertext.len()
        );
        assert_eq!(
            app.state
                .keys
                .decrypt(&ciphertext, &id)
                .expect("decrypts with the app key"),
            secret
        );
        assert!(
            Keys::from_master(&[0u8; 32])
                .decrypt(&ciphertext, &id)
                .is_err(),
            "decrypts with another key"
        );
        assert!(
            app.state
                .keys
                .decrypt(&ciphertext, "some-other-account")
                .is_err(),
            "not bound to the account"
        );
    };
    let (pending,): (Vec<u8>,) =
        sqlx::query_as("SELECT secret_ciphertext FROM totp_authenticators WHERE account_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    check_stored(pending);

    let confirm = app.confirm_enrolment(&cookie, &secret).await;
    assert_eq!(confirm.status, 200, "{confirm:?}");
    let (confirmed,): (Vec<u8>,) = sqlx::query_as(
        "SELECT secret_ciphertext FROM totp_authenticators WHERE account_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(&id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    check_stored(confirmed);

    // Another account gets a different secret.
    let (_, other) = app.signed_up("seed2@example.com", PASSWORD).await;
    assert_ne!(other, secret);
}

// ---------------------------------------------------------------------------------------------
// Set-up requires the enrolment step and a correct code.

#[tokio::test]
async fn totp_setup_requires_the_enrolment_step_and_a_correct_confirmation_code() {
    let app = TestApp::new().await;
    assert_eq!(
        app.send(Req::api("get_totp_enrolment", &[])).await.status,
        401
    );
    assert_eq!(
        app.send(Req::api("confirm_totp_enrolment", &[("code", "123456")]))
            .await
            .status,
        401
    );
    assert_eq!(app.count("totp_authenticators").await, 0);

    let email = "setup@example.com";
    let registered = app.register(email, PASSWORD).await;
    let unverified = registered.session_cookie().unwrap();
    let early = app
        .send(Req::api("get_totp_enrolment", &[]).cookie(Some(&unverified)))
        .await;
    assert_eq!(
        early.status, 401,
        "set-up before the email is verified: {early:?}"
    );
    assert_eq!(app.count("totp_authenticators").await, 0);

    let verified = app.verify_latest_code(email, Some(&unverified)).await;
    let cookie = verified.session_cookie().unwrap();
    let secret = app.enrolment_secret(&cookie).await;

    let wrong = wrong_code(&secret, app.clock.now());
    let refused = app
        .send(Req::api("confirm_totp_enrolment", &[("code", &wrong)]).cookie(Some(&cookie)))
        .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(field_message(&refused)["Mfa"], "CodeInvalid");
    assert!(refused.session_cookie().is_none());
    let confirmed = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM totp_authenticators WHERE confirmed_at IS NOT NULL",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            n
        }
    };
    assert_eq!(
        confirmed(&app).await,
        0,
        "a wrong code confirmed an authenticator"
    );
    assert_eq!(app.profile_status(&cookie).await, 401, "not signed in");

    let good = app.confirm_enrolment(&cookie, &secret).await;
    assert_eq!(good.status, 200, "{good:?}");
    assert_eq!(confirmed(&app).await, 1);
    let signed_in = good.session_cookie().unwrap();

    // A signed-in session starts binding another authenticator only after a recent full sign-in
    // (item 17), and a started one binds nothing until its own code confirms it.
    let started = app
        .send(Req::api("get_totp_enrolment", &[]).cookie(Some(&signed_in)))
        .await;
    assert_eq!(started.status, 200, "{started:?}");
    assert_eq!(confirmed(&app).await, 1);
    app.outlast_recent_sign_in(&signed_in).await;
    let stale = app
        .send(Req::api("get_totp_enrolment", &[]).cookie(Some(&signed_in)))
        .await;
    assert_eq!(stale.status, 403, "{stale:?}");
    assert_eq!(stale.json(), serde_json::json!("reauth_required"));
    assert_eq!(confirmed(&app).await, 1);
}
