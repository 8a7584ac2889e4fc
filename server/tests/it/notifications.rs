//! Notifications: a status change, a new notice and a Request for Evidence notify the person the
//! case belongs to in the notification centre (with an unread count) and, per their settings, by
//! email and text message through the outbox — once per event, surviving retries; the HTTP SMS
//! provider is exercised against a real local HTTP listener.

use crate::support::*;
use app::{
    cases::{
        model::{FormType, ServiceCentre},
        service::{create_case, CaseFiling, CreatedCase},
    },
    infra::{
        outbox,
        sms::{OutgoingSms, SmsSender},
        state::AppState,
    },
    notifications::service::{notify, Event},
};
use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
use std::sync::{Arc, Mutex};

async fn applicant_with_case(app: &TestApp, email: &str) -> (String, CreatedCase) {
    let (cookie, _) = app.signed_up(email, PASSWORD).await;
    let account_id = app.account_id(email).await;
    let case = create_case(
        &app.state,
        &CaseFiling {
            centre: ServiceCentre::Nbc,
            form: FormType::N400,
            applicant_name: "Notified Person".into(),
            account_id: Some(account_id),
            received_at: START,
        },
        None,
    )
    .await
    .unwrap();
    (cookie, case)
}

async fn supervisor(app: &TestApp) -> String {
    let (cookie, _) = app
        .signed_up("notify-supervisor@caseport.test", PASSWORD)
        .await;
    sqlx::query(
        "UPDATE accounts SET role = 'supervisor' WHERE email = 'notify-supervisor@caseport.test'",
    )
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    cookie
}

async fn centre(app: &TestApp, cookie: &str) -> serde_json::Value {
    let answer = app
        .send(Req::api("get_notifications", &[]).cookie(Some(cookie)))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.json()
}

