//! Sessions over HTTP: opaque ids, cookie attributes, rotation, idle and absolute timeouts, sign-out
//! (SECURITY.md items 26–31).

use crate::support::*;
use app::infra::clock::Clock;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use std::collections::HashSet;

const COOKIE_NAME: &str = "__Host-caseport-session";
const TWELVE_HOURS: i64 = 12 * 60 * 60;

/// Live session rows of one account.
async fn sessions_of(app: &TestApp, account_id: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    n
}

/// Password step only: returns the response of `sign_in`.
async fn password_step(app: &TestApp, email: &str, ip: &str) -> TestResponse {
    app.send(Req::sign_in(email, PASSWORD).from_ip(ip)).await
}

/// Signs in with password + TOTP at the current clock (the caller makes sure the step is unused).
async fn full_sign_in(app: &TestApp, email: &str, secret: &[u8]) -> String {
    let response = app.sign_in(email, PASSWORD, secret, 0).await;
    assert_eq!(response.status, 200, "{response:?}");
    response.session_cookie().expect("signed-in session cookie")
}

/// Cookie attributes, keyed by lower-case name (value "" for flags).
fn cookie_attributes(set_cookie: &str) -> (String, String, Vec<(String, String)>) {
    let mut parts = set_cookie.split(';');
    let (name, value) = parts
        .next()
        .unwrap()
        .trim()
        .split_once('=')
        .expect("name=value");
    let attributes = parts
        .map(|p| {
            let p = p.trim();
            match p.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().to_owned()),
                None => (p.to_ascii_lowercase(), String::new()),
            }
        })
        .collect();
    (name.to_owned(), value.to_owned(), attributes)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = (if y >= 0 { y } else { y - 399 }) / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds.
