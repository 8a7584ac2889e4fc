//! Registration, email verification, sign-in and Profile over HTTP (SECURITY.md items 1–4, 7, 8).

use crate::support::*;
use app::{accounts::model::AccountNumber, infra::rate_limit};

fn error_of(response: &TestResponse) -> serde_json::Value {
    response.json()
}

#[tokio::test]
async fn the_whole_journey_reaches_a_profile_with_a_valid_account_number() {
    let app = TestApp::new().await;
    let (cookie, secret) = app.signed_up("ana@example.com", PASSWORD).await;
    let profile = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(profile.status, 200, "{profile:?}");
    let body = profile.json();
    assert_eq!(body["email"], "ana@example.com");
    let number = body["account_number"].as_str().unwrap();
    assert!(AccountNumber::parse(number).is_some(), "{number}");
    let again = app
        .send(Req::api("get_profile", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(
        again.json()["account_number"],
        body["account_number"],
        "same number on every visit"
    );

    let page = app.send(Req::get("/profile").cookie(Some(&cookie))).await;
    assert_eq!(page.status, 200);
    let formatted = AccountNumber::parse(number).unwrap().formatted();
    assert!(
        page.body.contains(&formatted),
        "Profile page shows {formatted}"
    );

    let signed_out = app
        .send(Req::api("sign_out", &[]).cookie(Some(&cookie)))
        .await;
    assert!(signed_out.status.is_success());
    app.clock.advance(30);
    let signed_in = app.sign_in("ana@example.com", PASSWORD, &secret, 0).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let cookie = signed_in.session_cookie().unwrap();
    assert_eq!(app.profile_status(&cookie).await, 200);
}

#[tokio::test]
async fn account_pages_without_a_session_redirect_to_sign_in() {
    let app = TestApp::new().await;
    for path in [
        "/account",
        "/profile",
        "/cases/00000000000000000000000000000000",
        "/account/add-case",
        "/notifications",
        "/officer/filings/new",
        "/support",
        "/officer/staff",
        "/setup-authenticator",
        "/sign-in/code",
        "/verify-email",
    ] {
        let page = app.send(Req::get(path)).await;
        assert_eq!(page.status, 302, "{path}");
        assert_eq!(
            page.header("location").as_deref(),
            Some("/sign-in"),
            "{path}"
        );
    }
    assert_eq!(app.send(Req::api("get_profile", &[])).await.status, 401);
}

#[tokio::test]
async fn passwords_shorter_than_12_code_points_are_rejected_and_12_are_accepted() {
    let app = TestApp::new().await;
    for (i, short) in ["abcdefghijk", &"😀".repeat(11), &"漢".repeat(11)]
        .iter()
        .enumerate()
    {
        let response = app.register(&format!("short{i}@example.com"), short).await;
        assert_eq!(response.status, 422, "{short}");
        assert_eq!(
            error_of(&response)["Validation"]["field_errors"][0]["message"]["Accounts"]
                ["PasswordTooShort"]["min"],
            12
        );
    }
    for (i, ok) in [
        "qhzrtwnbvkxm",
        "🦀🌵🍋🐙🎈🧭🪁🥑🦉🌊🍄🎲",
        "漢字仮名交じり文章ですね",
    ]
    .iter()
    .enumerate()
    {
        let response = app.register(&format!("ok{i}@example.com"), ok).await;
        assert_eq!(response.status, 200, "{ok}: {response:?}");
    }
}

#[tokio::test]
async fn passwords_of_64_and_128_characters_work_and_129_is_rejected_without_truncation() {
    let app = TestApp::new().await;
    let long: String = "Zq7!".repeat(32);
    assert_eq!(long.chars().count(), 128);
    let (_, secret) = app.signed_up("long@example.com", &long).await;
    let sixty_four = &long[..64];
    assert!(app
        .register("mid@example.com", sixty_four)
        .await
        .status
        .is_success());

    let too_long = format!("{long}x");
    let response = app.register("toolong@example.com", &too_long).await;
    assert_eq!(response.status, 422);
    assert_eq!(
        error_of(&response)["Validation"]["field_errors"][0]["message"]["Accounts"]
            ["PasswordTooLong"]["max"],
        128
    );

    app.clock.advance(30);
    let minus_last = &long[..127];
    assert_eq!(
        app.sign_in("long@example.com", minus_last, &secret, 0)
            .await
            .status,
        401
    );
    let flipped = format!("z{}", &long[1..]);
    assert_eq!(
        app.sign_in("long@example.com", &flipped, &secret, 0)
            .await
            .status,
        401
    );
    assert_eq!(
        app.sign_in("long@example.com", &long, &secret, 0)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn no_composition_rules_blocklisted_and_context_passwords_are_rejected_with_a_reason() {
    let app = TestApp::new().await;
    assert_eq!(
        app.register("lower@example.com", "qhzrtwnbvkxmplsdfgjy")
            .await
            .status,
        200
    );
    assert_eq!(
        app.register("spaces@example.com", &" ".repeat(15))
            .await
            .status,
        200
    );
    let common = app.register("common@example.com", "1qaz2wsx3edc").await;
    assert_eq!(common.status, 422);
    assert_eq!(
        error_of(&common)["Validation"]["field_errors"][0]["message"]["Accounts"],
        "PasswordCommon"
    );
    let context = app
        .register("maria.lopez@example.com", "MariaLopez2026")
        .await;
    assert_eq!(context.status, 422);
    assert_eq!(
        error_of(&context)["Validation"]["field_errors"][0]["message"]["Accounts"],
        "PasswordContext"
    );
    let service = app
        .register("someone@example.com", "USCIS USCIS 2026")
        .await;
    assert_eq!(
        error_of(&service)["Validation"]["field_errors"][0]["message"]["Accounts"],
        "PasswordContext"
    );
    assert_eq!(
        app.count("registrations").await,
        2,
        "rejected registrations change nothing"
    );
}

#[tokio::test]
async fn malformed_input_is_rejected_field_by_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let mut form = registration_form("not-an-email", PASSWORD);
    form[4] = ("answer1", "");
    form[5] = ("question2", "first_school");
    let response = app.send(Req::api("register", &form)).await;
    assert_eq!(response.status, 422);
    let fields: Vec<String> = error_of(&response)["Validation"]["field_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["email", "answer1", "question2"]);
    let mismatch = app
        .send(Req::api("register", &{
            let mut f = registration_form("x@example.com", PASSWORD);
            f[2] = ("password_confirmation", "something else entirely");
            f
        }))
        .await;
    assert_eq!(
        error_of(&mismatch)["Validation"]["field_errors"][0]["field"],
        "password_confirmation"
    );
    let missing = app
        .send(Req::api("register", &[("email", "x@example.com")]))
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(app.count("accounts").await, 0);
}

#[tokio::test]
async fn security_answers_are_stored_only_as_argon2id_hashes_and_the_schema_has_no_hint() {
    let app = TestApp::new().await;
    app.register("waiting@example.com", PASSWORD).await;
    let (pending,): (String,) = sqlx::query_as("SELECT answers FROM registrations")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let pending: Vec<(String, String)> = serde_json::from_str(&pending).unwrap();
    assert_eq!(pending.len(), 3);
    for (_, hash) in &pending {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
    }
    assert!(!pending
        .iter()
        .any(|(_, h)| h.to_lowercase().contains("oaxaca")));
    app.signed_up("answers@example.com", PASSWORD).await;
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT answer_hash FROM security_answers")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 3);
    for (hash,) in hashes {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.to_lowercase().contains("oaxaca"));
    }
    let columns = schema_columns(&app).await;
    assert!(!columns.iter().any(|c| c.contains("hint")), "{columns:?}");
}

async fn schema_columns(app: &TestApp) -> Vec<String> {
    let sql = match app.state.db.kind {
        app::infra::db::DbKind::Sqlite => "SELECT name FROM pragma_table_info('accounts') UNION ALL SELECT name FROM pragma_table_info('security_answers')",
        app::infra::db::DbKind::Postgres => "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public'",
    };
    sqlx::query_as::<_, (String,)>(sql)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(c,)| c)
        .collect()
}

#[tokio::test]
async fn password_hashes_are_argon2id_with_owasp_parameters_and_weak_ones_are_upgraded_at_sign_in()
{
    let app = TestApp::new().await;
    let (_, secret) = app.signed_up("hash@example.com", PASSWORD).await;
    let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM accounts")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let re = regex::Regex::new(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$")
        .unwrap();
    let caps = re.captures(&hash).expect("PHC string");
    assert!(
        caps[1].parse::<u32>().unwrap() >= 19456
            && caps[2].parse::<u32>().unwrap() >= 2
            && caps[3].parse::<u32>().unwrap() >= 1
    );
    assert!(caps[4].len() * 6 / 8 >= 16, "salt of at least 16 bytes");

    let weak = app::infra::passwords::hash_with_params(PASSWORD, 4096, 1, 1);
    sqlx::query("UPDATE accounts SET password_hash = $1")
        .bind(&weak)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    app.clock.advance(30);
    assert_eq!(
        app.sign_in("hash@example.com", PASSWORD, &secret, 0)
            .await
            .status,
        200
    );
    let (upgraded,): (String,) = sqlx::query_as("SELECT password_hash FROM accounts")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_ne!(upgraded, weak);
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{upgraded}"
    );
}

