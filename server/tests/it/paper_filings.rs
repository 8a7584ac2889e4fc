//! Paper filings and their Account Access Notices: an officer records the filing, the notice PDF
//! carries the receipt number, a reserved account number and a one-time code; a new person
//! registers with the number and code (and gets that number), or an existing account adds the
//! case with receipt number and code. Wrong, expired and reused codes are refused with their
//! reason and throttled; downloads follow item 39; staff-only parts refuse applicants (item 38),
//! and nobody reads another person's notice (item 37).

use crate::support::*;
use app::infra::pdf::shown_text;

const OFFICER: &str = "paper-officer@caseport.test";

async fn officer(app: &TestApp) -> String {
    let (cookie, _) = app.signed_up(OFFICER, PASSWORD).await;
    sqlx::query("UPDATE accounts SET role = 'officer' WHERE email = $1")
        .bind(OFFICER)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    cookie
}

fn filing(form: &str, centre: &str, name: &str, language: &str) -> Req {
    Req::api(
        "record_paper_filing",
        &[
            ("form", form),
            ("centre", centre),
            ("applicant_name", name),
            ("language", language),
        ],
    )
}

/// What an Account Access Notice says, read back from its PDF.
struct Notice {
    case_id: String,
    receipt: String,
    account_number: String,
    code: String,
    text: String,
}

/// The value printed on the line after `label`.
fn after(text: &str, label: &str) -> String {
    let mut lines = text.lines();
    lines
        .find(|line| *line == label)
        .unwrap_or_else(|| panic!("{label} missing in {text}"));
    lines.next().unwrap().to_owned()
}

async fn record(app: &TestApp, cookie: &str, language: &str) -> Notice {
    let answer = app
        .send(filing("I-485", "IOE", "Ana Paper", language).cookie(Some(cookie)))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let location = answer.header("location").expect("redirect to the case");
    let case_id = location
        .strip_prefix("/officer/cases/")
        .and_then(|rest| rest.strip_suffix("?done=filed"))
        .unwrap_or_else(|| panic!("{location}"))
        .to_owned();
    let pdf = app
        .send(Req::get(&format!("/documents/access-notices/{case_id}")).cookie(Some(cookie)))
        .await;
    assert_eq!(pdf.status, 200, "{pdf:?}");
    let text = shown_text(pdf.body.as_bytes());
    let (number_label, code_label) = match language {
        "es" => ("Número de cuenta en línea", "Código de acceso"),
        _ => ("Online account number", "Access code"),
    };
    let receipt_label = if language == "es" {
        "Número de recibo"
    } else {
        "Receipt number"
    };
    let receipt = after(&text, receipt_label);
    let account_number = after(&text, number_label);
    let code = after(&text, code_label);
    Notice {
        case_id,
        receipt,
        account_number,
        code,
        text,
    }
}

fn with_notice<'a>(email: &'a str, number: &'a str, code: &'a str) -> Vec<(&'static str, &'a str)> {
    let mut form = registration_form(email, PASSWORD);
    form.push(("notice_account_number", number));
    form.push(("notice_access_code", code));
    form
}

fn add_case(receipt: &str, code: &str) -> Req {
    Req::api(
        "add_paper_case",
        &[("receipt", receipt), ("access_code", code)],
    )
}

fn field_and_text(answer: &TestResponse) -> (String, String) {
    let error = &answer.json()["Validation"]["field_errors"][0];
    (
        error["field"].as_str().unwrap_or_default().to_owned(),
        serde_json::to_string(&error["message"]).unwrap(),
    )
}

