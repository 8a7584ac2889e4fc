//! Requirement 52 (docs/security.md): mail to the relay and connections to PostgreSQL are encrypted,
//! and the other end's certificate is checked against trusted roots. Mail goes to real local SMTP
//! sinks speaking implicit TLS, STARTTLS or plain; the certificates are made here with rcgen.

use crate::support::{postgres_admin_url, temp_dir};
use app::infra::{
    db::{Db, DbSetupError},
    mail::{run_mail_sink, run_tls_mail_sink, MailError, Mailer, SinkTls, SinkTlsMode},
};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::{
    path::{Path, PathBuf},
    time::Duration,
};

const FROM: &str = "Caseport <no-reply@caseport.test>";
const SUBJECT: &str = "Item 52 check";
const BODY: &str = "This message travelled over TLS.";

/// A private CA (its certificate written to `ca_file`) and a server certificate it signed for
/// 127.0.0.1 and localhost.
struct TestPki {
    ca_file: PathBuf,
    chain_pem: String,
    key_pem: String,
}

fn test_pki(dir: &Path, name: &str) -> TestPki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, format!("Caseport test CA {name}"));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().expect("CA key");
    let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca, ca_key);

    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("server parameters");
    leaf.distinguished_name
        .push(DnType::CommonName, "caseport-mail-sink");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate().expect("server key");
    let leaf_cert = leaf
        .signed_by(&leaf_key, &issuer)
        .expect("server certificate");

    let ca_file = dir.join(format!("{name}-ca.pem"));
    std::fs::write(&ca_file, ca_cert.pem()).expect("write CA file");
    TestPki {
        ca_file,
        chain_pem: leaf_cert.pem(),
        key_pem: leaf_key.serialize_pem(),
    }
}

/// Starts a sink (TLS as given, else plain) on a free port; returns the port and its outbox.
async fn start_sink(dir: &Path, tls: Option<SinkTls>) -> (u16, PathBuf) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind mail sink");
    let port = listener.local_addr().expect("sink address").port();
    let outbox = dir.join(format!("outbox-{port}"));
    std::fs::create_dir_all(&outbox).expect("outbox");
    match tls {
        Some(tls) => tokio::spawn(run_tls_mail_sink(listener, outbox.clone(), tls)),
        None => tokio::spawn(run_mail_sink(listener, outbox.clone())),
    };
    (port, outbox)
}

fn sink_tls(pki: &TestPki, mode: SinkTlsMode) -> SinkTls {
    SinkTls::new(mode, pki.chain_pem.as_bytes(), pki.key_pem.as_bytes()).expect("sink TLS")
}

/// Sends one message the way the server does, bounded so a hung handshake fails the test.
async fn send(smtp_url: &str, ca_file: Option<&Path>) -> Result<(), MailError> {
    let mailer = Mailer::with_ca_file(smtp_url, FROM, ca_file)?;
    tokio::time::timeout(
        Duration::from_secs(20),
        mailer.send("ana.garcia@example.test", SUBJECT, BODY.to_owned()),
    )
    .await
    .expect("the send finishes within 20 s")
}

fn outbox_messages(outbox: &Path) -> Vec<String> {
    std::fs::read_dir(outbox)
        .expect("read outbox")
        .map(|entry| std::fs::read_to_string(entry.expect("outbox entry").path()).expect("mail"))
        .collect()
}

fn assert_delivered_once(outbox: &Path) {
    let messages = outbox_messages(outbox);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains(SUBJECT), "{}", messages[0]);
    assert!(messages[0].contains(BODY), "{}", messages[0]);
    assert!(messages[0].contains("ana.garcia@example.test"));
}