#[tokio::test]
async fn registering_an_existing_email_answers_the_same_and_emails_the_owner_instead() {
    let app = TestApp::new().await;
    app.signed_up("owner@example.com", PASSWORD).await;
    let mails_before = app.wait_for_mails(1).await.len();
    let fresh = app.register("newcomer@example.com", PASSWORD).await;
    let existing = app
        .register("owner@example.com", "a different long password")
        .await;
    assert_eq!(fresh.status, existing.status);
    assert_eq!(fresh.body, existing.body);
    assert_eq!(fresh.header("location"), existing.header("location"));
    assert!(existing.session_cookie().is_some());
    let mails = app.wait_for_mails(mails_before + 2).await;
    let notice = mails
        .iter()
        .find(|m| m.contains("To: owner@example.com") && m.contains("already has an account"))
        .expect("the owner is told instead of being sent a code");
    assert!(!notice.contains("verification code is"), "{notice}");
    assert_eq!(app.count("accounts").await, 1);
    let code = app.latest_code_for("owner@example.com").await;
    let verify = app
        .send(Req::verify_email(&code).cookie(existing.session_cookie().as_deref()))
        .await;
    assert_eq!(
        verify.status, 422,
        "the second registrant cannot use the owner's old code"
    );
    let still = app.send(Req::sign_in("owner@example.com", PASSWORD)).await;
    assert_eq!(still.status, 200, "the owner's password is unchanged");
}