#[tokio::test]
async fn a_paper_filing_produces_an_access_notice_that_creates_the_account_with_its_number() {
    let app = TestApp::new().await;
    let cookie = officer(&app).await;
    let notice = record(&app, &cookie, "en").await;
    assert!(
        notice.receipt.starts_with("IOE") && notice.receipt.len() == 13,
        "{}",
        notice.text
    );
    assert_eq!(notice.account_number.len(), 14, "{}", notice.text);
    assert_eq!(notice.code.len(), 14, "{}", notice.text);
    assert!(notice.text.contains("Ana Paper"));
    assert!(notice.text.contains(&format!("{ORIGIN}/register")));

    // The staff page shows the reserved number and offers the notice; the applicant side is empty.
    let staff_case = app
        .send(Req::api("get_staff_case", &[("id", &notice.case_id)]).cookie(Some(&cookie)))
        .await;
    assert_eq!(
        staff_case.json()["access_notice"]["account_number"],
        notice.account_number.as_str()
    );
    assert_eq!(staff_case.json()["access_notice"]["claimed"], false);
    assert_eq!(staff_case.json()["linked"], false);

    // A new person registers with the number and code: the account gets that number.
    let email = "paper-person@example.test";
    let registered = app
        .send(Req::api(
            "register",
            &with_notice(email, &notice.account_number, &notice.code),
        ))
        .await;
    assert_eq!(registered.status, 200, "{registered:?}");
    let session = registered.session_cookie().unwrap();
    let verified = app.verify_latest_code(email, Some(&session)).await;
    assert_eq!(verified.status, 200, "{verified:?}");
    let digits: String = sqlx::query_scalar("SELECT account_number FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(digits, notice.account_number.replace(' ', ""));
    let session = verified.session_cookie().unwrap();
    let secret = app.enrolment_secret(&session).await;
    let confirmed = app.confirm_enrolment(&session, &secret).await;
    let person = confirmed.session_cookie().unwrap();

    // The case is on their home, its page lists the receipt notice, and the notice downloads.
    let home = app
        .send(Req::api("list_my_cases", &[]).cookie(Some(&person)))
        .await;
    assert_eq!(
        home.json()["cases"][0]["receipt_number"],
        notice.receipt.as_str(),
        "{home:?}"
    );
    let case = app
        .send(Req::api("get_my_case", &[("id", &notice.case_id)]).cookie(Some(&person)))
        .await;
    assert_eq!(case.status, 200, "{case:?}");
    let documents = case.json()["documents"].as_array().unwrap().clone();
    assert_eq!(documents.len(), 1, "{case:?}");
    assert_eq!(documents[0]["title"], "Receipt Notice");
    let href = documents[0]["href"].as_str().unwrap().to_owned();
    let download = app.send(Req::get(&href).cookie(Some(&person))).await;
    assert_eq!(download.status, 200, "{download:?}");
    assert_item_39_headers(&download, &format!("{}-receipt.pdf", notice.receipt));
    let text = shown_text(download.body.as_bytes());
    assert!(
        text.contains(&notice.receipt) && text.contains(&notice.account_number),
        "{text}"
    );

    // Nobody else reads it: another account and an anonymous caller.
    let (other, _) = app.signed_up("someone-else@example.test", PASSWORD).await;
    let theirs = app.send(Req::get(&href).cookie(Some(&other))).await;
    assert_eq!(theirs.status, 404, "{theirs:?}");
    assert!(!theirs.body.contains("%PDF"));
    let other_case = app
        .send(Req::api("get_my_case", &[("id", &notice.case_id)]).cookie(Some(&other)))
        .await;
    assert_eq!(other_case.status, 404);
    let anonymous = app.send(Req::get(&href)).await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.header("location").as_deref(), Some("/sign-in"));

    // Once used, the notice is no longer printable and the staff page says it was used.
    let staff_case = app
        .send(Req::api("get_staff_case", &[("id", &notice.case_id)]).cookie(Some(&cookie)))
        .await;
    assert_eq!(staff_case.json()["access_notice"]["claimed"], true);
    assert_eq!(
        staff_case.json()["access_notice"]["href"],
        serde_json::Value::Null
    );
    assert_eq!(staff_case.json()["linked"], true);
    let reprint = app
        .send(
            Req::get(&format!("/documents/access-notices/{}", notice.case_id))
                .cookie(Some(&cookie)),
        )
        .await;
    assert_eq!(reprint.status, 404);

    // The same code again — to register or to add the case — is "already used".
    let again = app
        .send(Req::api(
            "register",
            &with_notice("late@example.test", &notice.account_number, &notice.code),
        ))
        .await;
    assert_eq!(again.status, 422, "{again:?}");
    let (field, text) = field_and_text(&again);
    assert_eq!(field, "notice_access_code");
    assert!(text.contains("AccessNoticeUsed"), "{text}");
    let added = app
        .send(add_case(&notice.receipt, &notice.code).cookie(Some(&other)))
        .await;
    assert_eq!(added.status, 422, "{added:?}");
    assert!(field_and_text(&added).1.contains("AccessNoticeUsed"));

    // Every step is in the audit log.
    for action in ["case.paper_filing_recorded", "access_notice.printed"] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert!(n >= 1, "{action}");
    }
}

