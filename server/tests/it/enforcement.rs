//! Rules that were enforced but untested: authenticator-code throttling and single use under a
//! race, per-address limits on registration and password checks, the language switch's redirect
//! guard, the database durability refusal, readiness, the `create-account` command and the page
//! language (SECURITY.md items 11, 14, 19, 46, 53–56).

use crate::support::*;
use app::{
    accounts::model::AccountNumber,
    accounts::texts::AccountsMsg,
    i18n::Locale,
    infra::{
        clock::Clock,
        db::{Db, DbKind, DurabilityReport},
        rate_limit::{PASSWORD_CHECKS_PER_IP, REGISTER_PER_IP, TOTP_ATTEMPTS},
        state::Policy,
    },
};
use axum::http::Method;
use base64::{engine::general_purpose::STANDARD, Engine};
use std::{path::Path, process::Stdio, sync::Arc, time::Duration};
use tokio::io::AsyncWriteExt;

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Passes the password step from `ip`; returns the session cookie, now awaiting the TOTP code.
async fn password_step(app: &TestApp, email: &str, ip: &str) -> String {
    let response = app.send(Req::sign_in(email, PASSWORD).from_ip(ip)).await;
    assert_eq!(
        response.status, 200,
        "password step from {ip}: {response:?}"
    );
    let cookie = response
        .session_cookie()
        .expect("a session cookie after the password step");
    assert_eq!(
        app.step_of(Some(&cookie)).await,
        "AwaitingSecondFactor",
        "the password step leads to the code step"
    );
    cookie
}

/// The TOTP step of the session `cookie`, sent from `ip`.
fn verify_totp(cookie: &str, code: &str, ip: &str) -> Req {
    Req::verify_totp(code).cookie(Some(cookie)).from_ip(ip)
}

// ---------------------------------------------------------------------------------------------
// Item 19: authenticator code attempts are limited per account.

