//! Authenticator set-up is bound to the session (docs/security.md item 61): the pending secret
//! belongs to the session that created it, confirming is refused once the account has a factor,
//! and binding a factor ends the account's other sessions.

use crate::support::*;
use app::infra::clock::Clock;

/// A verified account with no authenticator yet, and two sessions at the set-up step.
async fn two_enrolling_sessions(app: &TestApp, email: &str) -> (String, String) {
    let first = app.verified(email, PASSWORD).await;
    let signed_in = app.send(Req::sign_in(email, PASSWORD)).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let second = signed_in.session_cookie().unwrap();
    for cookie in [&first, &second] {
        assert_eq!(app.step_of(Some(cookie)).await, "EnrollingTotp");
    }
    (first, second)
}

#[tokio::test]
async fn item61_a_pending_secret_belongs_to_the_session_that_created_it() {
    let app = TestApp::new().await;
    let (first, second) = two_enrolling_sessions(&app, "setup@example.com").await;
    let first_secret = app.enrolment_secret(&first).await;
    assert_eq!(
        app.enrolment_secret(&first).await,
        first_secret,
        "a reload shows the same secret"
    );
    let second_secret = app.enrolment_secret(&second).await;
    assert_ne!(
        first_secret, second_secret,
        "each session gets its own secret"
    );

    let crossed = app.confirm_enrolment(&second, &first_secret).await;
    assert_eq!(
        crossed.status, 422,
        "another session's secret cannot be confirmed: {crossed:?}"
    );
    let bound = app.confirm_enrolment(&first, &first_secret).await;
    assert_eq!(bound.status, 200, "{bound:?}");
    let signed_in = bound.session_cookie().unwrap();

    // Binding ended the other session, and its pending secret with it.
    assert_eq!(
        app.step_of(Some(&second)).await,
        "SignedOut",
        "the other session was ended"
    );
    let pending: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM totp_authenticators WHERE confirmed_at IS NULL")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(pending, 0);
    let profile = app
        .send(Req::api("get_profile", &[]).cookie(Some(&signed_in)))
        .await;
    assert_eq!(profile.status, 200);

    // The account's address is told that a sign-in method was added.
    let mails = app.wait_for_mails(2).await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: setup@example.com")
                && m.contains("authentication app was added")),
        "{mails:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item61_two_sessions_confirming_at_once_bind_exactly_one_factor() {
    let app = TestApp::new().await;
    for round in 0..8 {
        let email = format!("race{round}@example.com");
        let (first, second) = two_enrolling_sessions(&app, &email).await;
        let first_secret = app.enrolment_secret(&first).await;
        let second_secret = app.enrolment_secret(&second).await;
        let (a, b) = tokio::join!(
            {
                let app = app.clone();
                let first = first.clone();
                async move { app.confirm_enrolment(&first, &first_secret).await }
            },
            {
                let app = app.clone();
                let second = second.clone();
                async move { app.confirm_enrolment(&second, &second_secret).await }
            }
        );
        let statuses = [a.status.as_u16(), b.status.as_u16()];
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: exactly one set-up wins: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| [200, 401, 409, 422].contains(s)),
            "round {round}: {statuses:?}"
        );
        let confirmed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM totp_authenticators a JOIN accounts c ON c.id = a.account_id
             WHERE c.email = $1 AND a.confirmed_at IS NOT NULL",
        )
        .bind(&email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(confirmed, 1, "round {round}: one factor bound");
        app.clock.advance(60);
    }
}

#[tokio::test]
async fn item61_confirming_is_refused_when_the_account_already_has_a_factor() {
    let app = TestApp::new().await;
    let (first, _) = two_enrolling_sessions(&app, "late@example.com").await;
    let first_secret = app.enrolment_secret(&first).await;
    assert_eq!(
        app.confirm_enrolment(&first, &first_secret).await.status,
        200
    );
    // A session that reaches the set-up step before the binding but confirms after it: simulate
    // it by putting a fresh enrolling session in place for the same account.
    let account_id = app.account_id("late@example.com").await;
    let handle = app::session::store::SessionHandle::default();
    handle
        .rotate_to(
            &app.state.db,
            app::session::model::AuthState::EnrollingTotp { account_id },
            app.state.now(),
        )
        .await
        .unwrap();
    let app::session::store::CookieAction::Set(token) = handle.cookie_action() else {
        panic!("no cookie");
    };
    let secret = app.enrolment_secret(&token).await;
    app.clock.advance(30);
    let refused = app.confirm_enrolment(&token, &secret).await;
    assert_eq!(refused.status, 409, "{refused:?}");
    let confirmed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM totp_authenticators WHERE confirmed_at IS NOT NULL",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(confirmed, 1, "the account keeps its one authenticator");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item61_loading_the_set_up_page_many_times_at_once_shows_one_secret() {
    let app = TestApp::new().await;
    for round in 0..4 {
        let email = format!("reloads{round}@example.com");
        let (first, _) = two_enrolling_sessions(&app, &email).await;
        let account_id = app.account_id(&email).await;
        let session = app::infra::crypto::sha256_hex(first.as_bytes());
        // Many page loads at once, as one browser with several tabs or a render that asks twice.
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(16));
        let loads: Vec<_> = (0..16u8)
            .map(|n| {
                let db = app.state.db.clone();
                let (account_id, session, barrier) =
                    (account_id.clone(), session.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    app::mfa::store::pending_or_create(&db, &account_id, &session, vec![n; 40], 0)
                        .await
                        .unwrap()
                        .id
                })
            })
            .collect();
        let mut ids = Vec::new();
        for load in loads {
            ids.push(load.await.unwrap());
        }
        assert!(
            ids.windows(2).all(|pair| pair[0] == pair[1]),
            "round {round}: every load gets the same pending secret: {ids:?}"
        );
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM totp_authenticators WHERE account_id = $1 AND confirmed_at IS NULL \
             AND session_id_hash = $2",
        )
        .bind(&account_id)
        .bind(&session)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            pending, 1,
            "round {round}: one pending secret for the session"
        );
    }
}

