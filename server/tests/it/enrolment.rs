//! Authenticator set-up is bound to the session (docs/security.md item 61): the pending secret
//! belongs to the session that created it, confirming is refused once the account has a factor,
//! and binding a factor ends the account's other sessions.

use crate::support::*;

/// A verified account with no authenticator yet, and two sessions at the set-up step.
async fn two_enrolling_sessions(app: &TestApp, email: &str) -> (String, String) {
    let registered = app.register(email, PASSWORD).await;
    let code = app.latest_code_for(email).await;
    let verified = app
        .send(
            Req::api("verify_email", &[("code", &code)])
                .cookie(registered.session_cookie().as_deref()),
        )
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
    let first = verified.session_cookie().unwrap();
    let signed_in = app
        .send(Req::api(
            "sign_in",
            &[("email", email), ("password", PASSWORD)],
        ))
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let second = signed_in.session_cookie().unwrap();
    for cookie in [&first, &second] {
        let step = app
            .send(Req::api("current_step", &[]).cookie(Some(cookie)))
            .await;
        assert_eq!(step.json(), "EnrollingTotp");
    }
    (first, second)
}

async fn enrolment_secret(app: &TestApp, cookie: &str) -> Vec<u8> {
    let enrolment = app
        .send(Req::api("get_totp_enrolment", &[]).cookie(Some(cookie)))
        .await;
    assert_eq!(enrolment.status, 200, "{enrolment:?}");
    app::mfa::totp::decode_base32(enrolment.json()["secret_grouped"].as_str().unwrap()).unwrap()
}

async fn confirm(app: &TestApp, cookie: &str, secret: &[u8]) -> TestResponse {
    let code = totp_at(secret, app.state.now());
    app.send(Req::api("confirm_totp_enrolment", &[("code", &code)]).cookie(Some(cookie)))
        .await
}

#[tokio::test]
async fn item61_a_pending_secret_belongs_to_the_session_that_created_it() {
    let app = TestApp::new().await;
    let (first, second) = two_enrolling_sessions(&app, "setup@example.com").await;
    let first_secret = enrolment_secret(&app, &first).await;
    assert_eq!(
        enrolment_secret(&app, &first).await,
        first_secret,
        "a reload shows the same secret"
    );
    let second_secret = enrolment_secret(&app, &second).await;
    assert_ne!(
        first_secret, second_secret,
        "each session gets its own secret"
    );

    let crossed = confirm(&app, &second, &first_secret).await;
    assert_eq!(
        crossed.status, 422,
        "another session's secret cannot be confirmed: {crossed:?}"
    );
    let bound = confirm(&app, &first, &first_secret).await;
    assert_eq!(bound.status, 200, "{bound:?}");
    let signed_in = bound.session_cookie().unwrap();

    // Binding ended the other session, and its pending secret with it.
    let other = app
        .send(Req::api("current_step", &[]).cookie(Some(&second)))
        .await;
    assert_eq!(other.json(), "SignedOut", "the other session was ended");
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
        let first_secret = enrolment_secret(&app, &first).await;
        let second_secret = enrolment_secret(&app, &second).await;
        let (a, b) = tokio::join!(
            {
                let app = app.clone();
                let first = first.clone();
                async move { confirm(&app, &first, &first_secret).await }
            },
            {
                let app = app.clone();
                let second = second.clone();
                async move { confirm(&app, &second, &second_secret).await }
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
    let first_secret = enrolment_secret(&app, &first).await;
    assert_eq!(confirm(&app, &first, &first_secret).await.status, 200);
    // A session that reaches the set-up step before the binding but confirms after it: simulate
    // it by putting a fresh enrolling session in place for the same account.
    let account_id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind("late@example.com")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
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
    let secret = enrolment_secret(&app, &token).await;
    app.clock.advance(30);
    let refused = confirm(&app, &token, &secret).await;
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
        let account_id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
            .bind(&email)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
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