#[tokio::test]
async fn item19_after_the_allowed_wrong_codes_even_the_right_code_gets_429_until_the_window_passes()
{
    let app = TestApp::new().await;
    let email = "totp.limit@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    // Confirming the enrolment was itself an attempt; start from a fresh window.
    app.clock.advance(TOTP_ATTEMPTS.window_secs + 30);
    let now = app.clock.now();
    let wrong = wrong_code(&secret, now);

    // The wrong codes come from two sessions (two devices): the count is the account's, not the
    // session's.
    let first = password_step(&app, email, "203.0.113.41").await;
    let second = password_step(&app, email, "203.0.113.42").await;
    for i in 1..=TOTP_ATTEMPTS.max {
        let (cookie, ip) = if i % 2 == 1 {
            (&first, "203.0.113.41")
        } else {
            (&second, "203.0.113.42")
        };
        let response = app.send(verify_totp(cookie, &wrong, ip)).await;
        assert_eq!(
            response.status, 422,
            "wrong code {i} of the {} allowed must be refused as wrong, not throttled: {response:?}",
            TOTP_ATTEMPTS.max
        );
        assert_eq!(
            field_message(&response)["Mfa"],
            "CodeInvalid",
            "wrong code {i}"
        );
    }

    let correct = totp_at(&secret, now);
    let refused = app
        .send(verify_totp(&first, &correct, "203.0.113.41"))
        .await;
    let wait = retry_after(
        &refused,
        "the correct code after the allowance of wrong codes",
    );
    assert!(
        wait <= TOTP_ATTEMPTS.window_secs,
        "Retry-After {wait} s is longer than the {} s window",
        TOTP_ATTEMPTS.window_secs
    );
    assert!(
        refused.session_cookie().is_none(),
        "a throttled code attempt must not sign in"
    );
    assert_eq!(
        app.profile_status(&first).await,
        401,
        "the throttled session is not signed in"
    );

    // A new session (password again, another address) does not reset the account's count.
    let third = password_step(&app, email, "203.0.113.43").await;
    retry_after(
        &app.send(verify_totp(&third, &correct, "203.0.113.43"))
            .await,
        "the correct code in a fresh session during the window",
    );

    // One second before Retry-After runs out, still refused.
    app.clock.advance(wait - 1);
    let fourth = password_step(&app, email, "203.0.113.44").await;
    let early = app
        .send(verify_totp(
            &fourth,
            &totp_at(&secret, app.clock.now()),
            "203.0.113.44",
        ))
        .await;
    retry_after(&early, "one second before the window ends");

    // When Retry-After has passed, the correct code signs in.
    app.clock.advance(1);
    let fifth = password_step(&app, email, "203.0.113.45").await;
    let accepted = app
        .send(verify_totp(
            &fifth,
            &totp_at(&secret, app.clock.now()),
            "203.0.113.45",
        ))
        .await;
    assert_eq!(
        accepted.status, 200,
        "after Retry-After the correct code must be accepted: {accepted:?}"
    );
    let signed_in = accepted
        .session_cookie()
        .expect("a signed-in session after the window");
    assert_eq!(
        app.profile_status(&signed_in).await,
        200,
        "signed in after the window"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 14: one TOTP code, two simultaneous sessions.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item14_two_sessions_submitting_one_code_at_the_same_moment_sign_in_exactly_once() {
    let app = TestApp::new().await;
    let email = "race@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    // Each round spends two code attempts; rounds are a whole TOTP window apart (31 steps) so the
    // per-account attempt limit never interferes and every round uses a fresh step.
    let round_secs = 30 * (TOTP_ATTEMPTS.window_secs / 30 + 1);

    for round in 1..=20 {
        app.clock.advance(round_secs);
        let ip_a = format!("10.30.{round}.1");
        let ip_b = format!("10.30.{round}.2");
        let cookie_a = password_step(&app, email, &ip_a).await;
        let cookie_b = password_step(&app, email, &ip_b).await;
        let code = totp_at(&secret, app.clock.now());

        let start = Arc::new(tokio::sync::Barrier::new(2));
        let submit = |cookie: String, ip: String| {
            let app = app.clone();
            let code = code.clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                app.send(verify_totp(&cookie, &code, &ip)).await
            })
        };
        let (a, b) = tokio::join!(
            submit(cookie_a.clone(), ip_a),
            submit(cookie_b.clone(), ip_b)
        );
        let (a, b) = (a.expect("request A ran"), b.expect("request B ran"));

        let successes = [&a, &b].iter().filter(|r| r.status == 200).count();
        assert_eq!(
            successes, 1,
            "round {round}: exactly one of two simultaneous uses of code {code} must succeed\n\
             A: {a:?}\nB: {b:?}"
        );
        let (winner, winner_old, loser, loser_cookie) = if a.status == 200 {
            (&a, &cookie_a, &b, &cookie_b)
        } else {
            (&b, &cookie_b, &a, &cookie_a)
        };
        assert_eq!(
            loser.status, 422,
            "round {round}: the second use must be refused as a validation error: {loser:?}"
        );
        assert_eq!(
            field_message(loser)["Mfa"],
            "CodeReused",
            "round {round}: the refusal says the code was already used"
        );
        assert!(
            loser.session_cookie().is_none(),
            "round {round}: the refused session must not get a new session cookie"
        );
        let signed_in = winner
            .session_cookie()
            .unwrap_or_else(|| panic!("round {round}: the winner gets a session: {winner:?}"));
        assert_ne!(&signed_in, winner_old, "round {round}: session id rotated");
        assert_eq!(
            app.profile_status(&signed_in).await,
            200,
            "round {round}: the winner is signed in"
        );
        assert_eq!(
            app.profile_status(loser_cookie).await,
            401,
            "round {round}: the loser is not signed in"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Item 11: per-address limits on registration and on live password checks.

#[tokio::test]
async fn item11_registrations_past_the_per_address_limit_get_429_while_other_addresses_are_served()
{
    let app = TestApp::new().await;
    let ip = "198.51.100.77";
    let register = |n: usize, ip: &str| {
        Req::api(
            "register",
            &registration_form(&format!("newcomer{n}@example.com"), PASSWORD),
        )
        .from_ip(ip)
    };
    for n in 1..=REGISTER_PER_IP.max as usize {
        let response = app.send(register(n, ip)).await;
        assert!(
            response.status.is_success(),
            "registration {n} of the {} allowed per address must succeed: {response:?}",
            REGISTER_PER_IP.max
        );
    }
    assert_eq!(app.count("registrations").await, REGISTER_PER_IP.max);

    let over = app.send(register(1000, ip)).await;
    let wait = retry_after(&over, "the registration past the per-address limit");
    assert!(
        wait <= REGISTER_PER_IP.window_secs,
        "Retry-After {wait} s is longer than the {} s window",
        REGISTER_PER_IP.window_secs
    );
    assert_eq!(
        app.count("registrations").await,
        REGISTER_PER_IP.max,
        "a throttled registration creates no registration"
    );

    let elsewhere = app.send(register(1001, "198.51.100.78")).await;
    assert!(
        elsewhere.status.is_success(),
        "another address is still served: {elsewhere:?}"
    );

    // A window, not a ban.
    app.clock.advance(wait);
    let later = app.send(register(1002, ip)).await;
    assert!(
        later.status.is_success(),
        "the first address is served again after Retry-After: {later:?}"
    );
}

#[tokio::test]
async fn item11_the_per_address_registration_allowance_follows_the_setting() {
    let app = TestApp::with_policy(Policy {
        registrations_per_hour: 3,
        ..test_policy()
    })
    .await;
    for n in 1..=3 {
        let response = app
            .send(
                Req::api(
                    "register",
                    &registration_form(&format!("setting{n}@example.com"), PASSWORD),
                )
                .from_ip("198.51.100.90"),
            )
            .await;
        assert!(
            response.status.is_success(),
            "registration {n}: {response:?}"
        );
    }
    let over = app
        .send(
            Req::api(
                "register",
                &registration_form("setting4@example.com", PASSWORD),
            )
            .from_ip("198.51.100.90"),
        )
        .await;
    retry_after(&over, "the fourth registration with an allowance of three");
    assert_eq!(app.count("registrations").await, 3);
}

#[tokio::test]
async fn item11_live_password_checks_past_the_per_address_limit_get_429_while_other_addresses_are_served(
) {
    let app = TestApp::new().await;
    let ip = "198.51.100.88";
    // A too-short password: the check stops at the length rule, so each request is cheap.
    let check =
        |ip: &str| Req::api("check_password", &[("password", "short"), ("email", "")]).from_ip(ip);
    for i in 1..=PASSWORD_CHECKS_PER_IP.max {
        let response = app.send(check(ip)).await;
        assert_eq!(
            response.status, 200,
            "password check {i} of the {} allowed per address: {response:?}",
            PASSWORD_CHECKS_PER_IP.max
        );
    }
    let over = app.send(check(ip)).await;
    let wait = retry_after(&over, "the password check past the per-address limit");
    assert!(
        wait <= PASSWORD_CHECKS_PER_IP.window_secs,
        "Retry-After {wait} s is longer than the {} s window",
        PASSWORD_CHECKS_PER_IP.window_secs
    );

    let elsewhere = app.send(check("198.51.100.89")).await;
    assert_eq!(
        elsewhere.status, 200,
        "another address is unaffected: {elsewhere:?}"
    );
    assert_eq!(
        elsewhere.json()["problem"],
        "Your password must be at least 12 characters long.",
        "and gets real feedback, in words: {elsewhere:?}"
    );

    app.clock.advance(wait);
    assert_eq!(
        app.send(check(ip)).await.status,
        200,
        "the first address is served again after Retry-After"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 53: the language switch redirects only to local paths.

fn language_switch(lang: &str, return_to: &str) -> Req {
    Req {
        method: Method::POST,
        path: "/language".into(),
        form: vec![
            ("lang".into(), lang.into()),
            ("return_to".into(), return_to.into()),
        ],
        ..Req::api("", &[])
    }
}

#[tokio::test]
async fn item53_the_language_switch_returns_to_local_paths_only_and_sets_the_language_cookie() {
    let app = TestApp::new().await;
    for (return_to, expected) in [
        ("/profile?x=1", "/profile?x=1"),
        ("/sign-in", "/sign-in"),
        ("/", "/"),
        ("//evil.example", "/"),
        ("//evil.example/profile", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("https:evil.example", "/"),
        ("javascript:alert(1)", "/"),
        (" //evil.example", "/"),
        ("/\r\nSet-Cookie: stolen=1", "/"),
        ("", "/"),
    ] {
        for lang in ["es", "en"] {
            let response = app.send(language_switch(lang, return_to)).await;
            assert_eq!(
                response.status, 303,
                "lang={lang} return_to={return_to:?}: a redirect: {response:?}"
            );
            assert_eq!(
                response.header("location").as_deref(),
                Some(expected),
                "lang={lang} return_to={return_to:?}: Location must be the local path itself or /"
            );
            let cookies = response.set_cookies();
            assert!(
                cookies
                    .iter()
                    .any(|c| c.starts_with(&format!("caseport-lang={lang};"))),
                "lang={lang} return_to={return_to:?}: the language cookie is set: {cookies:?}"
            );
            assert!(
                !cookies.iter().any(|c| c.starts_with("stolen")),
                "return_to={return_to:?}: no header injection: {cookies:?}"
            );
        }
    }

    let unknown = app.send(language_switch("xx", "/profile")).await;
    assert_eq!(
        unknown.status, 422,
        "an unknown language is refused: {unknown:?}"
    );
    assert!(
        !unknown
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("caseport-lang=")),
        "no language cookie for an unknown language"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 46: the server refuses a database that is not durable.

#[tokio::test]
async fn item46_a_postgresql_database_with_synchronous_commit_off_is_refused_at_start() {
    let Some(admin_url) = postgres_admin_url() else {
        eprintln!(
            "item46 PostgreSQL refusal: skipped (CASEPORT_TEST_DATABASE_URL does not name a \
             PostgreSQL server)"
        );
        return;
    };
    let durable_url = create_postgres_database(&admin_url).await;
    let lax_url = format!("{durable_url}?options=-c%20synchronous_commit%3Doff");
    let data_dir = temp_dir("pg-durability");

    // The URL option really reaches the server, so the refusal below is about this setting.
    let lax = Db::connect(&lax_url).await.expect("connect with options");
    let report = lax.durability().await.expect("durability report");
    assert_eq!(
        report.get("synchronous_commit"),
        Some("off"),
        "the connection option must turn synchronous_commit off: {report:?}"
    );
    lax.pool.close().await;

    let error = server::open_database(&lax_url, &data_dir)
        .await
        .expect_err("a database with synchronous_commit off must be refused");
    assert!(
        error.to_string().contains("synchronous_commit"),
        "the refusal names the setting: {error}"
    );

    let db = server::open_database(&durable_url, &data_dir)
        .await
        .expect("the same database with PostgreSQL's durable defaults opens");
    db.pool.close().await;
}

fn sqlite_report(settings: &[(&str, &str)]) -> DurabilityReport {
    DurabilityReport {
        kind: DbKind::Sqlite,
        settings: settings
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

#[tokio::test]
async fn item46_the_durability_check_names_every_non_durable_sqlite_setting() {
    const DURABLE: [(&str, &str); 4] = [
        ("journal_mode", "wal"),
        ("synchronous", "2"),
        ("foreign_keys", "1"),
        ("busy_timeout", "5000"),
    ];
    const LAX: [(&str, &str); 4] = [
        ("journal_mode", "delete"),
        ("synchronous", "1"),
        ("foreign_keys", "0"),
        ("busy_timeout", "0"),
    ];
    assert!(
        sqlite_report(&DURABLE).problems().is_empty(),
        "the durable settings pass: {:?}",
        sqlite_report(&DURABLE).problems()
    );

    // Each non-durable setting alone is one problem, named with its value.
    for (name, value) in LAX {
        let settings: Vec<(&str, &str)> = DURABLE
            .iter()
            .map(|&(n, v)| if n == name { (n, value) } else { (n, v) })
            .collect();
        let problems = sqlite_report(&settings).problems();
        assert_eq!(
            problems.len(),
            1,
            "{name} = {value} alone is exactly one problem: {problems:?}"
        );
        assert!(
            problems[0].contains(name) && problems[0].contains(value),
            "the problem names {name} and its value {value}: {problems:?}"
        );
    }

    // All at once: every one is named.
    let problems = sqlite_report(&LAX).problems();
    assert_eq!(problems.len(), 4, "{problems:?}");
    for (name, value) in LAX {
        assert!(
            problems
                .iter()
                .any(|p| p.contains(name) && p.contains(value)),
            "{name} = {value} is named: {problems:?}"
        );
    }

    // A setting the engine did not report is a problem too, not a pass.
    assert_eq!(sqlite_report(&DURABLE[..3]).problems().len(), 1);
    assert_eq!(sqlite_report(&[]).problems().len(), 4);

    // PostgreSQL's synchronous_commit = off is named the same way.
    let postgres = DurabilityReport {
        kind: DbKind::Postgres,
        settings: vec![
            ("fsync".into(), "on".into()),
            ("synchronous_commit".into(), "off".into()),
            ("full_page_writes".into(), "on".into()),
        ],
    };
    let problems = postgres.problems();
    assert!(
        problems.len() == 1 && problems[0].contains("synchronous_commit"),
        "synchronous_commit = off is refused: {problems:?}"
    );

    // A freshly opened SQLite database (whatever CASEPORT_TEST_DATABASE_URL says) reports none,
    // and the start-up check accepts it.
    let dir = temp_dir("sqlite-durability");
    let url = format!("sqlite://{}", dir.join("fresh.db").display());
    let db = Db::connect(&url).await.expect("open SQLite");
    assert_eq!(db.kind, DbKind::Sqlite);
    let report = db.durability().await.expect("durability report");
    assert!(
        report.problems().is_empty(),
        "a fresh SQLite connection is durable: {report:?} {:?}",
        report.problems()
    );
    db.pool.close().await;
    server::open_database(&url, &dir)
        .await
        .expect("the start-up check accepts a fresh SQLite database")
        .pool
        .close()
        .await;
}

// ---------------------------------------------------------------------------------------------
// Item 54: readiness follows the database; liveness does not.

#[tokio::test]
async fn item54_readyz_answers_503_once_the_database_is_gone_while_healthz_stays_200() {
    let app = TestApp::new().await;
    let ready = app.send(Req::get("/readyz")).await;
    assert_eq!(
        ready.status, 200,
        "ready while the database answers: {ready:?}"
    );
    assert_eq!(app.send(Req::get("/healthz")).await.status, 200);

    app.state.db.pool.close().await;

    let gone = app.send(Req::get("/readyz")).await;
    assert_eq!(
        gone.status, 503,
        "/readyz must answer 503 when the database is unavailable: {gone:?}"
    );
    let health = app.send(Req::get("/healthz")).await;
    assert_eq!(
        health.status, 200,
        "/healthz (is the process alive) does not depend on the database: {health:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 55: the create-account command.

/// What one run of the `caseport` binary did.
struct Run {
    status: std::process::ExitStatus,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `caseport <args>` against `<dir>/x.db` with a clean environment and `stdin` as input.
async fn caseport(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_caseport"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("CASEPORT_ENVIRONMENT", "development")
        .env("CASEPORT_DATA_DIR", dir)
        .env(
            "CASEPORT_DATABASE_URL",
            format!("sqlite://{}", dir.join("x.db").display()),
        )
        // The key the test harness uses, so a TestApp can read the enrolled authenticator.
        .env("CASEPORT_MASTER_KEY", STANDARD.encode([42u8; 32]))
        .env("CASEPORT_LOG", "warn")
        .current_dir(dir)
        .arg("--config")
        .arg(dir.join("absent.toml"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the caseport binary");
    let mut input = child.stdin.take().expect("stdin");
    // A run refused for its arguments exits before reading stdin; the password then meets a closed
    // pipe, which is not the test's concern (the exit status and output below are).
    match input.write_all(stdin.as_bytes()).await {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("write the password"),
    }
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("caseport finished within two minutes")
        .expect("caseport ran");
    Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn role_of(db: &Db, email: &str) -> Option<String> {
    sqlx::query_scalar("SELECT role FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await
        .expect("query role")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item55_create_account_prints_a_valid_number_the_account_signs_in_and_bad_input_is_refused()
{
    let dir = temp_dir("create-account");
    let email = "admin.made@example.com";
    let secret = [7u8; 20];
    let secret_b32 = app::mfa::totp::base32(&secret);
    let line = format!("{PASSWORD}\n");

    let created = caseport(
        &dir,
        &[
            "create-account",
            "--email",
            email,
            "--password-stdin",
            "--totp-secret",
            &secret_b32,
        ],
        &line,
    )
    .await;
    assert!(
        created.status.success(),
        "create-account failed: {created:?}"
    );
    let number_re = regex::Regex::new(r"online account number (\d{4} \d{4} \d{4})\b").unwrap();
    let printed = number_re
        .captures(&created.stdout)
        .unwrap_or_else(|| panic!("no `1234 5678 9012` account number printed: {created:?}"))[1]
        .to_owned();
    let number = AccountNumber::parse(&printed)
        .unwrap_or_else(|| panic!("printed number {printed} fails its check digit"));
    assert_eq!(number.formatted(), printed, "printed in the 4-4-4 form");

    // The account signs in through the web application on the same database file.
    let db = Db::connect(&format!("sqlite://{}", dir.join("x.db").display()))
        .await
        .expect("open the command's database");
    db.migrate().await.expect("migrations are idempotent");
    let app = TestApp::with_db(db.clone(), test_policy()).await;
    let signed_in = app.sign_in(email, PASSWORD, &secret, 0).await;
    assert_eq!(
        signed_in.status, 200,
        "the created account signs in with password and authenticator: {signed_in:?}"
    );
    let cookie = signed_in.session_cookie().expect("signed-in session");
    let profile = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(profile.status, 200, "{profile:?}");
    assert_eq!(
        profile.json()["account_number"],
        number.digits(),
        "the profile shows the printed number"
    );
    assert_eq!(
        role_of(&db, email).await.as_deref(),
        Some("applicant"),
        "the default role"
    );

    let again = caseport(
        &dir,
        &["create-account", "--email", email, "--password-stdin"],
        &line,
    )
    .await;
    assert!(
        !again.status.success(),
        "a second account for the same email must fail: {again:?}"
    );
    assert!(
        again.stderr.contains("already exists"),
        "the failure says the account already exists: {again:?}"
    );
    assert_eq!(app.count("accounts").await, 1, "no second account");

    let bad_role = caseport(
        &dir,
        &[
            "create-account",
            "--email",
            "wizard@example.com",
            "--password-stdin",
            "--role",
            "wizard",
        ],
        &line,
    )
    .await;
    assert!(
        !bad_role.status.success(),
        "an unknown role must be refused: {bad_role:?}"
    );
    assert!(
        bad_role.stderr.contains("--role"),
        "the refusal names the --role option: {bad_role:?}"
    );
    assert_eq!(role_of(&db, "wizard@example.com").await, None);

    let short = caseport(
        &dir,
        &[
            "create-account",
            "--email",
            "short.pw@example.com",
            "--password-stdin",
        ],
        "short pw\n",
    )
    .await;
    assert!(
        !short.status.success(),
        "a too-short password must be refused: {short:?}"
    );
    let expected = AccountsMsg::PasswordTooShort { min: 12 }.text(Locale::En);
    assert!(
        short.stderr.contains(&expected),
        "the refusal gives the password rule ({expected:?}): {short:?}"
    );
    assert_eq!(role_of(&db, "short.pw@example.com").await, None);

    let officer = caseport(
        &dir,
        &[
            "create-account",
            "--email",
            "officer@example.com",
            "--password-stdin",
            "--role",
            "officer",
        ],
        &line,
    )
    .await;
    assert!(officer.status.success(), "{officer:?}");
    assert_eq!(
        role_of(&db, "officer@example.com").await.as_deref(),
        Some("officer"),
        "--role officer stores the officer role"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 56: the page language honours Accept-Language quality values; the cookie wins.

async fn page_lang(app: &TestApp, accept_language: &str, cookie: Option<&str>) -> String {
    let mut request = Req::get("/sign-in").header("accept-language", accept_language);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let page = app.send(request).await;
    assert_eq!(page.status, 200, "GET /sign-in: {page:?}");
    let re = regex::Regex::new(r#"<html[^>]*\blang="([^"]*)""#).unwrap();
    re.captures(&page.body)
        .unwrap_or_else(|| panic!("no <html lang=...> in the page: {}", page.body))[1]
        .to_owned()
}

#[tokio::test]
async fn item56_the_page_language_follows_accept_language_quality_values_and_the_cookie_wins() {
    let app = TestApp::new().await;
    for (header, expected) in [
        ("es;q=0, en;q=0.5", "en"),
        ("es-MX;q=0.9, en;q=0.8", "es"),
        ("fr, es;q=0.4", "es"),
        ("en", "en"),
        ("es", "es"),
    ] {
        assert_eq!(
            page_lang(&app, header, None).await,
            expected,
            "Accept-Language: {header}"
        );
    }
    assert_eq!(
        page_lang(&app, "en", Some("caseport-lang=es")).await,
        "es",
        "the caseport-lang cookie wins over Accept-Language"
    );
    assert_eq!(
        page_lang(&app, "es-MX, es;q=0.9", Some("caseport-lang=en")).await,
        "en",
        "the caseport-lang cookie wins over Accept-Language"
    );
}

#[tokio::test]
async fn item56_a_language_refused_with_q_0_is_never_chosen() {
    // RFC 9110 §12.4.2: q=0 means "not acceptable". With nothing else supported the page must
    // fall back to English, never to the refused Spanish.
    let app = TestApp::new().await;
    let mut wrong = Vec::new();
    for header in [
        "es;q=0",
        "fr, es;q=0",
        "es-MX;q=0, fr",
        "es;q=0.0, de;q=0.5",
    ] {
        let lang = page_lang(&app, header, None).await;
        if lang != "en" {
            wrong.push(format!(
                "Accept-Language: {header:?} gave <html lang={lang:?}> \
                 (Locale::from_accept_language -> {:?})",
                Locale::from_accept_language(header)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "Spanish explicitly refused with q=0 must not be chosen; English expected:\n{}",
        wrong.join("\n")
    );
}
