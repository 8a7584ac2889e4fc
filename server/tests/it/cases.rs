//! Cases: the public case status lookup, the applicant's case pages, and object-level
//! authorisation (item 37).

use crate::support::*;

use app::{
    cases::{
        model::{CaseStatus, FormType, ServiceCentre},
        service::{create_case, record_status_at, CaseFiling, CreatedCase},
        texts::catalogue,
    },
    i18n::Locale,
    infra::state::Policy,
};

const DAY: i64 = 86_400;

/// A case received 30 days ago, its fingerprints taken 20 days ago and approved 2 days ago.
async fn case_with_history(app: &TestApp, account_id: Option<String>) -> CreatedCase {
    let created = create_case(
        &app.state,
        &CaseFiling {
            centre: ServiceCentre::Ioe,
            form: FormType::I130,
            applicant_name: "Ana Example".into(),
            account_id,
            received_at: START - 30 * DAY,
        },
        None,
    )
    .await
    .unwrap();
    for (status, days_ago) in [
        (CaseStatus::FingerprintsTaken, 20),
        (CaseStatus::Approved, 2),
    ] {
        record_status_at(
            &app.state,
            &created.id,
            status,
            None,
            Some("staff note"),
            START - days_ago * DAY,
        )
        .await
        .unwrap();
    }
    created
}

/// `receipt` written the way a person might type it: lower case with dashes.
fn typed(receipt: &str) -> String {
    let lower = receipt.to_lowercase();
    format!("{}-{}-{}", &lower[..3], &lower[3..8], &lower[8..])
}

#[tokio::test]
async fn the_public_status_page_shows_the_current_status_and_the_history() {
    let app = TestApp::new().await;
    let case = case_with_history(&app, None).await;
    let receipt = case.receipt_number.as_str();
    let page = app
        .send(Req::get(&format!(
            "/case-status?receipt={}",
            typed(receipt)
        )))
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    let en = catalogue(Locale::En);
    for expected in [
        en.status(CaseStatus::Approved).title,
        en.status(CaseStatus::FingerprintsTaken).title,
        en.status(CaseStatus::CaseReceived).title,
        receipt,
        "I-130",
    ] {
        assert!(page.body.contains(expected), "{expected:?} missing");
    }
    assert!(
        page.body
            .contains(&app::cases::dates::long_date(START - 2 * DAY, Locale::En)),
        "the description carries the date of the change"
    );
    assert!(
        !page.body.contains("staff note"),
        "staff notes are not public"
    );
    let spanish = app
        .send(Req::get(&format!("/case-status?receipt={receipt}")).header("accept-language", "es"))
        .await;
    assert!(spanish
        .body
        .contains(catalogue(Locale::Es).status(CaseStatus::Approved).title));
}

#[tokio::test]
async fn malformed_and_unknown_receipt_numbers_are_explained_and_change_nothing() {
    let app = TestApp::new().await;
    case_with_history(&app, None).await;
    let before = (app.count("cases").await, app.count("case_events").await);
    for input in [
        "XYZ0912345678",
        "IOE12345",
        "IOE091234567890",
        "IOE09123456<8",
        "0912345678",
        "IOE0000000000",
    ] {
        let answer = app
            .send(Req::api("get_public_case_status", &[("receipt", input)]))
            .await;
        assert_eq!(answer.status, 422, "{input}: {answer:?}");
        let error = &answer.json()["Validation"]["field_errors"][0];
        assert_eq!(error["field"], "receipt", "{input}");
        assert!(
            error["message"]["Cases"].is_object() || error["message"]["Cases"].is_string(),
            "{input}: {error}"
        );
        let page = app
            .send(Req::get(&format!(
                "/case-status?receipt={}",
                percent_encode(input)
            )))
            .await;
        assert_eq!(page.status, 200, "{input}");
        assert!(page.body.contains("usa-error-summary"), "{input}");
        assert!(page.body.contains("aria-invalid=\"true\""), "{input}");
    }
    let empty = app
        .send(Req::api("get_public_case_status", &[("receipt", " ")]))
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        (app.count("cases").await, app.count("case_events").await),
        before
    );
}