fn assert_item_39_headers(download: &TestResponse, name: &str) {
    assert_eq!(
        download.header("content-type").as_deref(),
        Some("application/pdf")
    );
    let disposition = download.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{name}")),
        "{disposition}"
    );
    assert_eq!(
        download.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(
        download.header("cache-control").as_deref(),
        Some("no-store")
    );
    let csp = download.header("content-security-policy").unwrap();
    assert!(csp.starts_with("sandbox"), "{csp}");
    assert!(download.body.starts_with("%PDF-"));
}

#[tokio::test]
async fn an_existing_account_adds_the_case_with_receipt_number_and_code() {
    let app = TestApp::new().await;
    let cookie = officer(&app).await;
    let notice = record(&app, &cookie, "es").await;
    let (person, _) = app.signed_up("has-account@example.test", PASSWORD).await;
    let own_number: String =
        sqlx::query_scalar("SELECT account_number FROM accounts WHERE email = $1")
            .bind("has-account@example.test")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();

    // Typed loosely: lower case, spaces.
    let typed_receipt = format!(
        "{} {}",
        &notice.receipt[..3].to_lowercase(),
        &notice.receipt[3..]
    );
    let typed_code = notice.code.to_lowercase().replace('-', " ");
    let added = app
        .send(add_case(&typed_receipt, &typed_code).cookie(Some(&person)))
        .await;
    assert_eq!(added.status, 200, "{added:?}");
    assert_eq!(
        added.header("location").as_deref(),
        Some(format!("/cases/{}?added=1", notice.case_id).as_str())
    );
    let home = app
        .send(Req::api("list_my_cases", &[]).cookie(Some(&person)))
        .await;
    assert_eq!(
        home.json()["cases"][0]["receipt_number"],
        notice.receipt.as_str()
    );
    // The account keeps its own number; the reserved one is never handed out.
    let still: String = sqlx::query_scalar("SELECT account_number FROM accounts WHERE email = $1")
        .bind("has-account@example.test")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(still, own_number);
    let register = app
        .send(Req::api(
            "register",
            &with_notice("new@example.test", &notice.account_number, &notice.code),
        ))
        .await;
    assert_eq!(register.status, 422);
    // The receipt notice was issued in the language chosen for the filing.
    let case = app
        .send(Req::api("get_my_case", &[("id", &notice.case_id)]).cookie(Some(&person)))
        .await;
    assert_eq!(case.json()["documents"][0]["title"], "Aviso de Recibo");
    let linked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.linked'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(linked, 1);
}