#[tokio::test]
async fn status_changes_notices_and_evidence_requests_reach_the_centre_and_the_mailbox() {
    let app = TestApp::new().await;
    let email = "notified@example.test";
    let (cookie, case) = applicant_with_case(&app, email).await;
    let receipt = case.receipt_number.as_str().to_owned();
    let staff = supervisor(&app).await;

    let first = centre(&app, &cookie).await;
    assert_eq!(first["unread"], 1, "{first}");
    assert_eq!(
        first["items"][0]["title"],
        format!("{receipt}: Case Was Received")
    );
    assert_eq!(first["items"][0]["href"], format!("/cases/{}", case.id));
    app.wait_for_mail_to(email, &format!("{receipt}: Case Was Received"))
        .await;
    app.clock.advance(60);

    let changed = app
        .send(
            Req::api(
                "change_case_status",
                &[("id", &case.id), ("status", "approved"), ("note", "")],
            )
            .cookie(Some(&staff)),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    app.clock.advance(60);
    let evidence = app
        .send(
            Req::api(
                "request_case_evidence",
                &[
                    ("id", &case.id),
                    ("due_date", "2027-01-15"),
                    ("instructions", "A copy of your passport"),
                ],
            )
            .cookie(Some(&staff)),
        )
        .await;
    assert_eq!(evidence.status, 200, "{evidence:?}");

    let now = centre(&app, &cookie).await;
    assert_eq!(now["unread"], 3, "{now}");
    let titles: Vec<&str> = now["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles[1], format!("{receipt}: Case Was Approved"));
    assert!(titles[0].starts_with(&receipt), "{titles:?}");
    assert!(
        now["items"][1]["body"]
            .as_str()
            .unwrap()
            .contains("Approval Notice"),
        "{now}"
    );
    assert!(
        now["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("Request for Evidence"),
        "{now}"
    );
    let mail = app
        .wait_for_mail_to(email, &format!("{receipt}: Case Was Approved"))
        .await;
    assert!(
        mail.contains(&format!("{ORIGIN}/cases/{}", case.id)),
        "{mail}"
    );

    // The notices are in the case's documents; the evidence request prints its instructions.
    let detail = app
        .send(Req::api("get_my_case", &[("id", &case.id)]).cookie(Some(&cookie)))
        .await;
    let documents = detail.json()["documents"].as_array().unwrap().clone();
    let titles: Vec<&str> = documents
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Request for Evidence", "Approval Notice", "Receipt Notice"]
    );
    let rfe = app
        .send(Req::get(documents[0]["href"].as_str().unwrap()).cookie(Some(&cookie)))
        .await;
    let text = app::infra::pdf::shown_text(rfe.body.as_bytes());
    assert!(
        text.contains("A copy of your passport") && text.contains(&receipt),
        "{text}"
    );

    // The home shows the count; marking read clears it; nobody else sees these.
    let home = app
        .send(Req::api("list_my_cases", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(home.json()["unread_notifications"], 3);
    // So does the header of every signed-in page, with the count's own words.
    for path in ["/profile", "/account", &format!("/cases/{}", case.id)] {
        let page = app.send(Req::get(path).cookie(Some(&cookie))).await;
        assert_eq!(page.status, 200, "{path}");
        // Without Leptos's `<!>` markers, as the text reads.
        let header = page
            .body
            .split("</header>")
            .next()
            .unwrap()
            .replace("<!>", "");
        assert!(
            header.contains(r#"id="notifications-link""#)
                && header.contains(r#"data-live-count="3""#)
                && header.contains(r#"data-live-count-from="/_fn/get_unread_count""#)
                && header.contains(">Notifications <span")
                && header.contains(">3 unread</span>"),
            "{path}: {header}"
        );
    }
    let read = app
        .send(Req::api("mark_notifications_read", &[]).cookie(Some(&cookie)))
        .await;
    assert_eq!(
        read.header("location").as_deref(),
        Some("/notifications?done=read")
    );
    assert_eq!(centre(&app, &cookie).await["unread"], 0);
    let profile = app.send(Req::get("/profile").cookie(Some(&cookie))).await;
    assert!(
        profile.body.contains(r#"data-live-count="0""#),
        "{}",
        profile.body
    );
    // Without a session, and after signing out, the public pages have no such link.
    let public = app.send(Req::get("/case-status")).await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains(r#"name="receipt""#), "{}", public.body);
    assert!(
        !public.body.contains("notifications-link"),
        "{}",
        public.body
    );
    let (leaving, _) = app.signed_up("leaving@example.test", PASSWORD).await;
    let before = app
        .send(Req::get("/case-status").cookie(Some(&leaving)))
        .await;
    assert!(
        before.body.contains("notifications-link"),
        "{}",
        before.body
    );
    app.send(Req::api("sign_out", &[]).cookie(Some(&leaving)))
        .await;
    let after = app
        .send(Req::get("/case-status").cookie(Some(&leaving)))
        .await;
    assert_eq!(after.status, 200);
    assert!(after.body.contains(r#"name="receipt""#), "{}", after.body);
    assert!(!after.body.contains("notifications-link"), "{}", after.body);
    let (other, _) = app.signed_up("bystander@example.test", PASSWORD).await;
    assert_eq!(
        centre(&app, &other).await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn settings_choose_email_and_texts_and_texts_go_only_to_the_phone_confirmed_by_text() {
    let app = TestApp::new().await;
    let email = "texts@example.test";
    let (cookie, case) = applicant_with_case(&app, email).await;
    let staff = supervisor(&app).await;
    let save = |by_email: &str, by_text: &str| {
        Req::api(
            "save_notification_settings",
            // A number typed into the form (as the old form had) is no longer read.
            &[
                ("by_email", by_email),
                ("by_text", by_text),
                ("phone", "+15559990000"),
            ],
        )
        .cookie(Some(&cookie))
    };
    // No confirmed phone: texts cannot be chosen, whatever number is typed.
    let refused = app.send(save("on", "on")).await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(
        refused.json()["Validation"]["field_errors"][0]["field"],
        "by_text"
    );
    assert!(refused.body.contains("PhoneRequired"), "{refused:?}");
    assert_eq!(
        centre(&app, &cookie).await["settings"]["phone_ending"],
        serde_json::Value::Null
    );

    // The phone confirmed by text (the text-message factor) is where texts go.
    let started = app
        .send(
            Req::api(
                "start_code_binding",
                &[("channel", "sms"), ("phone", "+1 (555) 123-4567")],
            )
            .cookie(Some(&cookie)),
        )
        .await;
    assert_eq!(started.status, 200, "{started:?}");
    let code = app.text_code("+15551234567", 1).await;
    let bound = app
        .send(
            Req::api(
                "confirm_code_binding",
                &[("channel", "sms"), ("code", &code)],
            )
            .cookie(Some(&cookie)),
        )
        .await;
    assert_eq!(bound.status, 200, "{bound:?}");
    let cookie = bound.session_cookie().unwrap_or(cookie);
    let saved = app
        .send(
            Req::api(
                "save_notification_settings",
                &[
                    ("by_email", ""),
                    ("by_text", "on"),
                    ("phone", "+15559990000"),
                ],
            )
            .cookie(Some(&cookie)),
        )
        .await;
    assert_eq!(saved.status, 200, "{saved:?}");
    let settings = centre(&app, &cookie).await["settings"].clone();
    assert_eq!(settings["phone_ending"], "4567");
    assert_eq!(settings["by_email"], false);
    assert_eq!(settings["by_text"], true);

    let mails_before = app.mails().len();
    let changed = app
        .send(
            Req::api(
                "change_case_status",
                &[("id", &case.id), ("status", "denied"), ("note", "")],
            )
            .cookie(Some(&staff)),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    let texts = app.outbox.join("sms");
    let mut found = None;
    for _ in 0..300 {
        let files: Vec<String> = std::fs::read_dir(&texts)
            .map(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(text) = files.into_iter().find(|t| t.contains("Case Was Denied")) {
            found = Some(text);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let text = found.expect("a text message");
    assert!(text.starts_with("To: +15551234567\n"), "{text}");
    assert!(
        app.texts_to("+15559990000").is_empty(),
        "a typed, unconfirmed number gets nothing"
    );
    assert!(text.contains(case.receipt_number.as_str()));
    assert!(
        !text.contains("Notified Person"),
        "no names in texts: {text}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !app.mails()[mails_before..]
            .iter()
            .any(|m| m.contains("Case Was Denied")),
        "email was switched off"
    );
}

#[tokio::test]
async fn one_event_notifies_once_however_often_it_is_delivered() {
    let app = TestApp::new().await;
    let (_, case) = applicant_with_case(&app, "once@example.test").await;
    let account_id = app.account_id("once@example.test").await;
    let event = Event {
        key: format!("case:{}:test", case.id),
        title: "Title".into(),
        body: "Body".into(),
        href: format!("/cases/{}", case.id),
        sms: "Text".into(),
    };
    let queued_before = app.count("outbox").await;
    for expected in [true, false, false] {
        let mut tx = app.state.db.begin_write().await.unwrap();
        let new = notify(&mut tx, &app.state, &account_id, &event, START)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(new, expected);
    }
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE event_key = $1")
        .bind(&event.key)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    assert_eq!(app.count("outbox").await, queued_before + 1);
    // The outbox key alone also refuses a second message for the same event.
    let again = outbox::enqueue_for_event(
        &app.state.db.pool,
        &app.state.keys,
        "email",
        &app::infra::outbox::OutgoingEmail {
            to: "x@example.test".into(),
            subject: "s".into(),
            body: "b".into(),
        },
        &format!("{account_id}:{}:email", event.key),
        START,
    )
    .await
    .unwrap();
    assert_eq!(again, None);
}

/// A request the provider accepted: its `Authorization` header and JSON body.
type Received = (Option<String>, serde_json::Value);

#[derive(Clone, Default)]
struct Provider {
    received: Arc<Mutex<Vec<Received>>>,
    fail_first: Arc<Mutex<u32>>,
}

async fn provider_endpoint(
    State(provider): State<Provider>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> axum::http::StatusCode {
    {
        let mut fail = provider.fail_first.lock().unwrap();
        if *fail > 0 {
            *fail -= 1;
            return axum::http::StatusCode::SERVICE_UNAVAILABLE;
        }
    }
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    provider.received.lock().unwrap().push((auth, body));
    axum::http::StatusCode::ACCEPTED
}

#[tokio::test]
async fn the_http_sms_provider_gets_each_text_once_with_its_token_and_failures_are_retried() {
    let provider = Provider {
        fail_first: Arc::new(Mutex::new(1)),
        ..Provider::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/messages", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/messages", post(provider_endpoint))
        .with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let app = TestApp::without_outbox_worker().await;
    let state = AppState {
        sms: Arc::new(SmsSender::http(&url, "provider-token").unwrap()),
        ..app.state.clone()
    };
    let sms = OutgoingSms {
        to: "+15551234567".into(),
        body: "Caseport: case IOE0912345678 is now \"Case Was Approved\".".into(),
    };
    let id = outbox::enqueue_for_event(
        &state.db.pool,
        &state.keys,
        "sms",
        &sms,
        "test:sms:1",
        START,
    )
    .await
    .unwrap()
    .unwrap();
    // First attempt: the provider answers 503; the message waits for its retry.
    assert!(outbox::deliver_one(&state).await.unwrap());
    assert!(provider.received.lock().unwrap().is_empty());
    let error: Option<String> = sqlx::query_scalar("SELECT last_error FROM outbox WHERE id = $1")
        .bind(&id)
        .fetch_one(&state.db.pool)
        .await
        .unwrap();
    assert!(error.unwrap().contains("503"));
    app.clock.advance(outbox::backoff_secs(1));
    assert!(outbox::deliver_one(&state).await.unwrap());
    assert!(!outbox::deliver_one(&state).await.unwrap(), "nothing left");
    let received = provider.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0.as_deref(), Some("Bearer provider-token"));
    assert_eq!(received[0].1["to"], "+15551234567");
    assert_eq!(received[0].1["body"], sms.body.as_str());
    assert_eq!(received[0].1["id"], id.as_str());
    let payload: Vec<u8> = sqlx::query_scalar("SELECT payload FROM outbox WHERE id = $1")
        .bind(&id)
        .fetch_one(&state.db.pool)
        .await
        .unwrap();
    assert!(payload.is_empty(), "the number is wiped once sent");
}

/// Opens `/live` on `router` with the session `cookie`: its status and its body as a stream.
async fn open_live(
    router: &axum::Router,
    cookie: Option<&str>,
) -> (axum::http::StatusCode, axum::body::BodyDataStream) {
    use tower::ServiceExt;
    let mut builder = axum::http::Request::builder()
        .uri("/live")
        .header("accept", "text/event-stream");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", format!("__Host-caseport-session={cookie}"));
    }
    let mut request = builder.body(axum::body::Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            40000,
        ))));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    if status == 200 {
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
    }
    (status, response.into_body().into_data_stream())
}

/// The data of the next `case` event on `stream` within `wait`, if one comes.
async fn next_case_event(
    stream: &mut axum::body::BodyDataStream,
    wait: std::time::Duration,
) -> Option<String> {
    use futures_util::StreamExt;
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .ok()??
            .ok()?;
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(at) = seen.find("event: case\ndata: ") {
            let rest = &seen[at + "event: case\ndata: ".len()..];
            if let Some(end) = rest.find('\n') {
                return Some(rest[..end].to_owned());
            }
        }
    }
}

#[tokio::test]
async fn an_open_page_hears_of_its_owners_case_changes_and_nobody_elses() {
    let app = TestApp::new().await;
    let (cookie, case) = applicant_with_case(&app, "live@example.test").await;
    let (other, _) = applicant_with_case(&app, "live-other@example.test").await;
    let staff = supervisor(&app).await;

    let (anonymous, _) = open_live(&app.router, None).await;
    assert_eq!(anonymous, 401);
    let (garbage, _) = open_live(&app.router, Some("not-a-session")).await;
    assert_eq!(garbage, 401);

    if postgres_admin_url().is_some() {
        // Give the instance's LISTEN connection (TestApp starts it, as `serve` does) time to open.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let (status, mut mine) = open_live(&app.router, Some(&cookie)).await;
    assert_eq!(status, 200);
    let (_, mut theirs) = open_live(&app.router, Some(&other)).await;
    let changed = app
        .send(
            Req::api(
                "change_case_status",
                &[
                    ("id", &case.id),
                    ("status", "interview_scheduled"),
                    ("note", ""),
                ],
            )
            .cookie(Some(&staff)),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    let event = next_case_event(&mut mine, std::time::Duration::from_secs(5)).await;
    assert_eq!(event.as_deref(), Some(case.id.as_str()));
    assert_eq!(
        next_case_event(&mut theirs, std::time::Duration::from_millis(300)).await,
        None
    );

    // An open stream is not activity: after the idle timeout the session has expired even
    // though the page stayed connected, and a new stream is refused.
    app.clock.advance(app.state.policy.session_idle_secs + 1);
    let (later, _) = open_live(&app.router, Some(&cookie)).await;
    assert_eq!(later, 401);
}

#[tokio::test]
async fn on_postgresql_a_change_on_one_instance_reaches_pages_on_another() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    let app = TestApp::new().await;
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let url = format!("{}/{database}", admin_url.rsplit_once('/').unwrap().0);
    let (cookie, case) = applicant_with_case(&app, "two-instances@example.test").await;
    let staff = supervisor(&app).await;
    // Instance B: the same database, its own hub and listener; the page connects to B.
    let instance_b = AppState {
        live: Arc::new(app::infra::live::LiveHub::new()),
        ..app.state.clone()
    };
    tokio::spawn(app::infra::live::run_listener(instance_b.clone(), url));
    let router_b = server::app(instance_b);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (status, mut on_b) = open_live(&router_b, Some(&cookie)).await;
    assert_eq!(status, 200);
    // The officer works on instance A.
    let changed = app
        .send(
            Req::api(
                "change_case_status",
                &[("id", &case.id), ("status", "approved"), ("note", "")],
            )
            .cookie(Some(&staff)),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    let event = next_case_event(&mut on_b, std::time::Duration::from_secs(5)).await;
    assert_eq!(event.as_deref(), Some(case.id.as_str()));
}
