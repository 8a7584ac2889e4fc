//! New-browser sign-in alerts and "This wasn't me" (issue 8, Sessions): a full sign-in from a
//! browser the account has not seen emails the owner when, on what and from where, once per
//! browser; the email's link, confirmed, ends every session, turns the password off and emails a
//! reset link, and recovery then brings the owner back.

use crate::recovery::{answer_questions, open_link, set_new_password, NEW_PASSWORD};
use crate::support::*;
use app::infra::clock::Clock;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SUBJECT: &str = "New sign-in to your Caseport account";

fn alerts_to(app: &TestApp, email: &str) -> usize {
    app.mails()
        .iter()
        .filter(|m| m.contains(&format!("To: {email}")) && m.contains(SUBJECT))
        .count()
}

async fn wait_for_alerts(app: &TestApp, email: &str, count: usize) {
    for _ in 0..300 {
        if alerts_to(app, email) >= count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!(
        "expected {count} new-sign-in emails to {email}: {:?}",
        app.mails()
    );
}

/// A full sign-in (password, then the app's code) from `ip` with a Firefox user agent, sending
/// the known-device cookie `device` if given; returns (the signed-in cookie, the device token the
/// browser was given).
async fn full_sign_in(
    app: &TestApp,
    email: &str,
    secret: &[u8],
    ip: &str,
    device: Option<&str>,
) -> (String, String) {
    let with_device = |req: Req| match device {
        Some(token) => req.header(
            "cookie",
            &format!("{}={token}", app::accounts::devices::DEVICE_COOKIE),
        ),
        None => req,
    };
    app.clock.advance(30);
    let password = app
        .send(with_device(
            Req::sign_in(email, PASSWORD)
                .from_ip(ip)
                .header("user-agent", FIREFOX),
        ))
        .await;
    assert_eq!(password.status, 200, "{password:?}");
    let code = totp_at(secret, app.clock.now());
    let done = app
        .send(with_device(
            Req::verify_totp(&code)
                .cookie(password.session_cookie().as_deref())
                .from_ip(ip)
                .header("user-agent", FIREFOX),
        ))
        .await;
    assert_eq!(done.status, 200, "{done:?}");
    let prefix = format!("{}=", app::accounts::devices::DEVICE_COOKIE);
    let token = done
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with(&prefix))
        .map(|c| c[prefix.len()..].split(';').next().unwrap().to_owned())
        .expect("a full sign-in remembers the browser");
    (done.session_cookie().unwrap(), token)
}

async fn report(app: &TestApp, token: &str) -> TestResponse {
    app.send(Req::api("report_sign_in", &[("token", token)]))
        .await
}

fn assert_refused(response: &TestResponse) {
    assert_dead_link_page(response, "/sign-in-alert");
}

#[tokio::test]
async fn a_sign_in_from_a_new_browser_emails_the_owner_once_per_browser_with_when_what_and_where() {
    let app = TestApp::new().await;
    let email = "alerted@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    assert_eq!(
        alerts_to(&app, email),
        0,
        "registering is not a new sign-in"
    );

    let (_, device) = full_sign_in(&app, email, &secret, "198.51.100.23", None).await;
    wait_for_alerts(&app, email, 1).await;
    let mail = app
        .wait_for_mail_to(email, SUBJECT)
        .await
        .replace("=\r\n", "")
        .replace("=3D", "=");
    assert!(mail.contains("Firefox / Linux"), "the browser: {mail}");
    assert!(mail.contains("198.51.100.23"), "where from: {mail}");
    assert!(mail.contains("UTC"), "when: {mail}");
    let token = app
        .mailed_link_token(email, SUBJECT, "/sign-in-alert")
        .await;
    assert!(token.len() >= 43, "at least 256 bits: {token}");
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sign_in_alerts")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].contains(&token),
        "the token is stored only as a keyed hash"
    );

    // The same browser again: no email. Another browser: a second one.
    full_sign_in(&app, email, &secret, "198.51.100.23", Some(&device)).await;
    full_sign_in(&app, email, &secret, "203.0.113.40", None).await;
    wait_for_alerts(&app, email, 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(alerts_to(&app, email), 2, "the known browser sent no email");

    // A device token of another account does not make the browser known.
    let other = "other-alerted@example.com";
    let (_, other_secret) = app.signed_up(other, PASSWORD).await;
    full_sign_in(&app, other, &other_secret, "203.0.113.41", Some(&device)).await;
    wait_for_alerts(&app, other, 1).await;
}

