//! The officers' console: function-level and assignment-based access (item 38), object-level
//! access for staff (item 37), the queue's filters and keyset pages, the actions on a case and
//! what they change on the applicant's side, bad input, and the audit chain (item 66).

use crate::support::*;
use app::{
    cases::{
        model::{CaseStatus, FormType, ServiceCentre},
        service::{create_case, CaseFiling, CreatedCase},
        texts::catalogue,
    },
    i18n::Locale,
    infra::{audit, clock::Clock},
};

async fn new_case(app: &TestApp, account_id: Option<String>, form: FormType) -> CreatedCase {
    create_case(
        &app.state,
        &CaseFiling {
            centre: ServiceCentre::Lin,
            form,
            applicant_name: "Queue Person".into(),
            account_id,
            received_at: START - 86_400,
        },
        None,
    )
    .await
    .unwrap()
}

fn assign(id: &str, officer: &str) -> Req {
    Req::api("assign_case", &[("id", id), ("officer", officer)])
}

fn change(id: &str, status: &str, note: &str) -> Req {
    Req::api(
        "change_case_status",
        &[("id", id), ("status", status), ("note", note)],
    )
}

fn evidence(id: &str, due: &str, instructions: &str) -> Req {
    Req::api(
        "request_case_evidence",
        &[
            ("id", id),
            ("due_date", due),
            ("instructions", instructions),
        ],
    )
}

fn queue(filter: &[(&str, &str)]) -> Req {
    let mut fields = vec![
        ("status", ""),
        ("form", ""),
        ("centre", ""),
        ("assignee", ""),
        ("after", ""),
    ];
    for (key, value) in filter {
        fields.retain(|(k, _)| k != key);
        fields.push((key, value));
    }
    Req::api("get_officer_queue", &fields)
}

