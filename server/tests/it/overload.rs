//! Hashing and slow clients cannot stall the server (docs/security.md item 51): a bounded wait for
//! the password hasher (then 503 with `Retry-After`), a header-read timeout that closes slow
//! connections, and a timeout for every request.

use crate::support::*;
use app::infra::passwords::PasswordHasher;
use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item51_sign_ins_beyond_the_hashing_capacity_get_503_with_retry_after() {
    let app = TestApp::new().await;
    let busy_app = app.with_hasher(PasswordHasher::with_max_wait(1, Duration::from_millis(1)));
    let attempts = (0..8)
        .map(|i| {
            let request = Req::sign_in("nobody@example.com", PASSWORD)
                .from_ip(&format!("198.51.100.{}", i + 1));
            let busy_app = busy_app.clone();
            tokio::spawn(async move { busy_app.send(request).await })
        })
        .collect::<Vec<_>>();
    let mut statuses = Vec::new();
    let mut turned_away = 0;
    for attempt in attempts {
        let response = attempt.await.unwrap();
        statuses.push(response.status.as_u16());
        if response.status == 503 {
            turned_away += 1;
            let seconds: u64 = response
                .header("retry-after")
                .expect("503 carries Retry-After")
                .parse()
                .unwrap();
            assert!(seconds >= 1);
            assert_eq!(
                response.json(),
                serde_json::json!({"Unavailable": {"retry_after": seconds}})
            );
        }
    }
    assert!(turned_away >= 1, "nobody was turned away: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "only a wrong-credentials answer or 503 is acceptable: {statuses:?}"
    );
}

async fn start_server(
    limits: server::ServerLimits,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = server::app(app.state.clone());
    tokio::spawn(server::serve(listener, router, limits, async {
        let _ = stopped.await;
    }));
    (address, stop)
}

async fn read_all(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(within, stream.read_to_end(&mut out)).await;
    match read {
        Ok(_) => Some(String::from_utf8_lossy(&out).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test]
async fn item51_a_client_that_sends_its_header_too_slowly_is_disconnected() {
    let (address, _stop) = start_server(server::ServerLimits {
        header_read_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_secs(5),
    })
    .await;

    let mut slow = TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: caseport.test\r\nX-Slow: ")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let answer = read_all(&mut slow, Duration::from_secs(5)).await;
    assert!(
        answer.is_some(),
        "the slow connection was still open after 5 s"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "closed only after {:?}",
        started.elapsed()
    );

    // A client that sends its request promptly is served on the same server.
    let mut prompt = TcpStream::connect(address).await.unwrap();
    prompt
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: caseport.test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_all(&mut prompt, Duration::from_secs(5))
        .await
        .expect("prompt answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok"), "{answer}");
}

#[tokio::test]
async fn item51_a_request_body_that_trickles_in_is_cut_off_by_the_request_timeout() {
    let (address, _stop) = start_server(server::ServerLimits {
        header_read_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_millis(500),
    })
    .await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /_fn/sign_in HTTP/1.1\r\nHost: caseport.test\r\nOrigin: {ORIGIN}\r\n\
                 Sec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: 1000\r\nConnection: close\r\n\r\nemail=a"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let answer = read_all(&mut stream, Duration::from_secs(5))
        .await
        .expect("the server must answer or close within 5 s");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    let status: u16 = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    assert!(
        answer.is_empty() || (400..=503).contains(&status) && status != 500,
        "{answer}"
    );
    if !answer.is_empty() {
        let lower = answer.to_ascii_lowercase();
        for header in [
            "strict-transport-security",
            "x-content-type-options",
            "content-security-policy",
        ] {
            assert!(
                lower.contains(header),
                "the timeout answer lacks {header}: {answer}"
            );
        }
    }
}