#[tokio::test]
async fn this_wasnt_me_signs_out_everywhere_turns_the_password_off_and_recovery_brings_the_owner_back(
) {
    let app = TestApp::new().await;
    let email = "reported@example.com";
    let (owner, secret) = app.signed_up(email, PASSWORD).await;
    let (intruder, _) = full_sign_in(&app, email, &secret, "203.0.113.66", None).await;
    let token = app
        .mailed_link_token(email, SUBJECT, "/sign-in-alert")
        .await;

    // Opening the link changes nothing (mail scanners open links).
    let page = app
        .send(Req::get(&format!("/sign-in-alert?token={token}")))
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    for cookie in [&owner, &intruder] {
        assert_eq!(app.step_of(Some(cookie)).await, "SignedIn");
    }

    // Made-up links change nothing either.
    for junk in ["", "not-a-token", &"x".repeat(101)] {
        assert_refused(&report(&app, junk).await);
    }
    assert_eq!(app.step_of(Some(&intruder)).await, "SignedIn");

    let reported = report(&app, &token).await;
    assert_eq!(reported.status, 200, "{reported:?}");
    let location = reported
        .header("location")
        .or_else(|| reported.header("serverfnredirect"))
        .unwrap_or_default();
    assert!(
        location.ends_with("/sign-in-alert?done=1"),
        "no token in the redirect: {reported:?}"
    );
    for cookie in [&owner, &intruder] {
        assert_eq!(app.step_of(Some(cookie)).await, "SignedOut", "item 32");
    }
    let password = app.send(Req::sign_in(email, PASSWORD)).await;
    assert_eq!(password.status, 422, "the password is off: {password:?}");
    assert_eq!(field_message(&password)["Accounts"], "PasswordTurnedOff");
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM account_events WHERE kind = 'sign_in_reported'")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(kinds.len(), 1, "the history records the report");

    // The link works once.
    assert_refused(&report(&app, &token).await);

    // The emailed reset link, the answers and a second factor bring the owner back.
    let reset = app
        .mailed_link_token(
            email,
            "Your Caseport account was secured",
            "/reset-password",
        )
        .await;
    let (_, recovering) = open_link(&app, &reset).await;
    let recovering = answer_questions(&app, &recovering.expect("a recovery session")).await;
    app.clock.advance(30);
    let code = totp_at(&secret, app.clock.now());
    let passed = app
        .send(Req::api("verify_recovery_code", &[("code", &code)]).cookie(Some(&recovering)))
        .await;
    assert_eq!(passed.status, 200, "{passed:?}");
    let new_password = set_new_password(&app, &passed.session_cookie().unwrap()).await;
    assert_eq!(new_password.status, 200, "{new_password:?}");
    let back = app.sign_in(email, NEW_PASSWORD, &secret, 1).await;
    assert_eq!(back.status, 200, "the password is back on: {back:?}");
}

#[tokio::test]
async fn a_this_wasnt_me_link_dies_after_seven_days() {
    let app = TestApp::new().await;
    let email = "late-report@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    full_sign_in(&app, email, &secret, "203.0.113.67", None).await;
    let token = app
        .mailed_link_token(email, SUBJECT, "/sign-in-alert")
        .await;
    app.clock
        .advance(app::accounts::sign_in_alerts::REPORT_LINK_TTL_SECS + 1);
    assert_refused(&report(&app, &token).await);
    let events: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM account_events WHERE kind = 'sign_in_reported'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(events, 0);
}
