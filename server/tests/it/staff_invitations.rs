//! Staff accounts made in the app (issue 7): only a supervisor invites and withdraws; only staff
//! roles can be given; the emailed link creates the account once, within 72 hours, with the
//! invited address and role and no second factor (so its first sign-in enrols an authenticator
//! app); used, withdrawn, expired, replaced and made-up links are refused and change nothing;
//! every step is audited.

use crate::support::*;

const SUPERVISOR: &str = "lead@caseport.test";
const NEW_PASSWORD: &str = "staff member chosen passphrase 4410";

fn invite(email: &str, role: &str) -> Req {
    Req::api("invite_staff", &[("email", email), ("role", role)])
}

fn join(token: &str, password: &str) -> Req {
    Req::api(
        "join_staff",
        &[
            ("token", token),
            ("password", password),
            ("password_confirmation", password),
        ],
    )
}

/// A message as its reader sees it: quoted-printable soft line breaks joined and `=XX` decoded
/// (the link is longer than a mail line, so the raw message splits it).
fn readable(mail: &str) -> String {
    let joined = mail.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The token of the `nth` invitation link emailed to `email` (waiting for it to arrive).
async fn token_for(app: &TestApp, email: &str, nth: usize) -> String {
    const LINK: &str = "/staff/join?token=";
    for _ in 0..300 {
        let tokens: Vec<String> = app
            .mails()
            .iter()
            .filter(|m| m.contains(&format!("To: {email}")))
            .map(|m| readable(m))
            .filter_map(|m| {
                let start = m.find(LINK)? + LINK.len();
                Some(
                    m[start..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect(),
                )
            })
            .collect();
        if let Some(token) = tokens.get(nth) {
            return token.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no invitation number {nth} to {email}: {:?}", app.mails());
}

async fn role_of(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query_scalar("SELECT role FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_optional(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_supervisor_invites_and_the_link_creates_a_staff_account_that_must_enrol_an_authenticator(
) {
    let app = TestApp::new().await;
    let lead = app.signed_up_as(SUPERVISOR, "supervisor").await;
    let email = "new.officer@caseport.test";

    let sent = app
        .send(invite(" New.Officer@Caseport.test ", "officer").cookie(Some(&lead)))
        .await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let mail = readable(&app.wait_for_mail_to(email, "/staff/join").await);
    assert!(
        mail.contains(&format!("{ORIGIN}/staff/join?token=")),
        "{mail}"
    );
    assert!(mail.contains("Officer"), "{mail}");
    let token = token_for(&app, email, 0).await;
    assert!(token.len() >= 43, "256-bit token: {token}");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM staff_invitations")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!stored.contains(&token), "the token is stored hashed");

    let overview = app
        .send(Req::api("get_staff_overview", &[]).cookie(Some(&lead)))
        .await;
    assert_eq!(overview.status, 200, "{overview:?}");
    assert_eq!(overview.json()["pending"][0]["email"], email);
    assert!(
        !overview.body.contains(&token),
        "the page never shows the token"
    );

    let shown = app
        .send(Req::api("get_staff_invitation", &[("token", &token)]))
        .await;
    assert_eq!(shown.status, 200, "{shown:?}");
    assert_eq!(shown.json()["email"], email);
    assert_eq!(shown.json()["role"], "officer");

    let weak = app.send(join(&token, "password")).await;
    assert_eq!(weak.status, 422, "{weak:?}");
    assert_eq!(role_of(&app, email).await, None, "nothing created");
    let mismatch = app
        .send(Req::api(
            "join_staff",
            &[
                ("token", token.as_str()),
                ("password", NEW_PASSWORD),
                ("password_confirmation", "something else entirely 99"),
            ],
        ))
        .await;
    assert_eq!(mismatch.status, 422, "{mismatch:?}");
    assert!(mismatch.body.contains("PasswordMismatch"), "{mismatch:?}");

    let joined = app.send(join(&token, NEW_PASSWORD)).await;
    assert_eq!(joined.status, 200, "{joined:?}");
    assert_eq!(role_of(&app, email).await.as_deref(), Some("officer"));
    let verified: Option<i64> =
        sqlx::query_scalar("SELECT email_verified_at FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(verified.is_some(), "the emailed link proved the address");

    let first = app.send(Req::sign_in(email, NEW_PASSWORD)).await;
    let cookie = first
        .session_cookie()
        .expect("a session after the password");
    assert_eq!(
        app.step_of(Some(&cookie)).await,
        "EnrollingTotp",
        "staff must enrol an authenticator app before anything else"
    );
    assert_eq!(app.audited("staff.invited").await, 1);
    assert_eq!(app.audited("staff.joined").await, 1);

    let again = app.send(join(&token, NEW_PASSWORD)).await;
    assert_eq!(again.status, 422, "{again:?}");
    assert!(again.body.contains("LinkUsed"), "{again:?}");
    let shown_again = app
        .send(Req::api("get_staff_invitation", &[("token", &token)]))
        .await;
    assert!(shown_again.body.contains("LinkUsed"), "{shown_again:?}");
    assert_eq!(app.count("accounts").await, 2);
}

#[tokio::test]
async fn only_supervisors_manage_staff_and_only_staff_roles_can_be_given() {
    let app = TestApp::new().await;
    let lead = app.signed_up_as(SUPERVISOR, "supervisor").await;
    let officer = app.signed_up_as("officer@caseport.test", "officer").await;
    let desk = app.signed_up_as("desk@caseport.test", "support").await;
    let (applicant, _) = app.signed_up("person@example.test", PASSWORD).await;

    for (cookie, status) in [
        (Some(&applicant), 403),
        (Some(&officer), 403),
        (Some(&desk), 403),
        (None, 401),
    ] {
        let cookie = cookie.map(String::as_str);
        let sent = app
            .send(invite("someone@caseport.test", "supervisor").cookie(cookie))
            .await;
        assert_eq!(sent.status, status, "{sent:?}");
        let listed = app
            .send(Req::api("get_staff_overview", &[]).cookie(cookie))
            .await;
        assert_eq!(listed.status, status, "{listed:?}");
    }
    assert_eq!(app.count("staff_invitations").await, 0);

    for role in ["applicant", "admin", "", "Supervisor; DROP TABLE accounts"] {
        let refused = app
            .send(invite("someone@caseport.test", role).cookie(Some(&lead)))
            .await;
        assert_eq!(refused.status, 422, "{role}: {refused:?}");
        assert!(refused.body.contains("RoleInvalid"), "{refused:?}");
    }
    let bad_email = app
        .send(invite("not an address", "officer").cookie(Some(&lead)))
        .await;
    assert_eq!(bad_email.status, 422, "{bad_email:?}");
    let taken = app
        .send(invite("person@example.test", "officer").cookie(Some(&lead)))
        .await;
    assert_eq!(taken.status, 422, "{taken:?}");
    assert!(taken.body.contains("AlreadyHasAccount"), "{taken:?}");
    assert_eq!(app.count("staff_invitations").await, 0);
    assert!(
        !app.mails().iter().any(|m| m.contains("/staff/join")),
        "a refused invitation sends nothing"
    );
}

#[tokio::test]
async fn withdrawn_replaced_expired_and_made_up_links_are_refused_and_create_nothing() {
    let app = TestApp::new().await;
    let lead = app.signed_up_as(SUPERVISOR, "supervisor").await;
    let email = "late@caseport.test";

    app.send(invite(email, "support").cookie(Some(&lead))).await;
    let first = token_for(&app, email, 0).await;
    app.send(invite(email, "officer").cookie(Some(&lead))).await;
    let second = token_for(&app, email, 1).await;
    let replaced = app.send(join(&first, NEW_PASSWORD)).await;
    assert!(replaced.body.contains("LinkWithdrawn"), "{replaced:?}");

    let overview = app
        .send(Req::api("get_staff_overview", &[]).cookie(Some(&lead)))
        .await;
    let pending = overview.json()["pending"].clone();
    assert_eq!(pending.as_array().map(Vec::len), Some(1), "{overview:?}");
    assert_eq!(pending[0]["role"], "officer");
    let id = pending[0]["id"].as_str().unwrap().to_owned();
    let withdrawn = app
        .send(Req::api("withdraw_staff_invitation", &[("id", &id)]).cookie(Some(&lead)))
        .await;
    assert_eq!(withdrawn.status, 200, "{withdrawn:?}");
    let refused = app.send(join(&second, NEW_PASSWORD)).await;
    assert!(refused.body.contains("LinkWithdrawn"), "{refused:?}");
    let twice = app
        .send(Req::api("withdraw_staff_invitation", &[("id", &id)]).cookie(Some(&lead)))
        .await;
    assert_eq!(twice.status, 404, "{twice:?}");

    app.send(invite(email, "officer").cookie(Some(&lead))).await;
    let third = token_for(&app, email, 2).await;
    app.clock.advance(72 * 3600);
    let expired = app.send(join(&third, NEW_PASSWORD)).await;
    assert!(expired.body.contains("LinkExpired"), "{expired:?}");

    for made_up in [
        "",
        "x",
        &"A".repeat(43),
        &"A".repeat(5000),
        "../../etc/passwd",
    ] {
        let answer = app.send(join(made_up, NEW_PASSWORD)).await;
        assert_eq!(answer.status, 422, "{answer:?}");
        assert!(answer.body.contains("LinkInvalid"), "{answer:?}");
    }
    assert_eq!(role_of(&app, email).await, None);
    assert_eq!(app.audited("staff.invited").await, 3);
    assert_eq!(app.audited("staff.invitation_withdrawn").await, 1);
    assert_eq!(app.audited("staff.joined").await, 0);
}

#[tokio::test]
async fn two_tabs_using_one_link_at_once_create_one_account() {
    let app = TestApp::new().await;
    let lead = app.signed_up_as(SUPERVISOR, "supervisor").await;
    let email = "twice@caseport.test";
    app.send(invite(email, "officer").cookie(Some(&lead))).await;
    let token = token_for(&app, email, 0).await;
    let accounts_before = app.count("accounts").await;

    let (first, second) = tokio::join!(
        app.send(join(&token, NEW_PASSWORD)),
        app.send(join(&token, "another chosen passphrase 7731"))
    );
    let statuses = [first.status.as_u16(), second.status.as_u16()];
    assert!(
        statuses.contains(&200) && statuses.contains(&422),
        "{first:?} {second:?}"
    );
    let refused = if first.status == 200 { &second } else { &first };
    assert!(refused.body.contains("LinkUsed"), "{refused:?}");
    assert_eq!(app.count("accounts").await, accounts_before + 1);
    assert_eq!(app.audited("staff.joined").await, 1);
}

#[tokio::test]
async fn invitation_links_are_throttled_per_client_network_and_a_forged_forwarded_for_does_not_help(
) {
    let app = TestApp::new().await;
    let probe = |ip: &str| {
        Req::api("get_staff_invitation", &[("token", "made-up-token-value")]).from_ip(ip)
    };
    for n in 0..30 {
        // One IPv6 client holds its whole /64: fresh addresses in it share one count.
        let answer = app.send(probe(&format!("2001:db8:1:2::{:x}", n + 1))).await;
        assert_eq!(answer.status, 422, "try {n}: {answer:?}");
        assert!(answer.body.contains("LinkInvalid"), "{answer:?}");
    }
    let refused = app.send(probe("2001:db8:1:2::ffff")).await;
    let wait = retry_after(&refused, "the 31st link try in an hour");
    assert!((1..=3600).contains(&wait), "{wait}");
    let joining = app
        .send(join("made-up-token-value", NEW_PASSWORD).from_ip("2001:db8:1:2::9"))
        .await;
    assert_eq!(joining.status, 429, "joining counts too: {joining:?}");
    let forged = app
        .send(probe("2001:db8:1:2::1").header("x-forwarded-for", "203.0.113.9"))
        .await;
    assert_eq!(
        forged.status, 429,
        "an untrusted peer's X-Forwarded-For changes nothing"
    );
    assert_eq!(
        app.send(probe("2001:db8:1:3::1")).await.status,
        422,
        "another network"
    );
    app.clock.advance(3600);
    assert_eq!(
        app.send(probe("2001:db8:1:2::1")).await.status,
        422,
        "an hour later"
    );
}