#[tokio::test]
async fn unknown_email_and_wrong_password_give_the_same_answer_in_the_same_time() {
    let app = TestApp::with_policy(app::infra::state::Policy {
        rate_limits: false,
        ..test_policy()
    })
    .await;
    app.signed_up("known@example.com", PASSWORD).await;
    let attempt = |email: &'static str| Req::sign_in(email, "not the right password");
    let known = app.send(attempt("known@example.com")).await;
    let unknown = app.send(attempt("nobody@example.com")).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert_eq!(known.status, 401);

    alone(async {
        let trials = 200;
        let mut known_times = Vec::new();
        let mut unknown_times = Vec::new();
        for trial in 0..trials {
            let mut order = [
                ("known@example.com", &mut known_times),
                ("nobody@example.com", &mut unknown_times),
            ];
            if trial % 2 == 1 {
                order.reverse();
            }
            for (email, times) in order {
                let started = std::time::Instant::now();
                let response = app.send(attempt(email)).await;
                times.push(started.elapsed().as_secs_f64());
                assert_eq!(response.status, 401);
            }
        }
        assert_same_median_time(&mut known_times, &mut unknown_times);
    })
    .await;
}

#[tokio::test]
async fn email_codes_expire_after_ten_minutes_are_single_use_and_a_resend_replaces_them() {
    let app = TestApp::new().await;
    let registered = app.register("codes@example.com", PASSWORD).await;
    let cookie = registered.session_cookie().unwrap();
    let first = app.latest_code_for("codes@example.com").await;
    let resent = app
        .send(Req::api("resend_verification_code", &[]).cookie(Some(&cookie)))
        .await;
    assert!(resent.status.is_success(), "{resent:?}");
    app.wait_for_mails(2).await;
    let second = app.latest_code_for("codes@example.com").await;
    if first != second {
        let old = app
            .send(Req::verify_email(&first).cookie(Some(&cookie)))
            .await;
        assert_eq!(old.status, 422, "the replaced code no longer works");
    }
    app.clock.advance(10 * 60 + 1);
    let expired = app
        .send(Req::verify_email(&second).cookie(Some(&cookie)))
        .await;
    assert_eq!(expired.status, 422, "expired after ten minutes");
    assert_eq!(
        expired.json()["Validation"]["field_errors"][0]["message"]["Accounts"],
        "CodeInvalid"
    );
    let stored: Vec<(String,)> = sqlx::query_as("SELECT code_hash FROM email_codes")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert!(
        stored
            .iter()
            .all(|(hash,)| hash.len() == 64 && *hash != second),
        "only keyed hashes are stored"
    );
}