fn percent_encode(text: &str) -> String {
    form_body(&[("x", text)])["x=".len()..].to_owned()
}

#[tokio::test]
async fn public_lookups_are_limited_per_client_address() {
    let app = TestApp::with_policy(Policy {
        case_status_per_minute: 3,
        ..test_policy()
    })
    .await;
    let case = case_with_history(&app, None).await;
    let receipt = case.receipt_number.as_str();
    let lookup = |ip: &str| Req::api("get_public_case_status", &[("receipt", receipt)]).from_ip(ip);
    for _ in 0..3 {
        assert_eq!(app.send(lookup("192.0.2.7")).await.status, 200);
    }
    let refused = app.send(lookup("192.0.2.7")).await;
    let wait = retry_after(&refused, "fourth lookup in a minute");
    assert!((1..=60).contains(&wait), "{wait}");
    // A forged X-Forwarded-For from an untrusted peer changes nothing.
    let forged = app
        .send(lookup("192.0.2.7").header("x-forwarded-for", "203.0.113.9"))
        .await;
    assert_eq!(forged.status, 429);
    let page = app
        .send(Req::get(&format!("/case-status?receipt={receipt}")).from_ip("192.0.2.7"))
        .await;
    assert!(
        page.body.contains("usa-error-summary"),
        "the page says so too"
    );
    assert_eq!(app.send(lookup("192.0.2.8")).await.status, 200);
    app.clock.advance(60);
    assert_eq!(app.send(lookup("192.0.2.7")).await.status, 200);
}

