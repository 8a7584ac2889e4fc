//! Backup codes, confirming it is you before sensitive changes, the second-step method list and
//! the account history, over HTTP (SECURITY.md items 21, 25, 32, 33, 45) and in the store on both
//! databases.

use crate::support::*;
use app::accounts::history::{self, Cursor, NewEvent, Origin};
use app::accounts::model::AccountEventKind;
use app::infra::clock::Clock;

/// Signs `email` up; returns (signed-in cookie, TOTP secret). The sign-in is fresh, so changes are
/// allowed at once.
async fn member(app: &TestApp, email: &str) -> (String, Vec<u8>) {
    app.signed_up(email, PASSWORD).await
}

/// Makes a new set of backup codes in the session `cookie` and reads it back.
async fn make_codes(app: &TestApp, cookie: &str) -> Vec<String> {
    let made = app
        .send(Req::api("generate_backup_codes", &[]).cookie(Some(cookie)))
        .await;
    assert_eq!(made.status, 200, "generate: {made:?}");
    let shown = app
        .send(Req::api("get_new_backup_codes", &[]).cookie(Some(cookie)))
        .await;
    assert_eq!(shown.status, 200, "show: {shown:?}");
    shown.json()["codes"]
        .as_array()
        .expect("codes shown once")
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

/// The password step; returns its session cookie.
async fn password_step(app: &TestApp, email: &str) -> String {
    let response = app.send(Req::sign_in(email, PASSWORD)).await;
    assert_eq!(response.status, 200, "password: {response:?}");
    response.session_cookie().expect("cookie after password")
}

/// The second step with a backup code in the session `cookie`.
async fn backup_step(app: &TestApp, cookie: &str, code: &str) -> TestResponse {
    app.send(Req::api("verify_backup_code", &[("code", code)]).cookie(Some(cookie)))
        .await
}

/// The stored kinds of the account's history, newest first.
async fn history_kinds(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT kind FROM account_events WHERE account_id = $1 ORDER BY occurred_at DESC, id DESC",
    )
    .bind(app.account_id(email).await)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

fn field_error(response: &TestResponse) -> String {
    response.body.clone()
}

#[tokio::test]
async fn item21_ten_codes_of_80_bits_stored_as_argon2id_hashes_each_usable_once_and_notified() {
    let app = TestApp::new().await;
    let email = "codes@example.com";
    let (cookie, _) = member(&app, email).await;
    let codes = make_codes(&app, &cookie).await;
    assert_eq!(codes.len(), 10);
    for code in &codes {
        let chars: String = code.chars().filter(|c| *c != '-').collect();
        assert!(
            chars.len() >= 13,
            "{code}: at least 13 Base32 characters (64 bits)"
        );
    }

    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT lookup, code_hash FROM backup_codes WHERE account_id = $1")
            .bind(app.account_id(email).await)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 10);
    let phc = regex::Regex::new(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$").unwrap();
    let mut salts = Vec::new();
    for (lookup, hash) in &stored {
        assert!(phc.is_match(hash), "not argon2id: {hash}");
        salts.push(hash.split('$').nth(4).unwrap().to_owned());
        for code in &codes {
            let plain: String = code.chars().filter(|c| *c != '-').collect();
            assert!(!hash.contains(&plain) && !lookup.contains(&plain));
        }
    }
    salts.sort();
    salts.dedup();
    assert_eq!(salts.len(), 10, "a salt per code");
    let reveal: Vec<u8> = sqlx::query_scalar("SELECT ciphertext FROM backup_code_reveals")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let plain: String = codes[0].chars().filter(|c| *c != '-').collect();
    assert!(
        !String::from_utf8_lossy(&reveal).contains(&plain),
        "the codes waiting to be shown are encrypted"
    );

    // Signing in with a code, typed in lower case with spaces, works once.
    let typed = codes[3].to_lowercase().replace('-', " ");
    let signing_in = password_step(&app, email).await;
    let signed_in = backup_step(&app, &signing_in, &typed).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let session = signed_in.session_cookie().expect("signed in");
    assert_eq!(app.step_of(Some(&session)).await, "SignedIn");
    let notice = app
        .wait_for_mail_to(email, "A backup code was used")
        .await
        .replace("=\r\n", "")
        .replace("=\n", "");
    assert!(notice.contains("9 unused"), "{notice}");

    let again = password_step(&app, email).await;
    let reused = backup_step(&app, &again, &codes[3]).await;
    assert_eq!(reused.status, 422, "{reused:?}");
    assert!(
        field_error(&reused).contains("BackupCodeUsed"),
        "{reused:?}"
    );
    assert_eq!(app.step_of(Some(&again)).await, "AwaitingSecondFactor");

    let wrong = backup_step(&app, &again, "ABCD-EFGH-JKMN-PQRS").await;
    assert_eq!(wrong.status, 422);
    assert!(
        field_error(&wrong).contains("BackupCodeInvalid"),
        "{wrong:?}"
    );
    let malformed = backup_step(&app, &again, "123456").await;
    assert_eq!(malformed.status, 422);
    assert_eq!(app.step_of(Some(&again)).await, "AwaitingSecondFactor");
}

#[tokio::test]
async fn item21_making_a_new_set_stops_every_old_code_and_signs_out_other_sessions() {
    let app = TestApp::new().await;
    let email = "regenerate@example.com";
    let (first_session, secret) = member(&app, email).await;
    let old = make_codes(&app, &first_session).await;
    app.clock.advance(30);
    let other = app.sign_in(email, PASSWORD, &secret, 0).await;
    let other = other.session_cookie().expect("second session");
    let new = make_codes(&app, &other).await;
    assert!(new.iter().all(|code| !old.contains(code)));
    assert_eq!(
        app.profile_status(&first_session).await,
        401,
        "item 32: the other session ended"
    );
    app.wait_for_mail_to(email, "New backup codes were made")
        .await;
    for code in &old {
        let signing_in = password_step(&app, email).await;
        let refused = backup_step(&app, &signing_in, code).await;
        assert_eq!(refused.status, 422, "old code {code} still works");
        app.clock.advance(1);
        // Each refusal counts against the shared second-step allowance; start afresh.
        sqlx::query("DELETE FROM rate_limits")
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }
    let signing_in = password_step(&app, email).await;
    assert_eq!(backup_step(&app, &signing_in, &new[9]).await.status, 200);
}

#[tokio::test]
async fn new_codes_are_shown_only_to_the_session_that_made_them_and_only_until_saved() {
    let app = TestApp::new().await;
    let email = "reveal@example.com";
    let (cookie, _) = member(&app, email).await;
    let codes = make_codes(&app, &cookie).await;
    let again = app
        .send(Req::api("get_new_backup_codes", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(again.json()["codes"].as_array().unwrap().len(), codes.len());
    let text = again.json()["text_file"].as_str().unwrap().to_owned();
    assert!(text.contains(&codes[0]) && text.contains("10. "), "{text}");

    let saved = app
        .send(Req::api("acknowledge_backup_codes", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(saved.status, 200, "{saved:?}");
    let gone = app
        .send(Req::api("get_new_backup_codes", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(gone.status, 200);
    assert!(gone.json().is_null(), "{gone:?}");
    assert_eq!(app.count("backup_code_reveals").await, 0);

    // A reveal also ends with its time, and with its session.
    let cookie = {
        make_codes(&app, &cookie).await;
        cookie
    };
    app.clock.advance(14 * 60);
    assert_eq!(app.profile_status(&cookie).await, 200);
    app.clock.advance(2 * 60);
    let expired = app
        .send(Req::api("get_new_backup_codes", &[]).cookie(Some(&cookie)))
        .await;
    assert!(expired.json().is_null(), "{expired:?}");
    let out = app
        .send(Req::api("sign_out", &[]).cookie(Some(&cookie)))
        .await;
    assert!(out.status.is_success() || out.status.is_redirection());
    assert_eq!(app.count("backup_code_reveals").await, 0);
}

#[tokio::test]
async fn item33_backup_codes_need_a_full_sign_in_within_20_minutes_then_reauth_allows_them() {
    let app = TestApp::new().await;
    let email = "reauth@example.com";
    let (cookie, secret) = member(&app, email).await;
    // Stay active (reads count) past the 20-minute window.
    app.outlast_recent_sign_in(&cookie).await;
    let refused = app
        .send(Req::api("generate_backup_codes", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(refused.status, 403, "{refused:?}");
    assert_eq!(refused.json(), serde_json::json!("reauth_required"));
    assert_eq!(app.count("backup_codes").await, 0, "nothing made");
    let overview = app
        .send(Req::api("get_security_overview", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(overview.json()["recently_authenticated"], false);

    // A wrong password or code changes nothing.
    let code = totp_at(&secret, app.clock.now());
    let wrong_password = app
        .send(
            Req::api(
                "reauthenticate",
                &[("password", "not the password at all"), ("code", &code)],
            )
            .cookie(Some(&cookie)),
        )
        .await;
    assert_eq!(wrong_password.status, 422, "{wrong_password:?}");
    assert!(wrong_password.body.contains("PasswordWrong"));
    let wrong_code = app
        .send(
            Req::api(
                "reauthenticate",
                &[("password", PASSWORD), ("code", "000000")],
            )
            .cookie(Some(&cookie)),
        )
        .await;
    assert_eq!(wrong_code.status, 422, "{wrong_code:?}");
    assert!(wrong_code.session_cookie().is_none());

    let confirmed = app
        .send(
            Req::api(
                "reauthenticate",
                &[
                    ("password", PASSWORD),
                    ("code", &code),
                    ("next", "//evil.example/account"),
                ],
            )
            .cookie(Some(&cookie)),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    let fresh = confirmed.session_cookie().expect("item 28: a new id");
    assert_ne!(fresh, cookie);
    assert_eq!(app.profile_status(&cookie).await, 401, "old id dead");
    let codes = make_codes(&app, &fresh).await;
    assert_eq!(codes.len(), 10);

    // Later, a backup code also confirms it is them (and is used up).
    app.outlast_recent_sign_in(&fresh).await;
    let with_backup = app
        .send(
            Req::api(
                "reauthenticate",
                &[("password", PASSWORD), ("code", &codes[0])],
            )
            .cookie(Some(&fresh)),
        )
        .await;
    assert_eq!(with_backup.status, 200, "{with_backup:?}");
    let kinds = history_kinds(&app, email).await;
    assert_eq!(kinds[0], "reauthenticated", "{kinds:?}");
    assert!(kinds.contains(&"backup_code_used".to_owned()));
}

#[tokio::test]
async fn a_session_part_way_through_sign_in_cannot_reach_the_security_functions() {
    let app = TestApp::new().await;
    let email = "partway@example.com";
    let (cookie, _) = member(&app, email).await;
    make_codes(&app, &cookie).await;
    let halfway = password_step(&app, email).await;
    let reauth_form = [("password", PASSWORD), ("code", "123456")];
    for (endpoint, form) in [
        ("get_security_overview", &[][..]),
        ("generate_backup_codes", &[]),
        ("get_new_backup_codes", &[]),
        ("acknowledge_backup_codes", &[]),
        ("reauthenticate", &reauth_form),
        ("get_account_history", &[]),
    ] {
        let response = app
            .send(Req::api(endpoint, form).cookie(Some(&halfway)))
            .await;
        assert_eq!(response.status, 401, "{endpoint}: {response:?}");
    }
    let methods = app
        .send(Req::api("get_sign_in_methods", &[]).cookie(Some(&halfway)))
        .await;
    assert_eq!(
        methods.json(),
        serde_json::json!(["authenticator_app", "backup_code"])
    );
    let signed_in_methods = app
        .send(Req::api("get_sign_in_methods", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(signed_in_methods.status, 401);
}

#[tokio::test]
async fn item45_the_history_shows_the_owners_sign_ins_failures_and_changes_newest_first() {
    let app = TestApp::new().await;
    let email = "history@example.com";
    let (cookie, secret) = member(&app, email).await;
    member(&app, "someone-else@example.com").await;
    make_codes(&app, &cookie).await;
    app.clock.advance(30);
    let failed = app
        .send(
            Req::sign_in(email, "a wrong password entirely")
                .from_ip("192.0.2.7")
                .header(
                    "user-agent",
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                ),
        )
        .await;
    assert_eq!(failed.status, 401);
    let unknown = app
        .send(Req::sign_in(
            "nobody@example.com",
            "a wrong password entirely",
        ))
        .await;
    assert_eq!(unknown.status, 401);
    let signed_in = app.sign_in(email, PASSWORD, &secret, 0).await;
    let session = signed_in.session_cookie().expect("signed in");
    let page = app
        .send(Req::api("get_account_history", &[]).cookie(Some(&session)))
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    let events = page.json()["events"].as_array().unwrap().clone();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "signed_in",
            "sign_in_failed",
            "backup_codes_generated",
            "factor_added"
        ],
        "{events:?}"
    );
    assert_eq!(events[0]["method"], "authenticator_app");
    assert_eq!(events[1]["ip"], "192.0.2.7");
    assert_eq!(events[1]["device"], "Firefox / Windows");
    assert_eq!(events[1]["method"], "password");
    assert!(events[0]["when"].as_str().unwrap().ends_with("UTC"));
    assert!(page.json()["older"].is_null());
    for bad in ["nonsense", "1.zz", "1.ab' OR '1'='1"] {
        let refused = app
            .send(Req::api("get_account_history", &[("before", bad)]).cookie(Some(&session)))
            .await;
        assert_eq!(refused.status, 400, "{bad}: {refused:?}");
    }
    let anonymous = app.send(Req::api("get_account_history", &[])).await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn the_history_pages_by_cursor_without_gaps_or_repeats_on_this_database() {
    let app = TestApp::new().await;
    let email = "pages@example.com";
    member(&app, email).await;
    member(&app, "other@example.com").await;
    let owner = app.account_id(email).await;
    let other = app.account_id("other@example.com").await;
    let db = &app.state.db;
    let origin = Origin::default();
    let base = app.clock.now();
    // 45 entries, several in the same second, and the other account's entries in between.
    for n in 0..45 {
        for account_id in [&owner, &other] {
            let event = NewEvent {
                account_id,
                kind: AccountEventKind::SignedIn,
                method: None,
                origin: &origin,
            };
            history::record(&db.pool, &event, base + 100 + n / 4)
                .await
                .unwrap();
        }
    }
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    loop {
        let rows = history::page(db, &owner, cursor.as_ref(), 20)
            .await
            .unwrap();
        if rows.is_empty() {
            break;
        }
        pages += 1;
        seen.extend(rows.iter().map(|r| (r.occurred_at, r.id.clone())));
        let last = rows.last().unwrap();
        cursor = Some(Cursor {
            occurred_at: last.occurred_at,
            id: last.id.clone(),
        });
    }
    assert_eq!(pages, 3);
    let own_entries: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM account_events WHERE account_id = $1")
            .bind(&owner)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(seen.len() as i64, own_entries, "every entry once");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(sorted, seen, "newest first, no repeats");

    let first = history::history_page(db, &owner, None, app::i18n::Locale::En)
        .await
        .unwrap();
    assert_eq!(first.events.len(), 20);
    let older = Cursor::parse(first.older.as_deref().expect("an older page")).unwrap();
    assert_eq!(older.id, seen[19].1);
}
