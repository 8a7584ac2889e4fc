//! Authenticator set-up is bound to the session (docs/security.md item 61): the pending secret
//! belongs to the session that created it, confirming is refused once the account has a factor,
//! and binding a factor ends the account's other sessions.

use crate::support::*;

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