#[tokio::test]
async fn wrong_expired_and_malformed_codes_are_explained_throttled_and_change_nothing() {
    let app = TestApp::new().await;
    let cookie = officer(&app).await;
    let notice = record(&app, &cookie, "en").await;
    let (person, _) = app.signed_up("tries@example.test", PASSWORD).await;
    let wrong_code = if notice.code.starts_with('2') {
        "3333-3333-3333"
    } else {
        "2222-2222-2222"
    };

    // Malformed input is named on its field, before any lookup.
    for (receipt, code, field) in [
        ("", &*notice.code, "receipt"),
        ("IOE12", &*notice.code, "receipt"),
        (&*notice.receipt, "", "access_code"),
        (&*notice.receipt, "0000-1111-IIII", "access_code"),
        (&*notice.receipt, "ABCD-EFGH-JKLMN", "access_code"),
    ] {
        let answer = app
            .send(add_case(receipt, code).cookie(Some(&person)))
            .await;
        assert_eq!(answer.status, 422, "{receipt} {code}: {answer:?}");
        assert_eq!(field_and_text(&answer).0, field, "{answer:?}");
    }
    let half = app
        .send(Req::api(
            "register",
            &with_notice("half@example.test", &notice.account_number, ""),
        ))
        .await;
    assert_eq!(field_and_text(&half).0, "notice_access_code");
    assert!(field_and_text(&half).1.contains("AccessNoticeIncomplete"));
    let bad_number = app
        .send(Req::api(
            "register",
            &with_notice("half@example.test", "1234 5678 9013", &notice.code),
        ))
        .await;
    assert_eq!(field_and_text(&bad_number).0, "notice_account_number");

    // A wrong code and an unknown receipt number get the same answer.
    let wrong = app
        .send(add_case(&notice.receipt, wrong_code).cookie(Some(&person)))
        .await;
    assert_eq!(wrong.status, 422);
    assert!(field_and_text(&wrong).1.contains("AccessNoticeInvalid"));
    let unknown = app
        .send(add_case("IOE0000000001", &notice.code).cookie(Some(&person)))
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(field_and_text(&unknown), field_and_text(&wrong));

    // After 90 days the right code is "expired" (a wrong one still only "does not match").
    app.clock.advance(91 * 86_400);
    let (person, _) = app.signed_up("tries-later@example.test", PASSWORD).await;
    let expired = app
        .send(add_case(&notice.receipt, &notice.code).cookie(Some(&person)))
        .await;
    assert!(
        field_and_text(&expired).1.contains("AccessNoticeExpired"),
        "{expired:?}"
    );
    let registering = app
        .send(Req::api(
            "register",
            &with_notice("expired@example.test", &notice.account_number, &notice.code),
        ))
        .await;
    assert!(field_and_text(&registering)
        .1
        .contains("AccessNoticeExpired"));
    let home = app
        .send(Req::api("list_my_cases", &[]).cookie(Some(&person)))
        .await;
    assert_eq!(home.json()["cases"].as_array().unwrap().len(), 0);

    // Ten tries an hour on one notice, whoever makes them.
    let mut limited = None;
    for i in 0..12 {
        let answer = app
            .send(add_case(&notice.receipt, wrong_code).cookie(Some(&person)))
            .await;
        if answer.status == 429 {
            limited = Some(i);
            break;
        }
    }
    let limited = limited.expect("throttled");
    assert!(limited <= 10, "{limited}");
    let claimed: Option<String> =
        sqlx::query_scalar("SELECT claimed_by FROM access_notices WHERE case_id = $1")
            .bind(&notice.case_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(claimed, None);
}

#[tokio::test]
async fn only_staff_record_filings_and_print_notices_and_bad_filings_change_nothing() {
    let app = TestApp::new().await;
    let cookie = officer(&app).await;
    let notice = record(&app, &cookie, "en").await;
    let (applicant, _) = app.signed_up("applicant@example.test", PASSWORD).await;
    let cases_before = app.count("cases").await;

    let refused = app
        .send(filing("I-485", "IOE", "Sneaky", "en").cookie(Some(&applicant)))
        .await;
    assert_eq!(refused.status, 403, "{refused:?}");
    let anonymous = app.send(filing("I-485", "IOE", "Sneaky", "en")).await;
    assert_eq!(anonymous.status, 401);
    let print = app
        .send(
            Req::get(&format!("/documents/access-notices/{}", notice.case_id))
                .cookie(Some(&applicant)),
        )
        .await;
    assert_eq!(print.status, 404);
    assert!(!print.body.contains(&notice.code));

    for (form, centre, name, language, field) in [
        ("I-999", "IOE", "Name", "en", "form"),
        ("I-485", "XYZ", "Name", "en", "centre"),
        ("I-485", "IOE", "   ", "en", "applicant_name"),
        ("I-485", "IOE", &"n".repeat(201), "en", "applicant_name"),
        ("I-485", "IOE", "Line\u{7}Break", "en", "applicant_name"),
        ("I-485", "IOE", "Name", "fr", "language"),
    ] {
        let answer = app
            .send(filing(form, centre, name, language).cookie(Some(&cookie)))
            .await;
        assert_eq!(answer.status, 422, "{field}: {answer:?}");
        assert_eq!(field_and_text(&answer).0, field);
    }
    assert_eq!(app.count("cases").await, cases_before);
    assert_eq!(app.count("access_notices").await, 1);

    // An officer does not print the notice of a case another officer holds.
    let (second, _) = app
        .signed_up("second-officer@caseport.test", PASSWORD)
        .await;
    sqlx::query(
        "UPDATE accounts SET role = 'officer' WHERE email = 'second-officer@caseport.test'",
    )
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let take = app
        .send(
            Req::api("assign_case", &[("id", &notice.case_id), ("officer", "me")])
                .cookie(Some(&cookie)),
        )
        .await;
    assert_eq!(take.status, 200, "{take:?}");
    let theirs = app
        .send(
            Req::get(&format!("/documents/access-notices/{}", notice.case_id))
                .cookie(Some(&second)),
        )
        .await;
    assert_eq!(theirs.status, 404);
}
