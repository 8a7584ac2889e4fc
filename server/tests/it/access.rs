//! Deny by default (docs/security.md item 49): every server function refuses an anonymous call
//! unless it is on the public list, before it reads its input; roles are read from the database on
//! every call, so a changed role takes effect at once.

use crate::support::*;
use app::{
    accounts::{
        access::{require_principal, require_role, PUBLIC_SERVER_FNS},
        model::Role,
    },
    session::store::SessionHandle,
};
use axum::http::Method;
use leptos::prelude::*;

/// A body with plausible values for every field any server function takes, so that a refusal is
/// about who is calling, not about the input.
fn plausible_body() -> Vec<u8> {
    let mut fields = registration_form("anonymous@example.com", PASSWORD);
    fields.push(("code", "123456"));
    fields.push(("id", "00000000000000000000000000000000"));
    fields.push(("receipt", "IOE0912345678"));
    for (name, value) in [
        ("officer", "me"),
        ("status", "approved"),
        ("note", ""),
        ("due_date", "2030-01-01"),
        ("instructions", "x"),
        ("form", ""),
        ("centre", ""),
        ("role", "officer"),
        ("token", "x"),
        ("assignee", ""),
        ("after", ""),
        ("access_code", "ABCD-EFGH-JKLM"),
        ("applicant_name", "Anonymous"),
        ("language", "en"),
        ("q", "someone@example.com"),
        ("new_email", "someone@example.com"),
        ("current_password", PASSWORD),
        ("channel", "sms"),
        ("method", "text_message"),
        ("answer", "{}"),
        ("name", "Laptop"),
    ] {
        fields.push((name, value));
    }
    form_body(&fields).into_bytes()
}

fn same_origin_headers(cookie: Option<&str>) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("sec-fetch-site", "same-origin".to_owned()),
        ("origin", ORIGIN.to_owned()),
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
        ("accept", "application/json".to_owned()),
    ];
    if let Some(cookie) = cookie {
        headers.push(("cookie", format!("__Host-caseport-session={cookie}")));
    }
    headers
}

#[tokio::test]
async fn item49_every_server_function_not_on_the_public_list_refuses_anonymous_callers() {
    let app = TestApp::new().await;
    let router = server::app(app.state.clone());
    let routes = server_fn_routes();
    for public in PUBLIC_SERVER_FNS {
        assert!(
            routes.iter().any(|(path, _)| path == public),
            "{public} is on the public list but not registered"
        );
    }
    let mut refused = 0;
    for (path, method) in &routes {
        let before = app.count("accounts").await + app.count("sessions").await;
        let response = raw(
            &router,
            method.clone(),
            path,
            &same_origin_headers(None),
            plausible_body(),
        )
        .await;
        if PUBLIC_SERVER_FNS.contains(&path.as_str()) {
            assert!(
                response.status.as_u16() < 500,
                "public {path} failed: {response:?}"
            );
            continue;
        }
        assert_eq!(
            response.status, 401,
            "{path} answered an anonymous caller: {response:?}"
        );
        assert_eq!(response.json(), serde_json::json!("Unauthorized"), "{path}");
        assert!(
            response.session_cookie().is_none(),
            "{path} started a session"
        );
        assert_eq!(
            app.count("accounts").await + app.count("sessions").await,
            before,
            "{path} changed the database for an anonymous caller"
        );
        refused += 1;
    }
    assert!(
        refused >= 5,
        "only {refused} protected server functions were checked"
    );
}

#[tokio::test]
async fn item49_a_session_part_way_through_sign_in_reaches_only_its_own_step() {
    let app = TestApp::new().await;
    app.signed_up("halfway@example.com", PASSWORD).await;
    let first = app
        .send(Req::sign_in("halfway@example.com", PASSWORD))
        .await;
    let cookie = first.session_cookie().expect("session awaiting the code");
    let router = server::app(app.state.clone());
    for path in [
        "/_fn/get_profile",
        "/_fn/get_totp_enrolment",
        "/_fn/confirm_totp_enrolment",
        "/_fn/verify_email",
        "/_fn/resend_verification_code",
    ] {
        let response = raw(
            &router,
            Method::POST,
            path,
            &same_origin_headers(Some(&cookie)),
            plausible_body(),
        )
        .await;
        assert_eq!(response.status, 401, "{path}: {response:?}");
    }
}

async fn with_session<T>(
    app: &TestApp,
    cookie: &str,
    check: impl std::future::Future<Output = T>,
) -> T {
    use app::session::store::{load, Loaded};
    let loaded = load(&app.state.db, &app.state.policy, cookie, app.state.now())
        .await
        .unwrap();
    assert!(matches!(loaded, Loaded::Valid(_)), "session not live");
    let mut parts = axum::http::Request::new(()).into_parts().0;
    parts.extensions.insert(SessionHandle::from_loaded(loaded));
    let owner = Owner::new();
    owner.with(|| {
        provide_context(parts);
        provide_context(app.state.clone());
    });
    owner
        .with(|| leptos::reactive::computed::ScopedFuture::new(check))
        .await
}

#[tokio::test]
async fn item49_roles_are_read_on_every_call_so_a_demoted_officer_loses_access_at_once() {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("officer@example.com", PASSWORD).await;
    let principal = with_session(&app, &cookie, require_principal())
        .await
        .unwrap();
    assert_eq!(
        principal.role,
        Role::Applicant,
        "everyone registers as an applicant"
    );
    assert_eq!(
        with_session(&app, &cookie, require_role(&[Role::Officer])).await,
        Err(app::error::AppError::Forbidden)
    );

    let set_role = |role: &'static str| {
        let db = app.state.db.clone();
        let id = principal.account_id.clone();
        async move {
            sqlx::query("UPDATE accounts SET role = $1 WHERE id = $2")
                .bind(role)
                .bind(id)
                .execute(&db.pool)
                .await
                .unwrap();
        }
    };
    set_role("officer").await;
    let officer = with_session(
        &app,
        &cookie,
        require_role(&[Role::Officer, Role::Supervisor]),
    )
    .await
    .expect("promotion applies to the live session");
    assert_eq!(officer.role, Role::Officer);

    set_role("applicant").await;
    assert_eq!(
        with_session(&app, &cookie, require_role(&[Role::Officer])).await,
        Err(app::error::AppError::Forbidden),
        "a demotion must apply to the session already open"
    );

    let invalid = sqlx::query("UPDATE accounts SET role = 'admin' WHERE id = $1")
        .bind(&principal.account_id)
        .execute(&app.state.db.pool)
        .await;
    assert!(
        invalid.is_err(),
        "the database must refuse a role that does not exist"
    );
}
