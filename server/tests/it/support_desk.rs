//! The support desk: only support and supervisors use it (item 38); it finds an account by email
//! address or account number and shows only what support needs, lifts a sign-in pause, and issues
//! a paper filing's access code again (the old code stops working); every lookup and action is in
//! the audit log.

use crate::support::*;
use app::infra::pdf::shown_text;

fn search(q: &str) -> Req {
    Req::api("support_search", &[("q", q)])
}

#[tokio::test]
async fn only_support_and_supervisors_use_the_desk_and_it_shows_only_what_support_needs() {
    let app = TestApp::new().await;
    let desk = app.signed_up_as("desk@caseport.test", "support").await;
    let officer = app
        .signed_up_as("officer-at-desk@caseport.test", "officer")
        .await;
    let (applicant, _) = app.signed_up("person@example.test", PASSWORD).await;

    for (cookie, status) in [(Some(&applicant), 403), (Some(&officer), 403), (None, 401)] {
        let answer = app
            .send(search("person@example.test").cookie(cookie.map(String::as_str)))
            .await;
        assert_eq!(answer.status, status, "{answer:?}");
    }
    let found = app
        .send(search(" Person@Example.test ").cookie(Some(&desk)))
        .await;
    assert_eq!(found.status, 200, "{found:?}");
    let account = found.json()["account"].clone();
    assert_eq!(account["email"], "person@example.test");
    assert_eq!(account["has_authenticator"], true);
    assert_eq!(account["paused_until"], serde_json::Value::Null);
    for secret in ["password", "answer", "secret", "hash"] {
        assert!(
            !found.body.to_lowercase().contains(secret),
            "{secret} in {found:?}"
        );
    }
    let number = account["account_number"].as_str().unwrap().to_owned();
    let by_number = app.send(search(&number).cookie(Some(&desk))).await;
    assert_eq!(by_number.json()["account"]["email"], "person@example.test");

    let unknown = app
        .send(search("nobody@example.test").cookie(Some(&desk)))
        .await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("NothingFound"), "{unknown:?}");
    let garbage = app
        .send(search("drop table accounts").cookie(Some(&desk)))
        .await;
    assert_eq!(garbage.status, 422);
    assert!(garbage.body.contains("QueryInvalid"), "{garbage:?}");
    assert_eq!(app.audited("support.account_viewed").await, 2);
}

#[tokio::test]
async fn support_lifts_a_sign_in_pause() {
    let app = TestApp::new().await;
    let desk = app.signed_up_as("desk2@caseport.test", "support").await;
    let email = "paused@example.test";
    let (_, secret) = app.signed_up(email, PASSWORD).await;
    for i in 1..=10 {
        app.clock.advance(80);
        app.send(
            Req::sign_in(email, "wrong password entirely").from_ip(&format!("198.51.100.{i}")),
        )
        .await;
    }
    let paused = app
        .send(Req::sign_in(email, PASSWORD).from_ip("198.51.100.50"))
        .await;
    assert_eq!(paused.status, 429, "{paused:?}");
    let found = app.send(search(email).cookie(Some(&desk))).await;
    assert!(
        found.json()["account"]["paused_until"].is_string(),
        "{found:?}"
    );
    let id = found.json()["account"]["id"].as_str().unwrap().to_owned();

    let unlocked = app
        .send(Req::api("unlock_account", &[("id", &id)]).cookie(Some(&desk)))
        .await;
    assert_eq!(unlocked.status, 200, "{unlocked:?}");
    assert_eq!(
        unlocked.header("location").as_deref(),
        Some("/support?q=paused%40example.test&done=unlocked")
    );
    let signed_in = app.sign_in(email, PASSWORD, &secret, 1).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert_eq!(app.audited("support.account_unlocked").await, 1);
    let applicant_try = app
        .send(
            Req::api("unlock_account", &[("id", &id)])
                .cookie(signed_in.session_cookie().as_deref()),
        )
        .await;
    assert_eq!(applicant_try.status, 403);
}

#[tokio::test]
async fn support_issues_an_access_code_again_and_the_old_one_stops_working() {
    let app = TestApp::new().await;
    let desk = app.signed_up_as("desk3@caseport.test", "support").await;
    let officer = app.signed_up_as("filer@caseport.test", "officer").await;
    let filed = app
        .send(
            Req::api(
                "record_paper_filing",
                &[
                    ("form", "I-90"),
                    ("centre", "NBC"),
                    ("applicant_name", "Lost Notice"),
                    ("language", "en"),
                ],
            )
            .cookie(Some(&officer)),
        )
        .await;
    let location = filed.header("location").unwrap();
    let case_id = location
        .trim_start_matches("/officer/cases/")
        .trim_end_matches("?done=filed")
        .to_owned();
    let print = |cookie: String| {
        let case_id = case_id.clone();
        let app = &app;
        async move {
            let pdf = app
                .send(
                    Req::get(&format!("/documents/access-notices/{case_id}")).cookie(Some(&cookie)),
                )
                .await;
            assert_eq!(pdf.status, 200, "{pdf:?}");
            let text = shown_text(pdf.body.as_bytes());
            let mut lines = text.lines();
            lines.find(|l| *l == "Access code").unwrap();
            let code = lines.next().unwrap().to_owned();
            let receipt = text
                .lines()
                .find(|l| l.starts_with("NBC"))
                .unwrap()
                .to_owned();
            (receipt, code)
        }
    };
    let (receipt, old_code) = print(officer.clone()).await;

    let found = app
        .send(search(&receipt.to_lowercase()).cookie(Some(&desk)))
        .await;
    assert_eq!(found.status, 200, "{found:?}");
    assert_eq!(found.json()["notice"]["case_id"], case_id.as_str());
    assert_eq!(found.json()["notice"]["claimed"], false);
    let reissued = app
        .send(Req::api("reissue_access_notice", &[("id", &case_id)]).cookie(Some(&desk)))
        .await;
    assert_eq!(reissued.status, 200, "{reissued:?}");
    let (_, new_code) = print(desk.clone()).await;
    assert_ne!(old_code, new_code);

    let (person, _) = app.signed_up("lost-notice@example.test", PASSWORD).await;
    let add = |code: &str| {
        Req::api(
            "add_paper_case",
            &[("receipt", &receipt), ("access_code", code)],
        )
        .cookie(Some(&person))
    };
    let old = app.send(add(&old_code)).await;
    assert_eq!(old.status, 422);
    assert!(old.body.contains("AccessNoticeInvalid"));
    let new = app.send(add(&new_code)).await;
    assert_eq!(new.status, 200, "{new:?}");
    // Used: nothing left to issue again.
    let again = app
        .send(Req::api("reissue_access_notice", &[("id", &case_id)]).cookie(Some(&desk)))
        .await;
    assert_eq!(again.status, 404);
    assert_eq!(app.audited("support.access_notice_reissued").await, 1);
}