fn assert_untrusted(result: Result<(), MailError>) {
    match result {
        Err(MailError::Send(message)) => {
            assert!(
                message.to_ascii_lowercase().contains("certificate"),
                "expected a certificate error, got: {message}"
            );
            eprintln!("refused as expected: {message}");
        }
        other => panic!("expected the relay's certificate to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn item52_mail_is_delivered_over_implicit_tls_to_a_relay_trusted_through_smtp_ca_file() {
    let dir = temp_dir("tls");
    let pki = test_pki(&dir, "relay");
    let (port, outbox) = start_sink(&dir, Some(sink_tls(&pki, SinkTlsMode::Implicit))).await;

    send(&format!("smtps://127.0.0.1:{port}"), Some(&pki.ca_file))
        .await
        .expect("delivered over smtps");

    assert_delivered_once(&outbox);
}

#[tokio::test]
async fn item52_mail_is_delivered_over_starttls_to_a_relay_trusted_through_smtp_ca_file() {
    let dir = temp_dir("tls");
    let pki = test_pki(&dir, "relay");
    // This sink answers MAIL with 530 until the client has switched to TLS, so a delivered
    // message is one that was sent encrypted.
    let (port, outbox) = start_sink(&dir, Some(sink_tls(&pki, SinkTlsMode::StartTls))).await;
    let plain = send(&format!("smtp://127.0.0.1:{port}"), Some(&pki.ca_file)).await;
    assert!(
        matches!(&plain, Err(MailError::Send(message)) if message.contains("530")),
        "the sink took mail without TLS: {plain:?}"
    );
    assert!(outbox_messages(&outbox).is_empty());

    send(
        &format!("smtp://127.0.0.1:{port}?tls=required"),
        Some(&pki.ca_file),
    )
    .await
    .expect("delivered over STARTTLS");

    assert_delivered_once(&outbox);
}

#[tokio::test]
async fn item52_a_relay_certificate_not_signed_by_a_trusted_root_is_refused() {
    let dir = temp_dir("tls");
    let pki = test_pki(&dir, "relay");
    let other = test_pki(&dir, "other");
    let (smtps_port, smtps_outbox) =
        start_sink(&dir, Some(sink_tls(&pki, SinkTlsMode::Implicit))).await;
    let (starttls_port, starttls_outbox) =
        start_sink(&dir, Some(sink_tls(&pki, SinkTlsMode::StartTls))).await;
    let smtps = format!("smtps://127.0.0.1:{smtps_port}");
    let starttls = format!("smtp://127.0.0.1:{starttls_port}?tls=required");

    // Only the public roots: the private CA is unknown.
    assert_untrusted(send(&smtps, None).await);
    assert_untrusted(send(&starttls, None).await);
    // Another private CA: smtp_ca_file adds those roots only, it does not switch checking off.
    assert_untrusted(send(&smtps, Some(&other.ca_file)).await);
    assert_untrusted(send(&starttls, Some(&other.ca_file)).await);

    assert!(outbox_messages(&smtps_outbox).is_empty());
    assert!(outbox_messages(&starttls_outbox).is_empty());
}

#[tokio::test]
async fn item52_tls_required_never_falls_back_to_plaintext() {
    let dir = temp_dir("tls");
    let pki = test_pki(&dir, "relay");
    // A relay that offers no STARTTLS (the plain development sink).
    let (port, outbox) = start_sink(&dir, None).await;

    let result = send(
        &format!("smtp://127.0.0.1:{port}?tls=required"),
        Some(&pki.ca_file),
    )
    .await;

    match result {
        Err(MailError::Send(message)) => {
            assert!(message.contains("STARTTLS"), "{message}");
            eprintln!("refused as expected: {message}");
        }
        other => panic!("expected the send to fail without STARTTLS, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(outbox_messages(&outbox).is_empty());
}

#[test]
fn item52_an_unusable_smtp_ca_file_or_url_stops_start_up() {
    let dir = temp_dir("tls");
    let url = "smtps://relay.example:465";

    let missing = dir.join("missing.pem");
    assert!(matches!(
        Mailer::with_ca_file(url, FROM, Some(&missing)),
        Err(MailError::CaFile(_))
    ));

    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    assert!(matches!(
        Mailer::with_ca_file(url, FROM, Some(&empty)),
        Err(MailError::CaFile(_))
    ));

    for bad in [
        "smtp://relay.example?tls=sometimes",
        "ftp://relay.example",
        "relay.example:25",
        "smtps://mailer@relay.example",
    ] {
        assert!(
            matches!(Mailer::new(bad, FROM), Err(MailError::Url(_))),
            "{bad} was accepted"
        );
    }
    for good in [
        "smtp://127.0.0.1:2525",
        "smtp://relay.example:587?tls=required",
        "smtps://mailer:s3cret%2Fpart@relay.example",
    ] {
        assert!(Mailer::new(good, FROM).is_ok(), "{good} was refused");
    }
}

#[tokio::test]
async fn item52_postgres_connections_are_encrypted_and_check_the_server_certificate() {
    let Some(url) = postgres_admin_url() else {
        eprintln!("skipped: CASEPORT_TEST_DATABASE_URL names no PostgreSQL server (SQLite run)");
        return;
    };
    let Ok(ca_file) = std::env::var("CASEPORT_TEST_PG_CA_FILE") else {
        eprintln!("skipped: CASEPORT_TEST_PG_CA_FILE (the test cluster's CA) is not set");
        return;
    };
    let with_root = |root: &str| {
        let separator = if url.contains('?') { '&' } else { '?' };
        let root: String = url::form_urlencoded::byte_serialize(root.as_bytes()).collect();
        format!("{url}{separator}sslmode=verify-full&sslrootcert={root}")
    };

    let db = Db::connect(&with_root(&ca_file))
        .await
        .expect("verify-full connection with the cluster's CA");
    let encrypted: bool = sqlx::Row::try_get(
        &sqlx::query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&db.pool)
            .await
            .expect("read pg_stat_ssl"),
        0,
    )
    .expect("ssl column");
    assert!(encrypted, "the connection is not encrypted");
    db.pool.close().await;

    let dir = temp_dir("tls");
    let other = test_pki(&dir, "other");
    match Db::connect(&with_root(&other.ca_file.to_string_lossy())).await {
        // rustls reports the refusal through the handshake's I/O error.
        Err(DbSetupError::Sqlx(error)) if error.to_string().contains("certificate") => {
            eprintln!("refused as expected: {error}")
        }
        Err(other) => panic!("expected a certificate error, got: {other}"),
        Ok(_) => panic!("connected although the server's certificate is not signed by the root"),
    }
}
