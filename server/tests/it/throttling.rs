//! Throttling over HTTP: per-account progressive delay, per-IP limit, unspoofable client address
//! (SECURITY.md items 9, 11, 12).

use crate::support::*;
use app::infra::{clock::Clock, state::Policy};
use std::net::IpAddr;

const WRONG: &str = "definitely not the password";

fn sign_in(email: &str, password: &str, ip: &str) -> Req {
    Req::sign_in(email, password).from_ip(ip)
}

fn assert_invalid_credentials(response: &TestResponse, context: &str) {
    assert_eq!(response.status, 401, "{context}: {response:?}");
    assert_eq!(response.json(), "InvalidCredentials", "{context}");
}

fn random_public_ip() -> String {
    let b: [u8; 4] = rand::random();
    format!("{}.{}.{}.{}", 1 + b[0] % 200, b[1], b[2], 1 + b[3] % 250)
}

// ---------------------------------------------------------------------------------------------
// Item 9: per-account throttling with progressive delay.

#[tokio::test]
async fn item9_ten_failures_pause_the_account_even_for_the_correct_password_then_success_resets() {
    let app = TestApp::new().await;
    let email = "throttled@example.com";
    app.signed_up(email, PASSWORD).await;

    for i in 1..=10 {
        app.clock.advance(80); // ten failures spread over 13 min 20 s
        let response = app
            .send(sign_in(email, WRONG, &format!("198.51.100.{i}")))
            .await;
        assert_invalid_credentials(&response, &format!("failure {i}"));
    }
    let eleventh = app.send(sign_in(email, PASSWORD, "198.51.100.11")).await;
    let wait = retry_after(&eleventh, "the 11th attempt");
    assert!(
        eleventh.session_cookie().is_none(),
        "a paused sign-in must not create a session"
    );
    // Still paused one second before the pause ends.
    app.clock.advance(wait - 1);
    assert_eq!(
        app.send(sign_in(email, PASSWORD, "198.51.100.12"))
            .await
            .status,
        429,
        "pause ended early"
    );

    app.clock.advance(2);
    let success = app.send(sign_in(email, PASSWORD, "198.51.100.13")).await;
    assert_eq!(
        success.status, 200,
        "after Retry-After the correct password works: {success:?}"
    );
    let cookie = success
        .session_cookie()
        .expect("session cookie for the TOTP step");
    assert_eq!(app.step_of(Some(&cookie)).await, "AwaitingSecondFactor");

    // The counter was reset: nine new failures do not pause, and the next correct password works.
    for i in 1..=9 {
        app.clock.advance(10);
        let response = app
            .send(sign_in(email, WRONG, &format!("198.51.101.{i}")))
            .await;
        assert_invalid_credentials(&response, &format!("post-reset failure {i}"));
    }
    let again = app.send(sign_in(email, PASSWORD, "198.51.101.10")).await;
    assert_eq!(
        again.status, 200,
        "nine failures after a reset must not pause: {again:?}"
    );
    let single = app.send(sign_in(email, WRONG, "198.51.101.11")).await;
    assert_invalid_credentials(&single, "single bad attempt after the reset");
}

#[tokio::test]
async fn item9_the_pause_grows_with_further_failures() {
    let app = TestApp::new().await;
    let email = "progressive@example.com";
    app.signed_up(email, PASSWORD).await;
    for i in 1..=10 {
        app.clock.advance(5);
        assert_invalid_credentials(
            &app.send(sign_in(email, WRONG, &format!("198.51.102.{i}")))
                .await,
            "failure",
        );
    }
    let first = retry_after(
        &app.send(sign_in(email, PASSWORD, "198.51.102.20")).await,
        "after 10 failures",
    );
    app.clock.advance(first + 1);
    assert_invalid_credentials(
        &app.send(sign_in(email, WRONG, "198.51.102.21")).await,
        "11th failure",
    );
    let second = retry_after(
        &app.send(sign_in(email, PASSWORD, "198.51.102.22")).await,
        "after 11 failures",
    );
    assert!(
        second > first,
        "the delay must grow: {first} s then {second} s"
    );
}