fn receipts(page: &TestResponse) -> Vec<String> {
    page.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["receipt_number"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts that a server function answered with a redirect (to `path`, if given): for a fetch
/// Leptos answers 200 with the target in `Location`.
fn redirected(answer: &TestResponse, path: Option<&str>) {
    assert_eq!(answer.status, 200, "{answer:?}");
    let location = answer.header("location").expect("a redirect");
    if let Some(path) = path {
        assert_eq!(location, path);
    }
}

/// `YYYY-MM-DD` of the day `days` after the test clock's today.
fn day_from_now(app: &TestApp, days: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(app.clock.now() + days * 86_400).unwrap();
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

#[tokio::test]
async fn item38_an_applicant_calling_any_officer_function_is_refused() {
    let app = TestApp::new().await;
    let (applicant, _) = app.signed_up("applicant@example.com", PASSWORD).await;
    let case = new_case(&app, None, FormType::I130).await;
    let id = case.id.as_str();
    for request in [
        queue(&[]),
        Req::api("get_staff_case", &[("id", id)]),
        assign(id, "me"),
        change(id, "approved", ""),
        evidence(id, &day_from_now(&app, 30), "Birth certificate"),
    ] {
        let path = request.path.clone();
        let answer = app.send(request.cookie(Some(&applicant))).await;
        assert_eq!(answer.status, 403, "{path}: {answer:?}");
    }
    let page = app
        .send(Req::get("/officer").cookie(Some(&applicant)))
        .await;
    assert!(
        page.body.contains("usa-error-summary"),
        "the console page refuses too"
    );
    assert_eq!(app.count("case_events").await, 1, "nothing changed");
}

#[tokio::test]
async fn item38_an_officer_cannot_see_or_change_a_case_another_officer_holds() {
    let app = TestApp::new().await;
    let x = app.signed_up_as("x@example.com", "officer").await;
    let y = app.signed_up_as("y@example.com", "officer").await;
    let ys = new_case(&app, None, FormType::I485).await;
    redirected(&app.send(assign(&ys.id, "me").cookie(Some(&y))).await, None);

    for request in [
        Req::api("get_staff_case", &[("id", ys.id.as_str())]),
        assign(&ys.id, "me"),
        change(&ys.id, "approved", ""),
        evidence(&ys.id, &day_from_now(&app, 30), "Passport"),
    ] {
        let path = request.path.clone();
        let answer = app.send(request.cookie(Some(&x))).await;
        assert_eq!(answer.status, 404, "{path}: {answer:?}");
    }
    let page = app
        .send(Req::get(&format!("/officer/cases/{}", ys.id)).cookie(Some(&x)))
        .await;
    assert_eq!(page.status, 404);
    assert!(!page.body.contains(ys.receipt_number.as_str()));
    let listed = app.send(queue(&[]).cookie(Some(&x))).await;
    assert!(!receipts(&listed).contains(&ys.receipt_number.to_string()));
    // Y sees it, and a supervisor sees everything.
    let boss = app.signed_up_as("boss@example.com", "supervisor").await;
    for cookie in [&y, &boss] {
        let listed = app.send(queue(&[]).cookie(Some(cookie))).await;
        assert!(receipts(&listed).contains(&ys.receipt_number.to_string()));
    }
    assert_eq!(app.count("case_events").await, 1);
}

#[tokio::test]
async fn an_officers_status_change_reaches_the_applicant_at_once_and_staff_notes_stay_private() {
    let app = TestApp::new().await;
    let (applicant, _) = app.signed_up("person@example.com", PASSWORD).await;
    let account = app.account_id("person@example.com").await;
    let case = new_case(&app, Some(account), FormType::I765).await;
    let officer = app.signed_up_as("officer@example.com", "officer").await;

    // Acting needs holding the case first.
    let refused = app
        .send(change(&case.id, "approved", "").cookie(Some(&officer)))
        .await;
    assert_eq!(refused.status, 403);
    let taken = app
        .send(assign(&case.id, "me").cookie(Some(&officer)))
        .await;
    redirected(
        &taken,
        Some(&format!("/officer/cases/{}?done=assigned", case.id)),
    );
    let changed = app
        .send(change(&case.id, "fingerprints_taken", "prints ok, file 42").cookie(Some(&officer)))
        .await;
    redirected(
        &changed,
        Some(&format!("/officer/cases/{}?done=status", case.id)),
    );

    let title = catalogue(Locale::En)
        .status(CaseStatus::FingerprintsTaken)
        .title;
    let theirs = app
        .send(Req::get(&format!("/cases/{}", case.id)).cookie(Some(&applicant)))
        .await;
    assert!(
        theirs.body.contains(title),
        "the applicant sees the new status"
    );
    assert!(
        !theirs.body.contains("prints ok"),
        "staff notes stay private"
    );
    let public = app
        .send(Req::get(&format!(
            "/case-status?receipt={}",
            case.receipt_number
        )))
        .await;
    assert!(public.body.contains(title));
    assert!(!public.body.contains("prints ok"));
    let console = app
        .send(Req::get(&format!("/officer/cases/{}", case.id)).cookie(Some(&officer)))
        .await;
    assert!(
        console.body.contains("prints ok, file 42"),
        "staff see their notes"
    );
    assert!(console.body.contains("officer@example.com"));
}

#[tokio::test]
async fn bad_officer_input_is_explained_and_changes_nothing() {
    let app = TestApp::new().await;
    let officer = app.signed_up_as("o@example.com", "officer").await;
    let case = new_case(&app, None, FormType::N400).await;
    app.send(assign(&case.id, "me").cookie(Some(&officer)))
        .await;
    let events = app.count("case_events").await;

    for (request, field) in [
        (change(&case.id, "made_up_status", ""), "status"),
        (change(&case.id, "", ""), "status"),
        (change(&case.id, "approved", &"x".repeat(2001)), "note"),
        (
            evidence(&case.id, &day_from_now(&app, -1), "Passport"),
            "due_date",
        ),
        (
            evidence(&case.id, &day_from_now(&app, 0), "Passport"),
            "due_date",
        ),
        (evidence(&case.id, "2027-02-30", "Passport"), "due_date"),
        (evidence(&case.id, "next week", "Passport"), "due_date"),
        (
            evidence(&case.id, &day_from_now(&app, 30), "   "),
            "instructions",
        ),
    ] {
        let path = request.path.clone();
        let answer = app.send(request.cookie(Some(&officer))).await;
        assert_eq!(answer.status, 422, "{path}: {answer:?}");
        assert_eq!(
            answer.json()["Validation"]["field_errors"][0]["field"],
            field,
            "{path}"
        );
    }
    for filter in [
        [("status", "nope")],
        [("form", "I-999")],
        [("centre", "XYZ")],
        [("assignee", "someone")],
    ] {
        let answer = app.send(queue(&filter).cookie(Some(&officer))).await;
        assert_eq!(answer.status, 422, "{filter:?}");
    }
    let junk = app
        .send(queue(&[("after", "1.' OR 1=1 --")]).cookie(Some(&officer)))
        .await;
    assert_eq!(junk.status, 400);
    let unknown = app
        .send(change("00000000000000000000000000000000", "approved", "").cookie(Some(&officer)))
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(app.count("case_events").await, events);
    assert_eq!(app.count("evidence_requests").await, 0);
}

#[tokio::test]
async fn a_request_for_evidence_shows_the_applicant_what_to_send_and_by_when() {
    let app = TestApp::new().await;
    let (applicant, _) = app.signed_up("rfe@example.com", PASSWORD).await;
    let account = app.account_id("rfe@example.com").await;
    let case = new_case(&app, Some(account), FormType::I485).await;
    let officer = app.signed_up_as("rfe-officer@example.com", "officer").await;
    app.send(assign(&case.id, "me").cookie(Some(&officer)))
        .await;
    let due = day_from_now(&app, 30);
    let sent = app
        .send(
            evidence(&case.id, &due, "A certified copy of your birth certificate")
                .cookie(Some(&officer)),
        )
        .await;
    redirected(
        &sent,
        Some(&format!("/officer/cases/{}?done=evidence", case.id)),
    );
    let page = app
        .send(Req::get(&format!("/cases/{}", case.id)).cookie(Some(&applicant)))
        .await;
    assert!(page
        .body
        .contains("A certified copy of your birth certificate"));
    let due_text = app::cases::dates::long_date(app.clock.now() + 30 * 86_400, Locale::En);
    assert!(page.body.contains(&due_text), "due date {due_text} shown");
    assert!(page.body.contains(
        catalogue(Locale::En)
            .status(CaseStatus::EvidenceRequested)
            .title
    ));
}

#[tokio::test]
async fn supervisors_assign_cases_to_officers_only() {
    let app = TestApp::new().await;
    let boss = app.signed_up_as("sup@example.com", "supervisor").await;
    let _officer = app.signed_up_as("worker@example.com", "officer").await;
    let worker_id = app.account_id("worker@example.com").await;
    let (_person, _) = app.signed_up("not-staff@example.com", PASSWORD).await;
    let applicant_id = app.account_id("not-staff@example.com").await;
    let case = new_case(&app, None, FormType::I90).await;

    let refused = app
        .send(assign(&case.id, &applicant_id).cookie(Some(&boss)))
        .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    let given = app
        .send(assign(&case.id, &worker_id).cookie(Some(&boss)))
        .await;
    redirected(&given, None);
    let mine = app
        .send(queue(&[("assignee", worker_id.as_str())]).cookie(Some(&boss)))
        .await;
    assert_eq!(receipts(&mine), vec![case.receipt_number.to_string()]);
    // An officer cannot hand a case to someone else.
    let officer = app.signed_up_as("other@example.com", "officer").await;
    let other_case = new_case(&app, None, FormType::I90).await;
    let handed = app
        .send(assign(&other_case.id, &worker_id).cookie(Some(&officer)))
        .await;
    assert_eq!(handed.status, 403);
}

#[tokio::test]
async fn the_queue_pages_by_cursor_without_gaps_or_repeats_and_filters() {
    let app = TestApp::new().await;
    let officer = app.signed_up_as("pager@example.com", "officer").await;
    let mut made = Vec::new();
    for i in 0..60 {
        let form = if i % 3 == 0 {
            FormType::I130
        } else {
            FormType::N400
        };
        made.push(new_case(&app, None, form).await.receipt_number.to_string());
        if i % 7 == 0 {
            app.clock.advance(1);
        }
    }
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = app
            .send(queue(&[("after", after.as_str())]).cookie(Some(&officer)))
            .await;
        assert_eq!(page.status, 200, "{page:?}");
        let rows = receipts(&page);
        assert!(rows.len() <= 25);
        seen.extend(rows);
        match page.json()["next"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    let mut sorted_seen = seen.clone();
    sorted_seen.sort();
    sorted_seen.dedup();
    assert_eq!(sorted_seen.len(), 60, "every case once");
    made.sort();
    assert_eq!(sorted_seen, made);

    let i130 = app
        .send(queue(&[("form", "i130")]).cookie(Some(&officer)))
        .await;
    assert_eq!(receipts(&i130).len(), 20);
    let received = app
        .send(queue(&[("status", "case_received"), ("centre", "lin")]).cookie(Some(&officer)))
        .await;
    assert_eq!(receipts(&received).len(), 25);
    let none = app
        .send(queue(&[("status", "approved")]).cookie(Some(&officer)))
        .await;
    assert!(receipts(&none).is_empty());
}

#[tokio::test]
async fn item66_staff_actions_are_chained_in_the_audit_log_and_tampering_is_detected() {
    let app = TestApp::new().await;
    let officer = app.signed_up_as("audited@example.com", "officer").await;
    let case = new_case(&app, None, FormType::I131).await;
    app.send(assign(&case.id, "me").cookie(Some(&officer)))
        .await;
    app.send(change(&case.id, "actively_reviewed", "").cookie(Some(&officer)))
        .await;
    app.send(Req::api("get_staff_case", &[("id", case.id.as_str())]).cookie(Some(&officer)))
        .await;
    let sealed = audit::seal_pending(&app.state).await.unwrap();
    assert_eq!(sealed, 3, "assigned, status changed, viewed");
    let report = audit::verify(&app.state.db, &app.state.keys).await.unwrap();
    assert_eq!(report.problem, None);
    assert_eq!((report.sealed, report.unsealed), (3, 0));
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        actions,
        ["case.assigned", "case.status_changed", "case.viewed"]
    );

    // The database refuses to change or delete an entry.
    let update = sqlx::query("UPDATE audit_log SET detail = '{}' WHERE seq = 2")
        .execute(&app.state.db.pool)
        .await;
    assert!(update.is_err(), "sealed entries are immutable");
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(&app.state.db.pool)
        .await
        .is_err());

    // Someone who gets past the triggers is still caught by the chain.
    let bypass = match app.state.db.kind {
        app::infra::db::DbKind::Sqlite => "DROP TRIGGER audit_log_sealed_immutable",
        app::infra::db::DbKind::Postgres => {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_sealed_immutable"
        }
    };
    sqlx::query(bypass)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET detail = '{\"from\":\"approved\"}' WHERE seq = 2")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let report = audit::verify(&app.state.db, &app.state.keys).await.unwrap();
    assert_eq!(
        report.problem.as_deref(),
        Some("entry 2 was changed after it was sealed")
    );
}

#[tokio::test]
async fn the_queue_page_links_to_the_next_page_and_back_to_the_first() {
    let app = TestApp::new().await;
    let officer = app.signed_up_as("pages@example.com", "officer").await;
    for _ in 0..30 {
        new_case(&app, None, FormType::I765).await;
    }
    let first = app
        .send(Req::get("/officer?form=I-765").cookie(Some(&officer)))
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body.matches("/officer/cases/").count(), 25);
    assert!(!first.body.contains(">First page<"));
    let next = first
        .body
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the next page")
        .replace("&amp;", "&");
    assert!(next.contains("form=I-765"), "the filters stay: {next}");
    let second = app.send(Req::get(&next).cookie(Some(&officer))).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.body.matches("/officer/cases/").count(), 5);
    assert!(second.body.contains(">First page<"));
    assert!(!second.body.contains("rel=\"next\""));
}
