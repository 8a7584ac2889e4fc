//! Profile editing (issue 8, "Profile"): personal details are checked field by field and
//! recorded in the history; a new email address counts only once the code sent to it comes back
//! (SECURITY.md item 33: after a recent full sign-in), the old address is told, and the change
//! cannot be used to learn which addresses have accounts. Runs on both databases.

use crate::support::*;

const DETAILS: [(&str, &str); 10] = [
    ("given_name", "Ana"),
    ("family_name", "Example"),
    ("birth_month", "4"),
    ("birth_day", "28"),
    ("birth_year", "1986"),
    ("address_line1", "1 Main St"),
    ("address_line2", "Apt 2"),
    ("city", "Springfield"),
    ("state", "IL"),
    ("zip_code", "62701"),
];

fn save(cookie: &str, form: &[(&str, &str)]) -> Req {
    Req::api("save_personal_details", form).cookie(Some(cookie))
}

fn start(cookie: &str, new_email: &str) -> Req {
    Req::api("start_email_change", &[("new_email", new_email)]).cookie(Some(cookie))
}

fn confirm(cookie: &str, code: &str) -> Req {
    Req::api("confirm_email_change", &[("code", code)]).cookie(Some(cookie))
}

fn assert_went_to(response: &TestResponse, target: &str) {
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{response:?}"
    );
    assert!(redirect_target(response).ends_with(target), "{response:?}");
}