#[tokio::test]
async fn item9_an_attacker_who_waits_out_each_pause_meets_ever_longer_pauses_up_to_the_cap() {
    let app = TestApp::new().await;
    let email = "patient.attacker@example.com";
    app.signed_up(email, PASSWORD).await;
    for i in 1..=10 {
        app.clock.advance(5);
        let _ = app
            .send(sign_in(email, WRONG, &format!("198.51.110.{i}")))
            .await;
    }
    let mut pauses = Vec::new();
    for round in 0..8 {
        let refused = app
            .send(sign_in(email, PASSWORD, &format!("198.51.111.{round}")))
            .await;
        let wait = retry_after(&refused, &format!("round {round}"));
        pauses.push(wait);
        app.clock.advance(wait);
        assert_invalid_credentials(
            &app.send(sign_in(email, WRONG, &format!("198.51.112.{round}")))
                .await,
            "the attempt after the pause is checked and fails",
        );
    }
    assert_eq!(pauses, [60, 120, 240, 480, 960, 1920, 3840, 3840]);
    // Housekeeping keeps the count while it matters.
    server::housekeep(&app.state).await.unwrap();
    let refused = app.send(sign_in(email, PASSWORD, "198.51.113.1")).await;
    assert_eq!(retry_after(&refused, "after housekeeping"), 3840);
}

