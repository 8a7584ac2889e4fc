//! The Devices page and changing the password over HTTP (SECURITY.md items 6, 25, 32, 33, 37), and
//! the session list's keyset pages in the store on both databases.

use crate::support::*;
use app::infra::clock::Clock;

const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const NEW_PASSWORD: &str = "another long passphrase entirely";

async fn devices(app: &TestApp, cookie: &str) -> serde_json::Value {
    let response = app
        .send(Req::api("get_devices", &[]).cookie(Some(cookie)))
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    response.json()
}

async fn password_hash(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT password_hash FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

fn change(current: &str, new: &str, sign_out_others: bool) -> Req {
    let mut form = vec![
        ("current_password", current),
        ("password", new),
        ("password_confirmation", new),
    ];
    if sign_out_others {
        form.push(("sign_out_others", "on"));
    }
    Req::api("change_password", &form)
}

#[tokio::test]
async fn item32_the_devices_page_lists_every_session_and_signs_out_one_or_all_others() {
    let app = TestApp::new().await;
    let email = "devices@example.com";
    let (first, secret) = app.signed_up(email, PASSWORD).await;
    app.clock.advance(30);
    let password = app
        .send(
            Req::sign_in(email, PASSWORD)
                .from_ip("192.0.2.10")
                .header("user-agent", FIREFOX),
        )
        .await;
    let second_halfway = password.session_cookie().unwrap();
    let code = totp_at(&secret, app.clock.now());
    let second = app
        .send(
            Req::verify_totp(&code)
                .cookie(Some(&second_halfway))
                .from_ip("192.0.2.10")
                .header("user-agent", FIREFOX),
        )
        .await
        .session_cookie()
        .unwrap();
    app.clock.advance(5);
    let third_halfway = app
        .send(Req::sign_in(email, PASSWORD).from_ip("198.51.100.4"))
        .await
        .session_cookie()
        .unwrap();

    let listed = devices(&app, &first).await;
    let sessions = listed["sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 3, "{listed}");
    let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    let firefox = sessions
        .iter()
        .find(|s| s["device"] == "Firefox / Windows")
        .expect("the Firefox session");
    assert_eq!(firefox["ip"], "192.0.2.10");
    assert_eq!(firefox["signed_in"], true);
    let halfway = sessions
        .iter()
        .find(|s| s["ip"] == "198.51.100.4")
        .expect("the password-only session");
    assert_eq!(halfway["signed_in"], false);
    for session in &sessions {
        let id = session["id"].as_str().unwrap();
        assert_eq!(id.len(), 32);
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE id_hash = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(stored, 0, "the public id is not the session's id hash");
    }

    // Item 37: another account cannot sign out this account's sessions.
    let (stranger, _) = app.signed_up("stranger@example.com", PASSWORD).await;
    let firefox_id = firefox["id"].as_str().unwrap();
    let refused = app
        .send(Req::api("sign_out_device", &[("id", firefox_id)]).cookie(Some(&stranger)))
        .await;
    assert_eq!(refused.status, 404, "{refused:?}");
    assert_eq!(app.profile_status(&second).await, 200);

    let signed_out = app
        .send(Req::api("sign_out_device", &[("id", firefox_id)]).cookie(Some(&first)))
        .await;
    assert_eq!(signed_out.status, 200, "{signed_out:?}");
    assert_eq!(app.profile_status(&second).await, 401);
    assert_eq!(app.profile_status(&first).await, 200);
    assert_eq!(
        app.step_of(Some(&third_halfway)).await,
        "AwaitingSecondFactor"
    );

    let others = app
        .send(Req::api("sign_out_other_devices", &[]).cookie(Some(&first)))
        .await;
    assert_eq!(others.status, 200);
    assert_eq!(app.step_of(Some(&third_halfway)).await, "SignedOut");
    assert_eq!(app.profile_status(&first).await, 200);
    assert_eq!(
        devices(&app, &first).await["sessions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Signing out the session reading the page is signing out.
    let own = devices(&app, &first).await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let own_out = app
        .send(Req::api("sign_out_device", &[("id", &own)]).cookie(Some(&first)))
        .await;
    assert_eq!(own_out.status, 200);
    assert!(own_out
        .set_cookies()
        .iter()
        .any(|c| c.contains("Max-Age=0")));
    assert_eq!(app.profile_status(&first).await, 401);
    let revoked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_events WHERE kind = 'sessions_revoked' AND account_id = $1",
    )
    .bind(app.account_id(email).await)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(revoked, 3);
    for bad in ["x", "1.zz", "1.0123456789abcdef0123456789abcdeg"] {
        let response = app
            .send(Req::api("get_devices", &[("more", bad)]).cookie(Some(&stranger)))
            .await;
        assert_eq!(response.status, 400, "{bad}");
    }
}

#[tokio::test]
async fn the_session_list_pages_by_cursor_without_gaps_or_repeats_and_skips_expired_sessions() {
    let app = TestApp::new().await;
    let email = "many@example.com";
    app.signed_up(email, PASSWORD).await;
    app.signed_up("other-many@example.com", PASSWORD).await;
    let owner = app.account_id(email).await;
    let other = app.account_id("other-many@example.com").await;
    let now = app.clock.now();
    let insert = |account: String, n: i64, seen: i64| {
        let db = app.state.db.clone();
        async move {
            sqlx::query(
                "INSERT INTO sessions (id_hash, account_id, state, created_at, last_seen_at, updated_at, public_id)
                 VALUES ($1, $2, '{\"step\":\"signed_in\",\"account_id\":\"x\"}', $3, $4, $4, $5)",
            )
            .bind(format!("hash-{account}-{n}"))
            .bind(&account)
            .bind(seen - 10)
            .bind(seen)
            .bind(format!("{:032x}", n * 7919 + account.len() as i64))
            .execute(&db.pool)
            .await
            .unwrap();
        }
    };
    for n in 0..45 {
        insert(owner.clone(), n, now - 60 - n / 3).await;
        insert(other.clone(), 1000 + n, now - 60 - n / 3).await;
    }
    insert(owner.clone(), 5000, now - 16 * 60).await;
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut after: Option<(i64, String)> = None;
    loop {
        let rows = app::session::store::active_sessions(
            &app.state.db,
            &app.state.policy,
            &owner,
            after.as_ref().map(|(t, id)| (*t, id.as_str())),
            20,
            now,
        )
        .await
        .unwrap();
        if rows.is_empty() {
            break;
        }
        seen.extend(rows.iter().map(|r| (r.last_seen_at, r.public_id.clone())));
        let last = rows.last().unwrap();
        after = Some((last.last_seen_at, last.public_id.clone()));
    }
    // 45 inserted + the sign-up session; the idle one is not listed.
    assert_eq!(seen.len(), 46, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(sorted, seen, "most recent first, no repeats");
}

#[tokio::test]
async fn item6_a_password_change_without_the_right_current_password_is_refused_and_changes_nothing()
{
    let app = TestApp::new().await;
    let email = "change@example.com";
    let (cookie, _) = app.signed_up(email, PASSWORD).await;
    let before = password_hash(&app, email).await;
    for current in ["", "not the current password"] {
        let refused = app
            .send(change(current, NEW_PASSWORD, true).cookie(Some(&cookie)))
            .await;
        assert_eq!(refused.status, 403, "{refused:?}");
        assert_eq!(refused.json(), serde_json::json!("CurrentPasswordWrong"));
        assert_eq!(password_hash(&app, email).await, before, "byte-identical");
    }
    let missing = app
        .send(
            Req::api(
                "change_password",
                &[
                    ("password", NEW_PASSWORD),
                    ("password_confirmation", NEW_PASSWORD),
                ],
            )
            .cookie(Some(&cookie)),
        )
        .await;
    assert!(missing.status.is_client_error(), "{missing:?}");
    assert_eq!(password_hash(&app, email).await, before);
    let anonymous = app.send(change(PASSWORD, NEW_PASSWORD, true)).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(password_hash(&app, email).await, before);
}

#[tokio::test]
async fn item32_a_password_change_signs_out_other_devices_by_default_and_notifies() {
    let app = TestApp::new().await;
    let email = "signout@example.com";
    let (cookie, secret) = app.signed_up(email, PASSWORD).await;
    app.clock.advance(30);
    let other = app
        .sign_in(email, PASSWORD, &secret, 0)
        .await
        .session_cookie()
        .unwrap();
    let weak = app
        .send(change(PASSWORD, "password1234", true).cookie(Some(&cookie)))
        .await;
    assert_eq!(weak.status, 422, "the new password follows the rules");
    let changed = app
        .send(change(PASSWORD, NEW_PASSWORD, true).cookie(Some(&cookie)))
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(
        app.profile_status(&other).await,
        401,
        "other device signed out"
    );
    assert_eq!(app.profile_status(&cookie).await, 200, "this one stays");
    app.wait_for_mail_to(email, "Your Caseport password was changed")
        .await;
    assert_eq!(
        app.send(Req::sign_in(email, PASSWORD)).await.status,
        401,
        "the old password is gone"
    );

    // With the box unticked, the other devices stay signed in.
    app.clock.advance(30);
    let other = app
        .sign_in(email, NEW_PASSWORD, &secret, 0)
        .await
        .session_cookie()
        .unwrap();
    let kept = app
        .send(change(NEW_PASSWORD, PASSWORD, false).cookie(Some(&other)))
        .await;
    assert_eq!(kept.status, 200, "{kept:?}");
    assert_eq!(app.profile_status(&cookie).await, 200);
}

#[tokio::test]
async fn item33_a_password_change_21_minutes_after_signing_in_needs_re_authentication() {
    let app = TestApp::new().await;
    let email = "stale@example.com";
    let (cookie, _) = app.signed_up(email, PASSWORD).await;
    app.outlast_recent_sign_in(&cookie).await;
    let before = password_hash(&app, email).await;
    let refused = app
        .send(change(PASSWORD, NEW_PASSWORD, true).cookie(Some(&cookie)))
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json(), serde_json::json!("reauth_required"));
    assert_eq!(password_hash(&app, email).await, before);
}

#[tokio::test]
async fn the_devices_page_marks_the_session_reading_it() {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("page@example.com", PASSWORD).await;
    let page = app
        .send(Req::get("/account/devices").cookie(Some(&cookie)))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(">This device<"), "{}", page.body);
}

#[tokio::test]
async fn an_old_stolen_session_cannot_throw_the_owner_out_and_recovery_sessions_survive() {
    let app = TestApp::new().await;
    let email = "stolen@example.com";
    let (stolen, secret) = app.signed_up(email, PASSWORD).await;
    app.outlast_recent_sign_in(&stolen).await;
    let owner = app
        .sign_in(email, PASSWORD, &secret, 0)
        .await
        .session_cookie()
        .unwrap();
    let owner_id = devices(&app, &owner).await["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let all = app
        .send(Req::api("sign_out_other_devices", &[]).cookie(Some(&stolen)))
        .await;
    assert_eq!(all.status, 403, "{all:?}");
    assert_eq!(all.json(), serde_json::json!("reauth_required"));
    let one = app
        .send(Req::api("sign_out_device", &[("id", &owner_id)]).cookie(Some(&stolen)))
        .await;
    assert_eq!(one.status, 403, "{one:?}");
    assert_eq!(app.profile_status(&owner).await, 200);

    // A recovery in progress is not ended from the Devices page, even by a fresh session.
    app.send(Req::api("request_password_reset", &[("email", email)]))
        .await;
    let mail = app
        .wait_for_mail_to(email, "Reset your Caseport password")
        .await
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let token: String = mail[mail.find("token=").unwrap() + 6..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let recovering = app
        .send(Req::api("start_password_reset", &[("token", &token)]))
        .await
        .session_cookie()
        .expect("recovery session");
    let cleared = app
        .send(Req::api("sign_out_other_devices", &[]).cookie(Some(&owner)))
        .await;
    assert_eq!(cleared.status, 200);
    assert_eq!(app.profile_status(&stolen).await, 401);
    let step = app
        .send(Req::api("current_step", &[]).cookie(Some(&recovering)))
        .await;
    assert_eq!(step.json(), serde_json::json!({"Recovering": "questions"}));
    let listed = devices(&app, &owner).await;
    assert!(
        listed["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["recovering"] == true),
        "{listed}"
    );
}

#[tokio::test]
async fn item32_devices_history_and_the_new_sign_in_email_show_the_approximate_place() {
    let app = TestApp::new().await;
    let email = "traveller@example.com";
    let (first, secret) = app.signed_up(email, PASSWORD).await;
    app.clock.advance(30);
    let halfway = app
        .send(Req::sign_in(email, PASSWORD).from_ip("193.0.6.139"))
        .await
        .session_cookie()
        .unwrap();
    let code = totp_at(&secret, app.clock.now());
    let signed_in = app
        .send(
            Req::verify_totp(&code)
                .cookie(Some(&halfway))
                .from_ip("193.0.6.139"),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");

    let listed = devices(&app, &first).await;
    let places: Vec<&str> = listed["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["ip"].as_str())
        .collect();
    assert!(
        places.contains(&"The Netherlands (193.0.6.139)"),
        "{listed}"
    );
    let history = app
        .send(Req::api("get_account_history", &[]).cookie(Some(&first)))
        .await
        .json();
    assert!(
        history["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["ip"] == "The Netherlands (193.0.6.139)"),
        "{history}"
    );
    let alert = app.wait_for_mail_to(email, "New sign-in").await;
    assert!(
        alert.contains("From: The Netherlands (193.0.6.139)"),
        "{alert}"
    );
}