async fn events(app: &TestApp, account_id: &str, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM account_events WHERE account_id = $1 AND kind = $2")
        .bind(account_id)
        .bind(kind)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn email_of(app: &TestApp, account_id: &str) -> String {
    sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// A code that is not `code`.
fn other_than(code: &str) -> String {
    if code == "000000" { "000001" } else { "000000" }.to_owned()
}

#[tokio::test]
async fn personal_details_are_checked_field_by_field_saved_and_recorded() {
    let app = TestApp::new().await;
    let email = "details@example.com";
    let (cookie, _) = app.signed_up(email, PASSWORD).await;
    let account_id = app.account_id(email).await;

    for endpoint in ["get_personal_details", "save_personal_details"] {
        let anonymous = app.send(Req::api(endpoint, &DETAILS)).await;
        assert_eq!(anonymous.status, 401, "{endpoint}: {anonymous:?}");
    }
    let empty = app
        .send(Req::api("get_personal_details", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(empty.status, 200, "{empty:?}");
    assert_eq!(empty.json()["given_name"], "");

    // Every problem at once, and nothing stored.
    let mut bad: Vec<(&str, &str)> = DETAILS.to_vec();
    for (name, value) in bad.iter_mut() {
        *value = match *name {
            "given_name" => " ",
            "birth_day" => "31",
            "birth_month" => "2",
            "state" => "XX",
            "zip_code" => "6270",
            _ => value,
        };
    }
    let refused = app.send(save(&cookie, &bad)).await;
    assert_eq!(refused.status, 422, "{refused:?}");
    let fields: Vec<String> = refused.json()["Validation"]["field_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        ["given_name", "birth_month", "state", "zip_code"],
        "{refused:?}"
    );
    assert_eq!(app.count("personal_details").await, 0);
    assert_eq!(events(&app, &account_id, "details_changed").await, 0);

    let saved = app.send(save(&cookie, &DETAILS)).await;
    assert_went_to(&saved, "/profile?saved=details");
    let read = app
        .send(Req::api("get_personal_details", &[]).cookie(Some(&cookie)))
        .await
        .json();
    assert_eq!(read["given_name"], "Ana");
    assert_eq!(
        read["date_of_birth"],
        serde_json::json!({ "year": 1986, "month": 4, "day": 28 })
    );
    assert_eq!(read["address"]["state"], "IL");
    assert_eq!(events(&app, &account_id, "details_changed").await, 1);
    app.wait_for_mail_to(email, "personal details were changed")
        .await;

    // Saving again replaces; the optional parts can be cleared.
    let mut fewer: Vec<(&str, &str)> = DETAILS.to_vec();
    for (name, value) in fewer.iter_mut() {
        if !name.ends_with("_name") {
            *value = "";
        }
    }
    assert_went_to(
        &app.send(save(&cookie, &fewer)).await,
        "/profile?saved=details",
    );
    let read = app
        .send(Req::api("get_personal_details", &[]).cookie(Some(&cookie)))
        .await
        .json();
    assert_eq!(read["date_of_birth"], serde_json::Value::Null);
    assert_eq!(read["address"]["line1"], "");
    assert_eq!(app.count("personal_details").await, 1);

    // Another account sees only its own (empty) details.
    let (other, _) = app.signed_up("other@example.com", PASSWORD).await;
    let theirs = app
        .send(Req::api("get_personal_details", &[]).cookie(Some(&other)))
        .await
        .json();
    assert_eq!(theirs["given_name"], "");
}

#[tokio::test]
async fn item33_changing_the_email_needs_a_recent_sign_in_and_the_code_sent_to_the_new_address() {
    let app = TestApp::new().await;
    let old = "moving@example.com";
    let new = "moved@example.org";
    let (cookie, secret) = app.signed_up(old, PASSWORD).await;
    let account_id = app.account_id(old).await;

    let anonymous = app
        .send(Req::api("start_email_change", &[("new_email", new)]))
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:?}");
    for (typed, message) in [("not-an-address", "EmailInvalid"), ("", "Required")] {
        let refused = app.send(start(&cookie, typed)).await;
        assert_eq!(refused.status, 422, "{typed}: {refused:?}");
        let message_json = field_message(&refused);
        assert!(
            message_json["Accounts"] == message || message_json["Common"] == message,
            "{typed}: {refused:?}"
        );
    }
    let same = app.send(start(&cookie, " Moving@Example.com ")).await;
    assert_eq!(same.status, 422, "{same:?}");
    assert_eq!(field_message(&same)["Profile"], "SameEmail");

    // Too long since the sign-in: confirm it is you first.
    app.outlast_recent_sign_in(&cookie).await;
    let stale = app.send(start(&cookie, new)).await;
    assert_eq!(stale.status, 403, "{stale:?}");
    assert_eq!(stale.json(), serde_json::json!("reauth_required"));
    assert_eq!(app.count("email_changes").await, 0);

    let fresh = app.sign_in(old, PASSWORD, &secret, 0).await;
    let fresh = fresh.session_cookie().unwrap();
    let elsewhere = app.sign_in(old, PASSWORD, &secret, 1).await;
    let elsewhere = elsewhere.session_cookie().unwrap();

    assert_went_to(&app.send(start(&fresh, new)).await, "/account/email?sent=1");
    let code = app.emailed_code(new, 1).await;
    let warned = app
        .wait_for_mail_to(old, "Someone asked to change your Caseport email address")
        .await;
    // Quoted-printable: join the soft line breaks.
    assert!(
        warned.replace("=\r\n", "").contains("m***@example.org"),
        "{warned}"
    );
    let status = app
        .send(Req::api("get_email_change", &[]).cookie(Some(&fresh)))
        .await
        .json();
    assert_eq!(status["current"], old);
    assert_eq!(status["pending"], new);

    // A wrong code changes nothing.
    let wrong = app.send(confirm(&fresh, &other_than(&code))).await;
    assert_eq!(wrong.status, 422, "{wrong:?}");
    assert_eq!(field_message(&wrong)["Accounts"], "CodeInvalid");
    assert_eq!(email_of(&app, &account_id).await, old);

    assert_went_to(
        &app.send(confirm(&fresh, &code)).await,
        "/profile?saved=email",
    );
    assert_eq!(email_of(&app, &account_id).await, new);
    assert_eq!(events(&app, &account_id, "email_changed").await, 1);
    let told = app
        .wait_for_mail_to(old, "email address of your Caseport account was changed")
        .await;
    assert!(told.contains("m***@example.org"), "{told}");
    assert!(
        !told.contains(new),
        "the old mailbox sees the new address only in part"
    );
    app.wait_for_mail_to(new, "This is now your Caseport email address")
        .await;
    assert_eq!(app.step_of(Some(&fresh)).await, "SignedIn");
    assert_eq!(app.step_of(Some(&elsewhere)).await, "SignedOut");

    // The code is used up; the new address signs in, the old one no longer does.
    let again = app.send(confirm(&fresh, &code)).await;
    assert_eq!(again.status, 422, "{again:?}");
    assert_eq!(field_message(&again)["Profile"], "NoChangePending");
    app.clock.advance(90);
    let by_new = app.sign_in(new, PASSWORD, &secret, 0).await;
    assert_eq!(by_new.status, 200, "{by_new:?}");
    assert_eq!(
        app.step_of(by_new.session_cookie().as_deref()).await,
        "SignedIn"
    );
    let by_old = app.send(Req::sign_in(old, PASSWORD)).await;
    assert_eq!(by_old.status, 401, "{by_old:?}");

    // The old address is free for a new account.
    assert_eq!(app.register(old, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn an_address_with_its_own_account_gets_a_notice_instead_of_a_code_and_the_answer_is_the_same(
) {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("mover@example.com", PASSWORD).await;
    let taken = "taken@example.com";
    app.signed_up(taken, PASSWORD).await;
    let mover_id = app.account_id("mover@example.com").await;

    let free = app.send(start(&cookie, "free@example.com")).await;
    let to_taken = app.send(start(&cookie, taken)).await;
    assert_eq!(free.status, to_taken.status);
    assert_eq!(redirect_target(&free), redirect_target(&to_taken));
    assert_eq!(free.body, to_taken.body);
    let notice = app
        .wait_for_mail_to(taken, "already has its own account")
        .await;
    assert!(!notice.contains("Caseport code is"), "{notice}");
    let status = app
        .send(Req::api("get_email_change", &[]).cookie(Some(&cookie)))
        .await
        .json();
    assert_eq!(
        status["pending"], taken,
        "the page looks the same either way"
    );

    // No code opens it (the one sent to the free address was replaced too).
    let free_code = app.emailed_code("free@example.com", 1).await;
    for code in [free_code.clone(), other_than(&free_code)] {
        let refused = app.send(confirm(&cookie, &code)).await;
        assert_eq!(refused.status, 422, "{refused:?}");
    }
    assert_eq!(email_of(&app, &mover_id).await, "mover@example.com");
}

#[tokio::test]
async fn an_email_change_code_dies_after_ten_minutes_after_five_wrong_tries_and_when_replaced() {
    let app = TestApp::new().await;
    let (cookie, secret) = app.signed_up("codes@example.com", PASSWORD).await;
    let account_id = app.account_id("codes@example.com").await;

    // Expired.
    assert_went_to(
        &app.send(start(&cookie, "late@example.com")).await,
        "/account/email?sent=1",
    );
    let late = app.emailed_code("late@example.com", 1).await;
    app.clock.advance(10 * 60 + 1);
    let expired = app.send(confirm(&cookie, &late)).await;
    assert_eq!(expired.status, 422, "{expired:?}");
    assert_eq!(field_message(&expired)["Accounts"], "CodeInvalid");
    let status = app
        .send(Req::api("get_email_change", &[]).cookie(Some(&cookie)))
        .await
        .json();
    assert_eq!(
        status["pending"],
        serde_json::Value::Null,
        "the page asks for an address again"
    );

    // Five wrong tries kill the right code.
    assert_went_to(
        &app.send(start(&cookie, "tries@example.com")).await,
        "/account/email?sent=1",
    );
    let right = app.emailed_code("tries@example.com", 1).await;
    for _ in 0..5 {
        let wrong = app.send(confirm(&cookie, &other_than(&right))).await;
        assert_eq!(wrong.status, 422, "{wrong:?}");
    }
    let dead = app.send(confirm(&cookie, &right)).await;
    assert_eq!(dead.status, 422, "{dead:?}");

    // Starting again gives the change five new tries but not the account or the address more
    // than ten a day.
    assert_went_to(
        &app.send(start(&cookie, "tries@example.com")).await,
        "/account/email?sent=1",
    );
    let fresh_code = app.emailed_code("tries@example.com", 2).await;
    for _ in 0..3 {
        let wrong = app.send(confirm(&cookie, &other_than(&fresh_code))).await;
        assert_eq!(wrong.status, 422, "{wrong:?}");
    }
    let capped = app.send(confirm(&cookie, &fresh_code)).await;
    assert_eq!(
        capped.status, 429,
        "the eleventh try of the day: {capped:?}"
    );
    assert_eq!(email_of(&app, &account_id).await, "codes@example.com");
    app.clock.advance(86_400);
    let (cookie, _) = {
        let signed_in = app.sign_in("codes@example.com", PASSWORD, &secret, 0).await;
        (signed_in.session_cookie().unwrap(), ())
    };

    // Replaced by a newer request: the older code stops working, the newer one works.
    assert_went_to(
        &app.send(start(&cookie, "first@example.com")).await,
        "/account/email?sent=1",
    );
    let first = app.emailed_code("first@example.com", 1).await;
    assert_went_to(
        &app.send(start(&cookie, "second@example.com")).await,
        "/account/email?sent=1",
    );
    let second = app.emailed_code("second@example.com", 1).await;
    if first != second {
        let replaced = app.send(confirm(&cookie, &first)).await;
        assert_eq!(replaced.status, 422, "{replaced:?}");
    }
    assert_eq!(email_of(&app, &account_id).await, "codes@example.com");
    assert_went_to(
        &app.send(confirm(&cookie, &second)).await,
        "/profile?saved=email",
    );
    assert_eq!(email_of(&app, &account_id).await, "second@example.com");
}
