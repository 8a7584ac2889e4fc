//! The hard stop after 100 failures in a row of one sign-in method (SECURITY.md item 10), with the
//! delays of throttling switched off so that only the hard stop is at work.

use crate::support::*;
use app::infra::clock::Clock;

const NEW_PASSWORD: &str = "a brand new passphrase after the stop";

async fn app_without_delays() -> TestApp {
    TestApp::with_policy(app::infra::state::Policy {
        rate_limits: false,
        ..test_policy()
    })
    .await
}

async fn turned_off_at(app: &TestApp, method: &str) -> Option<i64> {
    sqlx::query_scalar::<_, Option<i64>>(
        "SELECT disabled_at FROM factor_failures WHERE method = $1",
    )
    .bind(method)
    .fetch_optional(&app.state.db.pool)
    .await
    .unwrap()
    .flatten()
}

async fn history_kinds(app: &TestApp) -> Vec<(String, Option<String>)> {
    sqlx::query_as("SELECT kind, method FROM account_events ORDER BY occurred_at, id")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn item10_a_hundred_wrong_passwords_in_a_row_turn_the_password_off_until_recovery() {
    let app = app_without_delays().await;
    let email = "hard-stop@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    for attempt in 1..=100 {
        let refused = app
            .send(Req::sign_in(
                email,
                &format!("wrong password number {attempt}"),
            ))
            .await;
        assert_eq!(refused.status, 401, "attempt {attempt}: {refused:?}");
    }
    // The count is kept after each answer has gone (so that a known address answers as fast as
    // an unknown one): wait for the hundredth.
    for _ in 0..500 {
        if turned_off_at(&app, "password").await.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        turned_off_at(&app, "password").await.is_some(),
        "turned off"
    );

    let right = app.send(Req::sign_in(email, PASSWORD)).await;
    assert_eq!(
        right.status, 422,
        "the right password is refused: {right:?}"
    );
    assert_eq!(
        right.json()["Validation"]["field_errors"][0]["message"]["Accounts"],
        "PasswordTurnedOff"
    );
    assert!(right.session_cookie().is_none(), "no session");
    app.wait_for_mail_to(email, "account was turned off").await;
    assert!(history_kinds(&app)
        .await
        .contains(&("factor_disabled".to_owned(), Some("password".to_owned()))));

    // Recovery (link, answers, app code, new password) lifts it.
    let recovering = crate::recovery::at_second_factor(&app, email).await;
    app.clock.advance(30);
    let code = totp_at(&secret, app.clock.now());
    let passed = app
        .send(Req::api("verify_recovery_code", &[("code", &code)]).cookie(Some(&recovering)))
        .await;
    assert_eq!(passed.status, 200, "{passed:?}");
    let at_new_password = passed.session_cookie().expect("rotated");
    let reset = app
        .send(
            Req::api(
                "set_new_password",
                &[
                    ("password", NEW_PASSWORD),
                    ("password_confirmation", NEW_PASSWORD),
                ],
            )
            .cookie(Some(&at_new_password)),
        )
        .await;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert_eq!(turned_off_at(&app, "password").await, None);
    let back = app.send(Req::sign_in(email, NEW_PASSWORD)).await;
    assert_eq!(back.status, 200, "{back:?}");
}

#[tokio::test]
async fn item10_only_failures_in_a_row_count_and_the_hundredth_wrong_app_code_turns_the_app_off() {
    let app = app_without_delays().await;
    let email = "app-hard-stop@example.com";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    let waiting = app
        .send(Req::sign_in(email, PASSWORD))
        .await
        .session_cookie()
        .unwrap();
    let wrong = wrong_code(&secret, app.clock.now());
    for _ in 0..99 {
        let refused = app
            .send(Req::verify_totp(&wrong).cookie(Some(&waiting)))
            .await;
        assert_eq!(refused.status, 422, "{refused:?}");
    }
    // A success clears the count.
    app.clock.advance(30);
    let code = totp_at(&secret, app.clock.now());
    let signed_in = app
        .send(Req::verify_totp(&code).cookie(Some(&waiting)))
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert_eq!(app.count("factor_failures").await, 0);

    let waiting = app
        .send(Req::sign_in(email, PASSWORD))
        .await
        .session_cookie()
        .unwrap();
    let wrong = wrong_code(&secret, app.clock.now());
    for attempt in 1..=100 {
        let refused = app
            .send(Req::verify_totp(&wrong).cookie(Some(&waiting)))
            .await;
        assert_eq!(refused.status, 422, "attempt {attempt}: {refused:?}");
    }
    assert!(turned_off_at(&app, "authenticator_app").await.is_some());
    app.clock.advance(30);
    let code = totp_at(&secret, app.clock.now());
    let refused = app
        .send(Req::verify_totp(&code).cookie(Some(&waiting)))
        .await;
    assert_eq!(
        refused.status, 422,
        "the right code is refused: {refused:?}"
    );
    assert_eq!(
        refused.json()["Validation"]["field_errors"][0]["message"]["Mfa"],
        "MethodTurnedOff"
    );
    let methods = app
        .send(Req::api("get_sign_in_methods", &[]).cookie(Some(&waiting)))
        .await;
    assert_eq!(methods.json(), serde_json::json!([]), "no longer offered");
    app.wait_for_mail_to(email, "account was turned off").await;
    assert!(history_kinds(&app).await.contains(&(
        "factor_disabled".to_owned(),
        Some("authenticator_app".to_owned())
    )));
    // Tries of a method that is off are not counted further.
    let count: i64 = sqlx::query_scalar("SELECT consecutive FROM factor_failures")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 100);

    // Item 13: recovery still takes the app, and a new password turns it back on.
    let recovering = crate::recovery::at_second_factor(&app, email).await;
    app.clock.advance(30);
    let code = totp_at(&secret, app.clock.now());
    let passed = app
        .send(Req::api("verify_recovery_code", &[("code", &code)]).cookie(Some(&recovering)))
        .await;
    assert_eq!(passed.status, 200, "{passed:?}");
    let reset = app
        .send(
            Req::api(
                "set_new_password",
                &[
                    ("password", NEW_PASSWORD),
                    ("password_confirmation", NEW_PASSWORD),
                ],
            )
            .cookie(passed.session_cookie().as_deref()),
        )
        .await;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert_eq!(app.count("factor_failures").await, 0, "lifted");
}