#[tokio::test]
async fn a_wrong_reused_or_malformed_verification_code_is_refused() {
    let app = TestApp::new().await;
    let registered = app.register("verify@example.com", PASSWORD).await;
    let cookie = registered.session_cookie().unwrap();
    let code = app.latest_code_for("verify@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        app.send(Req::verify_email(wrong).cookie(Some(&cookie)))
            .await
            .status,
        422
    );
    let malformed = app
        .send(Req::verify_email("12ab").cookie(Some(&cookie)))
        .await;
    assert_eq!(
        malformed.json()["Validation"]["field_errors"][0]["message"]["Accounts"],
        "CodeFormat"
    );
    let ok = app
        .send(Req::verify_email(&code).cookie(Some(&cookie)))
        .await;
    assert_eq!(ok.status, 200);
    let reused = app
        .send(Req::verify_email(&code).cookie(ok.session_cookie().as_deref()))
        .await;
    assert_eq!(
        reused.status, 401,
        "the session has moved on; the code cannot be used again"
    );
}

#[tokio::test]
async fn account_numbers_are_unique_by_database_constraint() {
    let app = TestApp::new().await;
    app.signed_up("one@example.com", PASSWORD).await;
    let (number,): (String,) = sqlx::query_as("SELECT account_number FROM accounts")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let duplicate = sqlx::query(
        "INSERT INTO accounts (id, email, password_hash, account_number, created_at, updated_at) VALUES ('x', 'two@example.com', 'h', $1, 0, 0)",
    )
    .bind(&number)
    .execute(&app.state.db.pool)
    .await;
    assert!(app::infra::db::is_unique_violation(&duplicate.unwrap_err()));
}

#[tokio::test]
async fn repeated_registrations_for_an_existing_email_cannot_flood_its_owner() {
    let app = TestApp::new().await;
    app.signed_up("flooded@example.com", PASSWORD).await;
    let mails_before = app.wait_for_mails(1).await.len();
    // The owner's own registration used one send; start from a fresh window.
    app.clock
        .advance(rate_limit::EMAIL_CODE_SENDS.window_secs + 1);
    let mut existing = Vec::new();
    let mut fresh = Vec::new();
    for n in 1..8 {
        let password = format!("another long password {n}");
        let response = app.register("flooded@example.com", &password).await;
        existing.push((response.status, response.body));
        let response = app.register("never.seen@example.com", &password).await;
        fresh.push((response.status, response.body));
    }
    assert_eq!(
        existing, fresh,
        "a known and an unknown address get the same answers, limit included"
    );
    assert!(
        existing.iter().any(|(status, _)| *status == 429),
        "the sends are limited: {existing:?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let to_owner = app.mails()[mails_before..]
        .iter()
        .filter(|m| m.contains("To: flooded@example.com"))
        .count();
    assert_eq!(
        to_owner,
        rate_limit::EMAIL_CODE_SENDS.max as usize,
        "at most the send limit of notices in ten minutes"
    );
}

#[tokio::test]
async fn the_password_hint_states_the_configured_limits() {
    let app = TestApp::with_policy(app::infra::state::Policy {
        password: app::accounts::model::PasswordRules {
            min_len: 14,
            max_len: 100,
        },
        ..test_policy()
    })
    .await;
    let page = app.send(Req::get("/register")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Use 14 to 100 characters."),
        "the hint follows the policy"
    );
    let spanish = app
        .send(Req::get("/register").header("accept-language", "es"))
        .await;
    assert!(spanish.body.contains("Use de 14 a 100 caracteres."));
}