#[tokio::test]
async fn the_signed_in_home_lists_the_accounts_cases_and_each_case_page_its_timeline() {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("cases@example.com", PASSWORD).await;
    let account = app.account_id("cases@example.com").await;
    let case = case_with_history(&app, Some(account.clone())).await;
    let waiting = create_case(
        &app.state,
        &CaseFiling {
            centre: ServiceCentre::Nbc,
            form: FormType::I485,
            applicant_name: "Ana Example".into(),
            account_id: Some(account),
            received_at: START - 10 * DAY,
        },
        None,
    )
    .await
    .unwrap();
    record_status_at(
        &app.state,
        &waiting.id,
        CaseStatus::EvidenceRequested,
        None,
        None,
        START - DAY,
    )
    .await
    .unwrap();

    let home = app.send(Req::get("/account").cookie(Some(&cookie))).await;
    assert_eq!(home.status, 200);
    for receipt in [
        case.receipt_number.as_str(),
        waiting.receipt_number.as_str(),
    ] {
        assert!(
            home.body.contains(receipt),
            "{receipt} missing from the home page"
        );
    }
    // Most recently changed first.
    let first = home.body.find(waiting.receipt_number.as_str()).unwrap();
    let second = home.body.find(case.receipt_number.as_str()).unwrap();
    assert!(first < second, "the newest change is listed first");

    let page = app
        .send(Req::get(&format!("/cases/{}", waiting.id)).cookie(Some(&cookie)))
        .await;
    assert_eq!(page.status, 200);
    let texts = app::cases::texts::texts(Locale::En);
    assert!(
        page.body.contains(texts.evidence_requested),
        "what to do next"
    );
    let approved = app
        .send(Req::get(&format!("/cases/{}", case.id)).cookie(Some(&cookie)))
        .await;
    assert!(approved.body.contains(texts.nothing_to_do));
    assert!(approved.body.contains(
        catalogue(Locale::En)
            .status(CaseStatus::FingerprintsTaken)
            .title
    ));

    let listed = app
        .send(Req::api("list_my_cases", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["cases"].as_array().map(Vec::len), Some(2));
    assert_eq!(listed.json()["works_cases"], false);
}

#[tokio::test]
async fn item37_an_applicant_sees_only_their_own_cases_and_guessing_ids_finds_nothing() {
    let app = TestApp::new().await;
    let (alice, _) = app.signed_up("alice@example.com", PASSWORD).await;
    let (_bob, _) = app.signed_up("bob@example.com", PASSWORD).await;
    let bob_id = app.account_id("bob@example.com").await;
    let bobs = case_with_history(&app, Some(bob_id)).await;
    let unlinked = case_with_history(&app, None).await;
    assert_eq!(bobs.id.len(), 32, "case ids are 128-bit random hex");

    for id in [bobs.id.as_str(), unlinked.id.as_str()] {
        let answer = app
            .send(Req::api("get_my_case", &[("id", id)]).cookie(Some(&alice)))
            .await;
        assert_eq!(answer.status, 404, "someone else's case: {answer:?}");
        let page = app
            .send(Req::get(&format!("/cases/{id}")).cookie(Some(&alice)))
            .await;
        assert_eq!(page.status, 404, "the page of someone else's case");
        assert!(!page.body.contains(bobs.receipt_number.as_str()));
        assert!(!page.body.contains(unlinked.receipt_number.as_str()));
    }
    let list = app
        .send(Req::api("list_my_cases", &[]).cookie(Some(&alice)))
        .await;
    assert_eq!(list.json()["cases"], serde_json::json!([]));

    for _ in 0..1000 {
        let guess = app::infra::crypto::random_hex(16);
        let answer = app
            .send(Req::api("get_my_case", &[("id", &guess)]).cookie(Some(&alice)))
            .await;
        assert_eq!(answer.status, 404);
    }
    let unauthenticated = app.send(Req::api("get_my_case", &[("id", &bobs.id)])).await;
    assert_eq!(unauthenticated.status, 401);
}

#[tokio::test]
async fn fresh_receipt_numbers_are_unique_and_well_formed() {
    let app = TestApp::new().await;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..200 {
        let created = create_case(
            &app.state,
            &CaseFiling {
                centre: ServiceCentre::Wac,
                form: FormType::N400,
                applicant_name: "Many Cases".into(),
                account_id: None,
                received_at: START,
            },
            None,
        )
        .await
        .unwrap();
        let text = created.receipt_number.as_str().to_owned();
        assert!(text.starts_with("WAC") && text.len() == 13, "{text}");
        assert_eq!(
            app::cases::model::ReceiptNumber::parse(&text).map(|r| r.as_str().to_owned()),
            Ok(text.clone())
        );
        assert!(seen.insert(text));
    }
}

#[tokio::test]
async fn seeded_cases_are_consistent_and_a_second_seeding_continues_the_numbers() {
    use app::cases::seed::{next_serial, seed_cases};
    let app = TestApp::new().await;
    assert_eq!(next_serial(&app.state).await.unwrap(), 0);
    let report = seed_cases(&app.state, 900, 4, 0, |_| {}).await.unwrap();
    assert_eq!(report.cases, 900);
    assert_eq!(app.count("cases").await, 900);
    assert_eq!(app.count("case_events").await, report.events as i64);
    let mean = report.events as f64 / 900.0;
    assert!(
        (3.0..5.0).contains(&mean),
        "about 4 events per case: {mean}"
    );
    // Every case's current status is its newest event's, and every receipt number parses.
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases c WHERE c.status <> (
             SELECT e.status FROM case_events e WHERE e.case_id = c.id ORDER BY e.seq DESC LIMIT 1)
           OR c.status_changed_at <> (
             SELECT MAX(e.occurred_at) FROM case_events e WHERE e.case_id = c.id)",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(mismatched, 0);
    let receipts: Vec<String> = sqlx::query_scalar("SELECT receipt_number FROM cases")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert!(receipts
        .iter()
        .all(|r| app::cases::model::ReceiptNumber::parse(r).is_ok()));
    assert_eq!(next_serial(&app.state).await.unwrap(), 900);
    seed_cases(&app.state, 10, 2, 900, |_| {}).await.unwrap();
    assert_eq!(app.count("cases").await, 910);
    // A seeded case answers the public lookup like any other.
    let page = app
        .send(Req::get(&format!("/case-status?receipt={}", receipts[0])))
        .await;
    assert!(page.body.contains("data-status-title"), "{}", receipts[0]);
}
