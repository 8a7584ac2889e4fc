//! Deleting an account (issue 8, Profile; SECURITY.md item 33): only after a recent full sign-in
//! and an explicit "I understand"; it removes the credentials, sessions and history, unlinks the
//! cases (which stay), keeps the audit entry, says goodbye by email, and frees the address. Staff
//! cannot delete their own accounts.

use crate::support::*;
use app::cases::{
    model::{FormType, ServiceCentre},
    service::{create_case, CaseFiling},
};

fn delete(cookie: &str, understood: bool) -> Req {
    let form: &[(&str, &str)] = if understood {
        &[("understood", "on")]
    } else {
        &[]
    };
    Req::api("delete_account", form).cookie(Some(cookie))
}

async fn rows_of(app: &TestApp, table: &str, account_id: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {table} WHERE account_id = $1"
    ))
    .bind(account_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn deleting_needs_a_recent_sign_in_and_the_box_then_removes_the_account_and_keeps_its_cases()
{
    let app = TestApp::new().await;
    let email = "leaving@example.com";
    let (owner, secret) = app.signed_up(email, PASSWORD).await;
    let account_id = app.account_id(email).await;
    let number: String = sqlx::query_scalar("SELECT account_number FROM accounts WHERE id = $1")
        .bind(&account_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let case = create_case(
        &app.state,
        &CaseFiling {
            centre: ServiceCentre::Ioe,
            form: FormType::I130,
            applicant_name: "Ana Example".into(),
            account_id: Some(account_id.clone()),
            received_at: START,
        },
        None,
    )
    .await
    .unwrap();

    // Signed out: nothing; without the box: nothing.
    let anonymous = app
        .send(Req::api("delete_account", &[("understood", "on")]))
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:?}");
    let unticked = app.send(delete(&owner, false)).await;
    assert_eq!(unticked.status, 422, "{unticked:?}");
    assert_eq!(field_message(&unticked)["Accounts"], "DeletionNotConfirmed");

    // Not recently signed in: confirm it is you first.
    app.outlast_recent_sign_in(&owner).await;
    let stale = app.send(delete(&owner, true)).await;
    assert_eq!(stale.status, 403, "{stale:?}");
    assert_eq!(stale.json(), serde_json::json!("reauth_required"));
    assert_eq!(app.count("accounts").await, 1, "nothing deleted yet");

    // A fresh sign-in elsewhere deletes it; every session ends.
    let elsewhere = app.sign_in(email, PASSWORD, &secret, 0).await;
    let elsewhere = elsewhere.session_cookie().unwrap();

    // Personal details and a change of address waiting for its code go with the account.
    let details = [("given_name", "Ana"), ("family_name", "Example")];
    let saved = app
        .send(Req::api("save_personal_details", &details).cookie(Some(&elsewhere)))
        .await;
    assert!(
        redirect_target(&saved).ends_with("/profile?saved=details"),
        "{saved:?}"
    );
    let moving = app
        .send(
            Req::api("start_email_change", &[("new_email", "next@example.com")])
                .cookie(Some(&elsewhere)),
        )
        .await;
    assert!(
        redirect_target(&moving).ends_with("/account/email?sent=1"),
        "{moving:?}"
    );
    assert_eq!(rows_of(&app, "personal_details", &account_id).await, 1);
    assert_eq!(rows_of(&app, "email_changes", &account_id).await, 1);

    let deleted = app.send(delete(&elsewhere, true)).await;
    assert!(
        deleted.status.is_success() || deleted.status.is_redirection(),
        "{deleted:?}"
    );
    assert!(
        redirect_target(&deleted).ends_with("/sign-in?deleted=1"),
        "{deleted:?}"
    );
    for cookie in [&owner, &elsewhere] {
        assert_eq!(app.step_of(Some(cookie)).await, "SignedOut");
    }
    assert_eq!(app.count("accounts").await, 0);
    for table in [
        "sessions",
        "totp_authenticators",
        "security_answers",
        "account_events",
        "backup_codes",
        "code_factors",
        "passkeys",
        "sign_in_alerts",
        "personal_details",
        "email_changes",
    ] {
        assert_eq!(rows_of(&app, table, &account_id).await, 0, "{table}");
    }
    let unlinked: Option<String> = sqlx::query_scalar("SELECT account_id FROM cases WHERE id = $1")
        .bind(&case.id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(unlinked, None, "the case stays with the agency, unlinked");
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'account.deleted' AND subject = $1",
    )
    .bind(&account_id)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(audit.len(), 1, "the audit keeps the deletion");
    assert!(audit[0].contains(&number), "{audit:?}");
    app.wait_for_mail_to(email, "Your Caseport account was deleted")
        .await;

    // The old password opens nothing; the address can start again.
    let old = app.send(Req::sign_in(email, PASSWORD)).await;
    assert_eq!(old.status, 401, "{old:?}");
    let again = app.register(email, PASSWORD).await;
    assert_eq!(again.status, 200, "{again:?}");
    let mut code = None;
    for _ in 0..300 {
        let codes = app.codes_for(email);
        if codes.len() >= 2 {
            code = codes.last().cloned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let code = code.expect("a verification code for the new registration");
    let verified = app
        .send(Req::verify_email(&code).cookie(again.session_cookie().as_deref()))
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
    assert_ne!(app.account_id(email).await, account_id, "a new account");
}

#[tokio::test]
async fn staff_cannot_delete_their_own_accounts() {
    let app = TestApp::new().await;
    for role in ["officer", "supervisor", "support"] {
        let cookie = app
            .signed_up_as(&format!("{role}-leaving@example.com"), role)
            .await;
        let refused = app.send(delete(&cookie, true)).await;
        assert_eq!(refused.status, 422, "{role}: {refused:?}");
        assert_eq!(field_message(&refused)["Accounts"], "StaffDeletion");
    }
    assert_eq!(app.count("accounts").await, 3);
}