fn parse_http_date(text: &str) -> Option<i64> {
    let rest = text
        .split_once(',')
        .map(|(_, r)| r.trim())
        .unwrap_or(text.trim());
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let day: i64 = fields.first()?.parse().ok()?;
    let month_name = fields.get(1)?.to_ascii_lowercase();
    let month = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| month_name.starts_with(m))? as i64
        + 1;
    let year: i64 = fields.get(2)?.parse().ok()?;
    let mut hms = fields.get(3)?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (hms.next()??, hms.next()??, hms.next()??);
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Checks one session `Set-Cookie` against item 27.
fn assert_session_cookie_attributes(set_cookie: &str, now: i64, context: &str) {
    let (name, value, attributes) = cookie_attributes(set_cookie);
    assert_eq!(
        name, COOKIE_NAME,
        "{context}: cookie name must carry the __Host- prefix: {set_cookie}"
    );
    assert!(!value.is_empty(), "{context}: {set_cookie}");
    let has = |flag: &str| attributes.iter().any(|(k, _)| k == flag);
    let get = |key: &str| {
        attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    assert!(has("secure"), "{context}: Secure missing: {set_cookie}");
    assert!(has("httponly"), "{context}: HttpOnly missing: {set_cookie}");
    let same_site = get("samesite").unwrap_or_default().to_ascii_lowercase();
    assert!(
        same_site == "lax" || same_site == "strict",
        "{context}: SameSite must be Lax or Strict: {set_cookie}"
    );
    assert_eq!(
        get("path").as_deref(),
        Some("/"),
        "{context}: Path=/ required: {set_cookie}"
    );
    assert!(
        !has("domain"),
        "{context}: Domain is forbidden with __Host-: {set_cookie}"
    );
    if let Some(max_age) = get("max-age") {
        let max_age: i64 = max_age.parse().unwrap_or(i64::MAX);
        assert!(
            max_age > 0 && max_age <= TWELVE_HOURS,
            "{context}: Max-Age beyond 12 h: {set_cookie}"
        );
    }
    if let Some(expires) = get("expires") {
        let at = parse_http_date(&expires).unwrap_or(i64::MAX);
        assert!(
            at <= now + TWELVE_HOURS,
            "{context}: Expires beyond 12 h: {set_cookie}"
        );
    }
}

fn session_set_cookies(response: &TestResponse) -> Vec<String> {
    response
        .set_cookies()
        .into_iter()
        .filter(|c| c.starts_with(&format!("{COOKIE_NAME}=")))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Item 26: session ids are ≥ 128-bit CSPRNG values and opaque.

#[tokio::test]
async fn item26_session_ids_are_random_opaque_and_at_least_128_bits() {
    let app = TestApp::new().await;
    let email = "opaque.session@example.com";
    let (signup_cookie, secret) = app.signed_up(email, PASSWORD).await;
    let id = app.account_id(email).await;
    let number: (String,) = sqlx::query_as("SELECT account_number FROM accounts WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();

    app.clock.advance(30);
    let password = password_step(&app, email, "10.1.0.1").await;
    let pre_totp = password.session_cookie().expect("cookie after password");
    let code = totp_at(&secret, app.clock.now());
    let signed_in = app
        .send(Req::verify_totp(&code).cookie(Some(&pre_totp)))
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let cookie = signed_in.session_cookie().unwrap();

    let id_bytes: Vec<u8> = (0..id.len() / 2)
        .map(|i| u8::from_str_radix(&id[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    for value in [&signup_cookie, &pre_totp, &cookie] {
        let decoded = URL_SAFE_NO_PAD
            .decode(value)
            .unwrap_or_else(|e| panic!("cookie {value} is not base64url: {e}"));
        assert!(
            decoded.len() >= 16,
            "session id has only {} bytes",
            decoded.len()
        );
        let lowered = value.to_lowercase();
        for needle in [email, "opaque.session", &id, &number.0] {
            assert!(
                !lowered.contains(&needle.to_lowercase()),
                "cookie text embeds {needle}"
            );
            assert!(
                !contains(&decoded, needle.as_bytes()),
                "decoded cookie embeds {needle}"
            );
        }
        assert!(
            !contains(&decoded, &id_bytes),
            "decoded cookie embeds the raw account id"
        );
        assert!(
            serde_json::from_slice::<serde_json::Value>(&decoded).is_err(),
            "cookie decodes to JSON"
        );
        // Only a hash of the id is stored server-side.
        let stored: Vec<(String,)> = sqlx::query_as("SELECT id_hash FROM sessions")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
        assert!(
            stored.iter().all(|(h,)| h != value),
            "raw session id stored in the database"
        );
    }

    // Many real sign-ins: all distinct.
    let mut seen = HashSet::new();
    seen.insert(cookie.clone());
    for i in 0..15 {
        let response = password_step(&app, email, &format!("10.2.0.{i}")).await;
        assert_eq!(response.status, 200, "{response:?}");
        let value = response.session_cookie().unwrap();
        assert!(URL_SAFE_NO_PAD.decode(&value).unwrap().len() >= 16);
        assert!(seen.insert(value), "a session id was issued twice");
    }

    // The generator itself: 10,000 tokens, all 32 bytes, all different.
    let mut tokens = HashSet::new();
    for _ in 0..10_000 {
        let token = app::infra::crypto::random_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 32, "{token}");
        assert!(tokens.insert(token), "duplicate token");
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------
// Item 27: cookie attributes and no-store.

#[tokio::test]
async fn item27_session_cookies_are_host_prefixed_secure_httponly_samesite_and_not_persistent() {
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777),
        "date helper"
    );
    let app = TestApp::new().await;
    let email = "cookie.attributes@example.com";

    let registered = app.register(email, PASSWORD).await;
    assert_eq!(registered.status, 200, "{registered:?}");
    let cookies = session_set_cookies(&registered);
    assert_eq!(
        cookies.len(),
        1,
        "exactly one session cookie at registration: {cookies:?}"
    );
    assert_session_cookie_attributes(&cookies[0], app.clock.now(), "register");
    assert_eq!(
        registered.header("cache-control").as_deref(),
        Some("no-store"),
        "register response"
    );

    let verified = app
        .verify_latest_code(email, registered.session_cookie().as_deref())
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
    for c in session_set_cookies(&verified) {
        assert_session_cookie_attributes(&c, app.clock.now(), "verify_email");
    }

    let (_, secret) = app
        .signed_up("cookie.attributes2@example.com", PASSWORD)
        .await;
    app.clock.advance(30);
    let password = password_step(&app, "cookie.attributes2@example.com", "10.3.0.1").await;
    assert_eq!(password.status, 200, "{password:?}");
    let cookies = session_set_cookies(&password);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert_session_cookie_attributes(&cookies[0], app.clock.now(), "sign_in");
    assert_eq!(
        password.header("cache-control").as_deref(),
        Some("no-store"),
        "sign_in response"
    );

    let code = totp_at(&secret, app.clock.now());
    let signed_in = app
        .send(Req::verify_totp(&code).cookie(password.session_cookie().as_deref()))
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let cookies = session_set_cookies(&signed_in);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert_session_cookie_attributes(&cookies[0], app.clock.now(), "verify_totp");
    assert_eq!(
        signed_in.header("cache-control").as_deref(),
        Some("no-store"),
        "verify_totp response"
    );

    let profile = app
        .send(Req::api("get_profile", &[]).cookie(signed_in.session_cookie().as_deref()))
        .await;
    assert_eq!(profile.status, 200);
    assert_eq!(
        profile.header("cache-control").as_deref(),
        Some("no-store"),
        "authenticated data must not be cached"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 28: rotation at every privilege change, no fixation, no ids in URLs.

#[tokio::test]
async fn item28_session_id_rotates_at_every_privilege_change_and_old_ids_are_worthless() {
    let app = TestApp::new().await;
    let email = "rotation@example.com";

    // Registration → email verified → authenticator enrolled.
    let registered = app.register(email, PASSWORD).await;
    let c_registered = registered.session_cookie().expect("cookie at registration");
    assert_eq!(app.step_of(Some(&c_registered)).await, "VerifyingEmail");
    let verified = app.verify_latest_code(email, Some(&c_registered)).await;
    assert_eq!(verified.status, 200, "{verified:?}");
    let c_verified = verified
        .session_cookie()
        .expect("new cookie after email verification");
    assert_ne!(
        c_verified, c_registered,
        "id must change when the email is verified"
    );
    assert_eq!(
        app.step_of(Some(&c_registered)).await,
        "SignedOut",
        "pre-verification id still alive"
    );

    let secret = app.enrolment_secret(&c_verified).await;
    let confirmed = app.confirm_enrolment(&c_verified, &secret).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    let c_enrolled = confirmed
        .session_cookie()
        .expect("new cookie after enrolment");
    assert_ne!(c_enrolled, c_verified);
    assert_ne!(c_enrolled, c_registered);
    assert_eq!(
        app.step_of(Some(&c_verified)).await,
        "SignedOut",
        "pre-enrolment id still alive"
    );
    assert_eq!(app.profile_status(&c_verified).await, 401);
    assert_eq!(app.profile_status(&c_enrolled).await, 200);

    // Password → TOTP sign-in, with an attacker-planted id in the browser beforehand.
    app.clock.advance(30);
    let planted = app::infra::crypto::random_token();
    let password = app
        .send(Req::sign_in(email, PASSWORD).cookie(Some(&planted)))
        .await;
    assert_eq!(password.status, 200, "{password:?}");
    let c_password = password.session_cookie().expect("cookie after password");
    assert_ne!(
        c_password, planted,
        "a planted id must never be adopted (fixation)"
    );
    assert_eq!(app.step_of(Some(&planted)).await, "SignedOut");
    assert_eq!(app.step_of(Some(&c_password)).await, "AwaitingSecondFactor");

    let code = totp_at(&secret, app.clock.now());
    let signed_in = app
        .send(Req::verify_totp(&code).cookie(Some(&c_password)))
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let c_signed_in = signed_in.session_cookie().expect("new cookie after TOTP");
    assert_ne!(
        c_signed_in, c_password,
        "id must change at the second factor"
    );

    // Replaying the pre-sign-in ids gives no signed-in session.
    for old in [&planted, &c_password, &c_registered, &c_verified] {
        let replay = app
            .send(Req::api("get_profile", &[]).cookie(Some(old)))
            .await;
        assert_eq!(replay.status, 401, "replayed pre-sign-in id: {replay:?}");
        assert_eq!(app.step_of(Some(old)).await, "SignedOut");
        let page = app.send(Req::get("/profile").cookie(Some(old))).await;
        assert_eq!(page.status, 302, "replayed id reached /profile");
    }
    assert_eq!(app.profile_status(&c_signed_in).await, 200);

    // A session id in the query string is ignored.
    let via_query = app
        .send(Req::get(&format!("/profile?{COOKIE_NAME}={c_signed_in}")))
        .await;
    assert_eq!(via_query.status, 302, "{via_query:?}");
    let location = via_query.header("location").unwrap_or_default();
    assert!(location.starts_with("/sign-in"), "{location}");
    let api_query = app
        .send(Req::api(
            &format!("get_profile?{COOKIE_NAME}={c_signed_in}"),
            &[],
        ))
        .await;
    assert_eq!(api_query.status, 401, "{api_query:?}");
    let form_field = app
        .send(Req::api("get_profile", &[(COOKIE_NAME, &c_signed_in)]))
        .await;
    assert_ne!(
        form_field.status, 200,
        "a session id in the form body must not sign in: {form_field:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 29: idle timeout, reads count as activity.

#[tokio::test]
async fn item29_reads_every_ten_minutes_keep_the_session_and_fifteen_idle_minutes_end_it() {
    let app = TestApp::new().await;
    let email = "idle@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    app.clock.advance(30);
    let cookie = full_sign_in(&app, email, &secret).await;
    let id = app.account_id(email).await;

    for minute in (10..=120).step_by(10) {
        app.clock.advance(10 * 60);
        let page = app.send(Req::get("/profile").cookie(Some(&cookie))).await;
        assert_eq!(
            page.status,
            200,
            "GET /profile after {minute} min of read-only activity: {:?}",
            page.header("location")
        );
        assert!(
            page.body.contains(email),
            "the Profile page is shown at {minute} min"
        );
    }
    // Just under the limit is still fine.
    app.clock.advance(15 * 60 - 1);
    let page = app.send(Req::get("/profile").cookie(Some(&cookie))).await;
    assert_eq!(
        page.status, 200,
        "14 min 59 s idle must not end the session"
    );

    app.clock.advance(15 * 60 + 1);
    let page = app.send(Req::get("/profile").cookie(Some(&cookie))).await;
    assert_eq!(page.status, 302, "idle for 15 min 1 s: {page:?}");
    let location = page.header("location").unwrap_or_default();
    assert!(
        location == "/sign-in?expired=1" || location == "/sign-in",
        "{location}"
    );
    let profile = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(profile.status, 401, "{profile:?}");
    let body = profile.json();
    assert!(body == "SessionExpired" || body == "Unauthorized", "{body}");
    assert!(
        !session_row_exists(&app, &cookie).await,
        "the expired session is deleted server-side"
    );
    assert!(
        sessions_of(&app, &id).await <= 1,
        "only the stale sign-up session may remain"
    );
}

/// Whether the session named by this cookie value still has a row (rows are keyed by SHA-256).
async fn session_row_exists(app: &TestApp, cookie: &str) -> bool {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE id_hash = $1")
        .bind(app::infra::crypto::sha256_hex(cookie.as_bytes()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    n > 0
}

#[tokio::test]
async fn item29_the_first_request_after_idle_expiry_says_session_expired() {
    let app = TestApp::new().await;
    let email = "idle2@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    app.clock.advance(30);
    let cookie = full_sign_in(&app, email, &secret).await;
    app.clock.advance(15 * 60 + 1);
    let profile = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(profile.status, 401);
    assert_eq!(profile.json(), "SessionExpired");
    assert!(
        profile
            .set_cookies()
            .iter()
            .any(|c| c.starts_with(&format!("{COOKIE_NAME}=;")) && c.contains("Max-Age=0")),
        "the expired cookie is cleared: {:?}",
        profile.set_cookies()
    );
}

// ---------------------------------------------------------------------------------------------
// Item 30: absolute timeout.

#[tokio::test]
async fn item30_activity_every_five_minutes_cannot_extend_a_session_past_twelve_hours() {
    let app = TestApp::new().await;
    let email = "absolute@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    app.clock.advance(30);
    let signed_in_at = app.clock.now();
    let cookie = full_sign_in(&app, email, &secret).await;

    let mut t = signed_in_at;
    while t + 300 < signed_in_at + TWELVE_HOURS {
        t += 300;
        app.clock.set(t);
        let response = if (t - signed_in_at) % 3600 == 0 {
            app.send(Req::get("/account").cookie(Some(&cookie))).await
        } else {
            app.send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
                .await
        };
        assert_eq!(
            response.status,
            200,
            "active session rejected at +{} s",
            t - signed_in_at
        );
    }
    app.clock.set(signed_in_at + TWELVE_HOURS - 1);
    assert_eq!(app.profile_status(&cookie).await, 200, "at 12 h - 1 s");

    app.clock.set(signed_in_at + TWELVE_HOURS + 1);
    let response = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(
        response.status, 401,
        "12 h + 1 s after sign-in: {response:?}"
    );
    assert_eq!(
        app.send(Req::get("/profile").cookie(Some(&cookie)))
            .await
            .status,
        302
    );

    // Password alone does not restore access: the full second factor is required again.
    let password = password_step(&app, email, "10.4.0.1").await;
    assert_eq!(password.status, 200, "{password:?}");
    let partial = password.session_cookie().unwrap();
    assert_eq!(app.step_of(Some(&partial)).await, "AwaitingSecondFactor");
    assert_eq!(app.profile_status(&partial).await, 401);
}

// ---------------------------------------------------------------------------------------------
// Item 31: sign-out.

#[tokio::test]
async fn item31_sign_out_deletes_the_session_clears_the_browser_and_the_old_cookie_is_dead() {
    let app = TestApp::new().await;
    let email = "signout@example.com";
    let (cookie, _) = app.signed_up(email, PASSWORD).await;
    let id = app.account_id(email).await;
    assert_eq!(sessions_of(&app, &id).await, 1);
    assert_eq!(app.profile_status(&cookie).await, 200);

    let signed_out = app
        .send(Req::api("sign_out", &[]).cookie(Some(&cookie)))
        .await;
    assert!(signed_out.status.is_success(), "{signed_out:?}");

    let clear = signed_out.header("clear-site-data").unwrap_or_default();
    for directive in ["\"cache\"", "\"storage\""] {
        assert!(
            clear.contains(directive),
            "Clear-Site-Data lacks {directive}: {clear:?}"
        );
    }
    // Deliberately not "cookies": the known-device cookie (item 57) must outlive the session; the
    // session cookie itself is expired explicitly, as checked below.
    assert!(!clear.contains("\"cookies\""), "{clear:?}");
    let expiring: Vec<String> = session_set_cookies(&signed_out);
    assert!(
        expiring.iter().any(|c| {
            let (_, value, attributes) = cookie_attributes(c);
            value.is_empty()
                && attributes.iter().any(|(k, v)| k == "max-age" && v == "0")
                && attributes.iter().any(|(k, v)| k == "path" && v == "/")
                && attributes.iter().any(|(k, _)| k == "secure")
        }),
        "sign-out must expire the cookie with Max-Age=0: {expiring:?}"
    );
    assert!(
        signed_out.session_cookie().is_none(),
        "no new session id on sign-out"
    );
    assert_eq!(
        sessions_of(&app, &id).await,
        0,
        "the server-side session row is deleted"
    );

    let replay = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(replay.status, 401, "{replay:?}");
    assert_eq!(app.step_of(Some(&cookie)).await, "SignedOut");
    let page = app.send(Req::get("/account").cookie(Some(&cookie))).await;
    assert_eq!(page.status, 302);
}
