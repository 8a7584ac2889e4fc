//! Side effects leave the request (docs/security.md item 60): mail is queued in the transaction
//! that causes it, an SMTP outage delays it but fails no request, it survives a restart of the
//! real server, and two workers never send one message twice.

use crate::support::*;
use app::infra::{
    mail::Mailer,
    outbox::{self, OutgoingEmail},
};
use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An SMTP URL where nothing listens.
async fn dead_relay() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("smtp://127.0.0.1:{port}")
}

async fn unsent(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn item60_an_smtp_outage_delays_mail_but_fails_no_request() {
    let app = TestApp::without_outbox_worker().await;
    let down_app = app.with_mailer(
        Mailer::new(&dead_relay().await, "Caseport <no-reply@caseport.test>").unwrap(),
    );
    let down = down_app.state.clone();
    let registered = down_app.register("patient@example.com", PASSWORD).await;
    assert_eq!(
        registered.status, 200,
        "the request does not wait for mail: {registered:?}"
    );
    assert_eq!(
        unsent(&app).await,
        1,
        "the code is queued with the registration"
    );

    assert!(
        outbox::deliver_one(&down).await.unwrap(),
        "a due message is attempted"
    );
    let (attempts, next, error): (i64, i64, Option<String>) =
        sqlx::query_as("SELECT attempts, next_attempt_at, last_error FROM outbox")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert_eq!(next, app.state.now() + outbox::backoff_secs(1));
    assert!(error.is_some_and(|e| !e.is_empty()));
    assert!(
        !outbox::deliver_one(&down).await.unwrap(),
        "not retried before its time"
    );
    assert!(app.mails().is_empty());

    // The relay is back; at the retry time the message goes out, once.
    app.clock.advance(outbox::backoff_secs(1));
    assert!(outbox::deliver_one(&app.state).await.unwrap());
    assert!(!outbox::deliver_one(&app.state).await.unwrap());
    let code = app.latest_code_for("patient@example.com").await;
    assert_eq!(app.mails().len(), 1);
    assert_eq!(unsent(&app).await, 0);
    let (payload,): (Vec<u8>,) = sqlx::query_as("SELECT payload FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(
        payload.is_empty(),
        "the body (with its code) is wiped once sent"
    );
    let verified = app
        .send(Req::verify_email(&code).cookie(registered.session_cookie().as_deref()))
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
}

#[tokio::test]
async fn item60_queued_bodies_are_encrypted_at_rest() {
    let app = TestApp::without_outbox_worker().await;
    app.register("secretive@example.com", PASSWORD).await;
    let (payload,): (Vec<u8>,) = sqlx::query_as("SELECT payload FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&payload).to_lowercase();
    assert!(
        !text.contains("secretive") && !text.contains("verification"),
        "{text}"
    );
    assert!(payload.len() > 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item60_two_workers_send_each_message_exactly_once() {
    let app = TestApp::without_outbox_worker().await;
    for n in 0..30 {
        let email = OutgoingEmail {
            to: format!("person{n}@example.com"),
            subject: format!("message {n}"),
            body: "hello".into(),
        };
        outbox::enqueue(&app.state.db.pool, &app.state.keys, &email, app.state.now())
            .await
            .unwrap();
    }
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let state = app.state.clone();
            tokio::spawn(async move {
                let mut sent = 0;
                while outbox::deliver_one(&state).await.unwrap() {
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker.await.unwrap();
    }
    assert_eq!(total, 30, "each message was claimed once");
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM outbox")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let mails = app.wait_for_mails(30).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mails_now = app.mails();
    assert_eq!(mails_now.len(), 30, "no message was sent twice");
    for id in &ids {
        assert_eq!(
            mails_now
                .iter()
                .filter(|m| m.contains(&format!("Message-ID: <{id}@caseport.test>")))
                .count(),
            1,
            "each message carries its outbox id as Message-ID: {id}"
        );
    }
    for n in 0..30 {
        assert_eq!(
            mails
                .iter()
                .filter(|m| m.contains(&format!("Subject: message {n}\r\n"))
                    || m.contains(&format!("Subject: message {n}\n")))
                .count(),
            1,
            "message {n}"
        );
    }
}

// --- The real server, stopped after the enqueue and started again ----------------------------

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_server(
    data: &std::path::Path,
    port: u16,
    smtp_url: &str,
    sink: Option<&str>,
) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_caseport"));
    command
        .arg("--config")
        .arg(data.join("none.toml"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CASEPORT_ENVIRONMENT", "development")
        .env("CASEPORT_DATA_DIR", data)
        .env(
            "CASEPORT_DATABASE_URL",
            format!("sqlite://{}", data.join("caseport.db").display()),
        )
        .env("CASEPORT_LISTEN", format!("127.0.0.1:{port}"))
        .env("CASEPORT_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("CASEPORT_SMTP_URL", smtp_url)
        .env("CASEPORT_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(sink) = sink {
        command.env("CASEPORT_DEV_MAIL_SINK", sink);
    }
    let server = Server {
        child: command.spawn().expect("start caseport"),
        port,
    };
    for _ in 0..200 {
        if http(
            port,
            "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .await
        .is_some_and(|answer| answer.starts_with("HTTP/1.1 200"))
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

async fn http(port: u16, request: &str) -> Option<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .ok()?
        .ok()?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn item60_mail_queued_before_the_server_is_killed_arrives_after_it_restarts() {
    let data = temp_dir("restart");
    let port = free_port();
    let relay_down = dead_relay().await;
    let first = start_server(&data, port, &relay_down, None).await;
    let form = form_body(&registration_form("restart@example.com", PASSWORD));
    let answer = http(
        first.port,
        &format!(
            "POST /_fn/register HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        ),
    )
    .await
    .expect("answer");
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "registration answered while the relay is down: {answer}"
    );
    // Let the first server fail its delivery attempt (the relay is down) so the message is
    // queued and unclaimed, then kill it: no chance to deliver or clean up. (Killed while a
    // message is claimed, the restarted server would first wait out the claim's lease.)
    let db =
        app::infra::db::Db::connect(&format!("sqlite://{}", data.join("caseport.db").display()))
            .await
            .unwrap();
    let mut attempted = false;
    for _ in 0..200 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE attempts >= 1 AND claimed_until IS NULL AND sent_at IS NULL",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if waiting == 1 {
            attempted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(attempted, "the first server never tried the relay");
    db.pool.close().await;
    drop(first);

    let sink_port = free_port();
    let sink = format!("127.0.0.1:{sink_port}");
    let _second = start_server(&data, port, &format!("smtp://{sink}"), Some(&sink)).await;
    let outbox_dir = data.join("outbox");
    // The retry is due 5 s after the failed attempt.
    for _ in 0..400 {
        let delivered: Vec<String> = std::fs::read_dir(&outbox_dir)
            .map(|dir| {
                dir.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(mail) = delivered.iter().find(|m| m.contains("restart@example.com")) {
            assert!(mail.contains("verification code is"), "{mail}");
            assert_eq!(delivered.len(), 1, "delivered once");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the queued code never arrived after the restart");
}