/// `count` wrong-password sign-ins for `email`, sent at once from `<network>.1` to
/// `<network>.<count>` through the same application with `count` hashing permits, so that the
/// password checks really run side by side (as on a production server with more cores).
async fn simultaneous_failures(
    app: &TestApp,
    email: &'static str,
    count: usize,
    network: &str,
) -> Vec<TestResponse> {
    let parallel = app.with_hasher(app::infra::passwords::PasswordHasher::new(count));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 1..=count {
        let (parallel, ip) = (parallel.clone(), format!("{network}.{i}"));
        tasks.spawn(async move { parallel.send(sign_in(email, WRONG, &ip)).await });
    }
    tasks.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item9_ten_concurrent_failures_pause_the_account_like_ten_sequential_ones() {
    let app = TestApp::new().await;
    let email = "parallel@example.com";
    app.signed_up(email, PASSWORD).await;
    for response in simultaneous_failures(&app, email, 10, "198.51.103").await {
        assert_invalid_credentials(&response, "parallel failure");
    }
    let (failures,): (i64,) = sqlx::query_as("SELECT failures FROM login_failures")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let eleventh = app.send(sign_in(email, PASSWORD, "198.51.103.50")).await;
    assert_eq!(
        eleventh.status, 429,
        "10 failures sent in parallel must pause the account like 10 sequential ones \
         (failure counter stored: {failures}): {eleventh:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item9_the_failure_counter_loses_no_concurrent_update() {
    use app::infra::rate_limit::{reserve_attempt_at, ACCOUNT_FAILURES_BEFORE_DELAY};
    let app = TestApp::new().await;
    let subject = "counter-subject".to_owned();
    let now = app.clock.now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let db = app.state.db.clone();
        let subject = subject.clone();
        tasks.spawn(async move { reserve_attempt_at(&db, &subject, now).await });
    }
    let mut admitted = 0;
    let mut refused = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(()) => admitted += 1,
            Err(app::error::AppError::RateLimited { retry_after }) if retry_after > 0 => {
                refused += 1
            }
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!(
        admitted, ACCOUNT_FAILURES_BEFORE_DELAY,
        "exactly the allowance is admitted, however many arrive at once ({refused} refused)"
    );
    let (failures,): (i64,) =
        sqlx::query_as("SELECT failures FROM login_failures WHERE subject = $1")
            .bind(&subject)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        failures, ACCOUNT_FAILURES_BEFORE_DELAY,
        "no reservation was lost"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item9_forty_simultaneous_wrong_passwords_from_forty_addresses_check_no_more_than_the_allowance(
) {
    let app = TestApp::new().await;
    let email = "stampede@example.com";
    app.signed_up(email, PASSWORD).await;
    // Hashing is no bottleneck here: every attempt could reach the password check at once.
    let mut checked = 0;
    let mut refused = 0;
    for response in simultaneous_failures(&app, email, 40, "203.0.113").await {
        match response.status.as_u16() {
            401 => checked += 1,
            429 => refused += 1,
            other => panic!("unexpected status {other}: {response:?}"),
        }
    }
    assert!(
        checked <= app::infra::rate_limit::ACCOUNT_FAILURES_BEFORE_DELAY,
        "{checked} attempts reached the password check ({refused} refused)"
    );
    assert_eq!(checked + refused, 40);
    let owner = app.send(sign_in(email, PASSWORD, "203.0.113.99")).await;
    assert_eq!(
        owner.status, 429,
        "the account is paused for unknown browsers"
    );
}

/// A sign-in from a browser that holds a known-device cookie.
fn sign_in_with_device(email: &str, password: &str, ip: &str, device: &str) -> Req {
    sign_in(email, password, ip).header(
        "cookie",
        &format!("{}={device}", app::accounts::devices::DEVICE_COOKIE),
    )
}

/// Signs in fully (password and code) and returns the known-device token the browser was given.
async fn device_token_after_sign_in(app: &TestApp, email: &str, secret: &[u8]) -> String {
    app.clock.advance(30);
    let done = app.sign_in(email, PASSWORD, secret, 0).await;
    assert_eq!(done.status, 200, "{done:?}");
    let prefix = format!("{}=", app::accounts::devices::DEVICE_COOKIE);
    let set = done
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with(&prefix))
        .expect("a full sign-in remembers the browser");
    assert!(set.contains("HttpOnly") && set.contains("Secure") && set.contains("Path=/"));
    set[prefix.len()..].split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn item57_strangers_failing_elsewhere_do_not_lock_the_owner_out_of_a_known_browser() {
    let app = TestApp::new().await;
    let email = "owner@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    let device = device_token_after_sign_in(&app, email, &secret).await;

    for i in 1..=12 {
        app.clock.advance(5);
        let _ = app
            .send(sign_in(email, WRONG, &format!("192.0.2.{i}")))
            .await;
    }
    let stranger = app.send(sign_in(email, PASSWORD, "192.0.2.50")).await;
    assert_eq!(
        stranger.status, 429,
        "unknown browsers stay paused: {stranger:?}"
    );

    let owner = app
        .send(sign_in_with_device(
            email,
            PASSWORD,
            "198.51.100.1",
            &device,
        ))
        .await;
    assert_eq!(owner.status, 200, "the known browser signs in: {owner:?}");
    let forged = app
        .send(sign_in_with_device(
            email,
            PASSWORD,
            "198.51.100.3",
            &format!("{device}x"),
        ))
        .await;
    assert_eq!(forged.status, 429, "an altered token is ignored");

    // A device token is bound to its account and cannot be forged or moved.
    let other = "other@example.com";
    app.signed_up(other, PASSWORD).await;
    for i in 1..=10 {
        app.clock.advance(5);
        let _ = app
            .send(sign_in(other, WRONG, &format!("192.0.3.{i}")))
            .await;
    }
    let moved = app
        .send(sign_in_with_device(
            other,
            PASSWORD,
            "198.51.100.2",
            &device,
        ))
        .await;
    assert_eq!(
        moved.status, 429,
        "another account's device token is ignored"
    );
}

#[tokio::test]
async fn item57_a_known_browser_that_keeps_failing_is_paused_itself() {
    let app = TestApp::new().await;
    let email = "careless@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    let device = device_token_after_sign_in(&app, email, &secret).await;
    for i in 1..=10 {
        app.clock.advance(5);
        let response = app
            .send(sign_in_with_device(
                email,
                WRONG,
                &format!("198.51.100.{i}"),
                &device,
            ))
            .await;
        assert_invalid_credentials(&response, "wrong password from the known browser");
    }
    let paused = app
        .send(sign_in_with_device(
            email,
            PASSWORD,
            "198.51.100.20",
            &device,
        ))
        .await;
    assert_eq!(paused.status, 429, "{paused:?}");
    // Its failures were its own: the account is not paused for other browsers.
    let elsewhere = app.send(sign_in(email, PASSWORD, "198.51.100.21")).await;
    assert_eq!(elsewhere.status, 200, "{elsewhere:?}");
}

#[tokio::test]
async fn item9_unknown_addresses_are_throttled_exactly_like_known_ones() {
    let app = TestApp::new().await;
    app.signed_up("known.account@example.com", PASSWORD).await;
    let variants = [
        "nobody.here@example.com",
        "NoBody.Here@Example.com",
        "  nobody.here@EXAMPLE.com ",
    ];
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 1..=10 {
        app.clock.advance(30);
        known.push(
            app.send(sign_in(
                "known.account@example.com",
                WRONG,
                &format!("198.51.104.{i}"),
            ))
            .await,
        );
        unknown.push(
            app.send(sign_in(variants[i % 3], WRONG, &format!("198.51.105.{i}")))
                .await,
        );
    }
    for (k, u) in known.iter().zip(&unknown) {
        assert_invalid_credentials(u, "unknown address");
        assert_eq!((k.status, &k.body), (u.status, &u.body));
    }
    let k = app
        .send(sign_in(
            "known.account@example.com",
            PASSWORD,
            "198.51.104.99",
        ))
        .await;
    let u = app
        .send(sign_in(
            "nobody.here@example.com",
            PASSWORD,
            "198.51.105.99",
        ))
        .await;
    assert_eq!(
        u.status, 429,
        "an unknown address is paused after 10 failures (counted per address): {u:?}"
    );
    assert_eq!(
        (k.status, &k.body, k.header("retry-after")),
        (u.status, &u.body, u.header("retry-after")),
        "same answer"
    );
    retry_after(&u, "the unknown address");
}

// ---------------------------------------------------------------------------------------------
// Item 11: per-IP limit across accounts.

#[tokio::test]
async fn item11_twenty_one_sign_ins_with_different_emails_from_one_ip_in_a_minute_hit_429() {
    let app = TestApp::new().await;
    let ip = "203.0.113.5";
    for i in 1..=20 {
        let response = app
            .send(sign_in(&format!("stuffing{i}@example.com"), WRONG, ip))
            .await;
        assert_invalid_credentials(&response, &format!("attempt {i}"));
    }
    let twenty_first = app.send(sign_in("stuffing21@example.com", WRONG, ip)).await;
    let wait = retry_after(&twenty_first, "the 21st sign-in from one address");
    assert!(wait <= 60, "the per-IP window is one minute: {wait}");
    // Other addresses are unaffected.
    assert_invalid_credentials(
        &app.send(sign_in("other@example.com", WRONG, "203.0.113.6"))
            .await,
        "other IP",
    );
    // The limit is a window, not a ban.
    app.clock.advance(61);
    assert_invalid_credentials(
        &app.send(sign_in("stuffing22@example.com", WRONG, ip)).await,
        "after the window",
    );
}

#[tokio::test]
async fn item11_a_window_stamped_in_the_future_restarts_when_the_clock_steps_back() {
    // The clock moves forward (a test clock, or a wrong clock later corrected), the address uses
    // up its allowance there, and the clock comes back: the address gets a fresh window now
    // instead of staying refused until the real time reaches the future window.
    let app = TestApp::new().await;
    let ip = "203.0.113.7";
    let today = app.clock.now();
    app.clock.advance(25 * 3600);
    for i in 1..=20 {
        let response = app
            .send(sign_in(&format!("ahead{i}@example.com"), WRONG, ip))
            .await;
        assert_invalid_credentials(&response, &format!("attempt {i} a day ahead"));
    }
    let refused = app.send(sign_in("ahead21@example.com", WRONG, ip)).await;
    retry_after(&refused, "the 21st sign-in a day ahead");

    app.clock.set(today);
    for i in 1..=20 {
        let response = app
            .send(sign_in(&format!("back{i}@example.com"), WRONG, ip))
            .await;
        assert_invalid_credentials(&response, &format!("attempt {i} after the clock came back"));
    }
    let twenty_first = app.send(sign_in("back21@example.com", WRONG, ip)).await;
    retry_after(
        &twenty_first,
        "the limit still applies in the restarted window",
    );
}

// ---------------------------------------------------------------------------------------------
// Item 12: the client address cannot be spoofed.

#[tokio::test]
async fn item12_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::new().await;
    let peer = "192.0.2.10";
    for i in 1..=30 {
        let response = app
            .send(
                sign_in(&format!("spoof{i}@example.com"), WRONG, peer)
                    .header("x-forwarded-for", &random_public_ip()),
            )
            .await;
        if i <= 20 {
            assert_invalid_credentials(&response, &format!("request {i}"));
        } else {
            assert_eq!(
                response.status, 429,
                "request {i} with a spoofed X-Forwarded-For must count against the peer"
            );
            retry_after(&response, &format!("request {i}"));
        }
    }
}

#[tokio::test]
async fn item12_forwarded_for_from_a_trusted_proxy_identifies_clients_and_cannot_be_prepended() {
    let proxy: IpAddr = "192.0.2.20".parse().unwrap();
    let app = TestApp::with_policy(Policy {
        trusted_proxies: vec![proxy],
        ..test_policy()
    })
    .await;
    let via_proxy = |email: String, xff: &str| {
        sign_in(&email, WRONG, "192.0.2.20").header("x-forwarded-for", xff)
    };

    // 21 different clients behind the proxy: counted separately, none throttled.
    for i in 1..=21 {
        let response = app
            .send(via_proxy(
                format!("client{i}@example.com"),
                &format!("203.0.113.{}", 100 + i),
            ))
            .await;
        assert_invalid_credentials(&response, &format!("client {i} behind the proxy"));
    }
    // One client behind the proxy is still limited, even when it prepends spoofed hops.
    for i in 1..=21 {
        let xff = format!("{}, 198.18.0.7", random_public_ip());
        let response = app
            .send(via_proxy(format!("same{i}@example.com"), &xff))
            .await;
        if i <= 20 {
            assert_invalid_credentials(&response, &format!("request {i} from one client"));
        } else {
            assert_eq!(
                response.status, 429,
                "the client the proxy saw is what counts, not spoofed hops: {response:?}"
            );
        }
    }
}