#[tokio::test]
async fn item17_a_signed_in_person_sets_up_a_new_app_after_a_recent_sign_in_and_the_old_one_stops()
{
    let app = TestApp::new().await;
    let email = "new-app@example.com";
    let (signed_in, old_secret) = app.signed_up(email, PASSWORD).await;
    let elsewhere = app.send(Req::sign_in(email, PASSWORD)).await;
    let elsewhere = elsewhere.session_cookie().unwrap();
    app.clock.advance(30);
    let code = totp_at(&old_secret, app.clock.now());
    let elsewhere = app
        .send(Req::verify_totp(&code).cookie(Some(&elsewhere)))
        .await
        .session_cookie()
        .unwrap();
    assert_eq!(app.step_of(Some(&elsewhere)).await, "SignedIn");

    // Not recently signed in: neither the new secret nor its confirmation.
    app.outlast_recent_sign_in(&signed_in).await;
    let stale = app
        .send(Req::api("get_totp_enrolment", &[]).cookie(Some(&signed_in)))
        .await;
    assert_eq!(stale.status, 403, "{stale:?}");
    assert_eq!(stale.json(), serde_json::json!("reauth_required"));
    let stale = app
        .send(Req::api("confirm_totp_enrolment", &[("code", "123456")]).cookie(Some(&signed_in)))
        .await;
    assert_eq!(stale.status, 403, "{stale:?}");
    // Nobody signed out gets one either.
    let outsider = app.send(Req::api("get_totp_enrolment", &[])).await;
    assert_eq!(outsider.status, 401, "{outsider:?}");

    app.clock.advance(30);
    let code = totp_at(&old_secret, app.clock.now());
    let confirmed = app
        .send(
            Req::api("reauthenticate", &[("password", PASSWORD), ("code", &code)])
                .cookie(Some(&signed_in)),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    let fresh = confirmed.session_cookie().unwrap();
    let (enrolment, new_secret) = app.totp_enrolment(&fresh).await;
    assert_ne!(new_secret, old_secret, "a new secret");
    assert_eq!(
        enrolment.json()["texts_available"],
        false,
        "no first-factor choices"
    );
    assert_eq!(enrolment.json()["email_codes_allowed"], false);
    let (_, again) = app.totp_enrolment(&fresh).await;
    assert_eq!(again, new_secret, "reloading shows the same secret");

    // A code from the old app does not confirm the new one.
    app.clock.advance(30);
    let wrong = app
        .send(
            Req::api(
                "confirm_totp_enrolment",
                &[("code", &totp_at(&old_secret, app.clock.now()))],
            )
            .cookie(Some(&fresh)),
        )
        .await;
    assert_eq!(wrong.status, 422, "{wrong:?}");
    let notices = |mails: Vec<String>| {
        mails
            .iter()
            .filter(|m| m.contains(&format!("To: {email}")))
            .filter(|m| m.contains("authentication app was added"))
            .count()
    };
    assert_eq!(notices(app.mails()), 1, "the first set-up's notice");
    let bound = app.confirm_enrolment(&fresh, &new_secret).await;
    assert_eq!(bound.status, 200, "{bound:?}");
    assert_eq!(
        bound.header("location").as_deref(),
        Some("/account/security?app_added=1"),
        "{bound:?}"
    );
    assert_eq!(
        app.step_of(Some(&fresh)).await,
        "SignedIn",
        "this session stays"
    );
    assert_eq!(app.step_of(Some(&elsewhere)).await, "SignedOut", "item 32");
    for _ in 0..300 {
        if notices(app.mails()) == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(notices(app.mails()), 2, "the owner is told of the new app");
    let apps: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM totp_authenticators WHERE confirmed_at IS NOT NULL",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(apps, 1, "the new app replaced the old one");
    let added: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_events WHERE kind = 'factor_added' AND method = 'authenticator_app'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(added, 2, "set-up and replacement are both in the history");

    // Signing in: the old app's code is refused, the new app's works.
    app.clock.advance(30);
    let waiting = app
        .send(Req::sign_in(email, PASSWORD))
        .await
        .session_cookie()
        .unwrap();
    let old = app
        .send(Req::verify_totp(&totp_at(&old_secret, app.clock.now())).cookie(Some(&waiting)))
        .await;
    assert_eq!(old.status, 422, "the old app no longer works: {old:?}");
    let new = app
        .send(Req::verify_totp(&totp_at(&new_secret, app.clock.now())).cookie(Some(&waiting)))
        .await;
    assert_eq!(new.status, 200, "{new:?}");
}
