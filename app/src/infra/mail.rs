//! Outgoing email over SMTP (lettre, plain or TLS), and a tiny SMTP listener for development and tests.

use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::client::{Certificate, Tls, TlsParameters},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};
use tokio_rustls::{
    rustls::{
        self,
        pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    },
    TlsAcceptor,
};

/// Sends mail through one SMTP relay.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Mail could not be configured or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP URL is not one of the forms [`Mailer::new`] accepts.
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    /// The file of extra trusted roots could not be read or holds no usable certificate.
    #[error("SMTP CA file: {0}")]
    CaFile(String),
    /// An address or the message could not be built.
    #[error("could not build message: {0}")]
    Build(String),
    /// The relay refused the message or could not be reached.
    #[error("SMTP delivery failed: {0}")]
    Send(String),
}

impl Mailer {
    /// A mailer for `smtp_url` sending as `from`. The URL is lettre's form, credentials in the userinfo:
    /// `smtp://[user:pass@]host[:port]` (plain, for a relay on the same machine or network),
    /// `smtp://…?tls=required` (STARTTLS, never falling back to plain) or `smtps://…` (implicit TLS).
    /// TLS trusts the public (Mozilla) roots.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, MailError> {
        Self::with_ca_file(smtp_url, from, None)
    }

    /// Like [`Mailer::new`], also trusting the PEM certificates in `ca_file` (a private relay's CA).
    pub fn with_ca_file(
        smtp_url: &str,
        from: &str,
        ca_file: Option<&Path>,
    ) -> Result<Self, MailError> {
        // Error texts never quote the URL: it may hold the relay's password.
        let url = url::Url::parse(smtp_url).map_err(|e| MailError::Url(e.to_string()))?;
        if !url.username().is_empty() && url.password().is_none() {
            // lettre would silently send without logging in.
            return Err(MailError::Url(
                "a user name needs a password (scheme://user:pass@host)".into(),
            ));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| MailError::Url(e.to_string()))?;
        if let Some(ca_file) = ca_file {
            let roots = read_roots(ca_file)?;
            match tls_trusting(&url, roots)? {
                Some(tls) => builder = builder.tls(tls),
                None => tracing::warn!("smtp_ca_file is set but smtp_url does not use TLS"),
            }
        }
        let from = from
            .parse()
            .map_err(|e| MailError::Build(format!("from address: {e}")))?;
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    /// Sends a plain-text message.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        self.send_with_id(None, to, subject, body).await
    }

    /// Sends a plain-text message whose `Message-ID` is built from `id` (the outbox row id), so
    /// every delivery attempt of one message carries the same id and a copy sent twice after a
    /// crash can be recognised as the same message.
    #[tracing::instrument(skip_all, fields(subject = %subject))]
    pub async fn send_with_id(
        &self,
        id: Option<&str>,
        to: &str,
        subject: &str,
        body: String,
    ) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Build(format!("to address: {e}")))?;
        let message_id = id.map(|id| format!("<{id}@{}>", self.from.email.domain()));
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(message_id)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}

/// The certificates of a PEM file, refusing a file without any (a typo must not go unnoticed).
fn read_roots(path: &Path) -> Result<Certificate, MailError> {
    let pem =
        std::fs::read(path).map_err(|e| MailError::CaFile(format!("{}: {e}", path.display())))?;
    let count = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| MailError::CaFile(format!("{}: {e}", path.display())))?
        .len();
    if count == 0 {
        return Err(MailError::CaFile(format!(
            "{}: no PEM certificate in the file",
            path.display()
        )));
    }
    Certificate::from_pem(&pem).map_err(|e| MailError::CaFile(format!("{}: {e}", path.display())))
}

/// The TLS mode lettre's `from_url` chose for `url`, rebuilt to trust `roots` as well as the public
/// roots (lettre offers no way to add roots to the parameters it made). `None` for plain `smtp://`.
fn tls_trusting(url: &url::Url, roots: Certificate) -> Result<Option<Tls>, MailError> {
    let host = url
        .host_str()
        .ok_or_else(|| MailError::Url("missing host".into()))?;
    let parameters = || {
        TlsParameters::builder(host.to_owned())
            .add_root_certificate(roots.clone())
            .build_rustls()
            .map_err(|e| MailError::CaFile(e.to_string()))
    };
    let tls = url
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    Ok(match (url.scheme(), tls.as_deref()) {
        ("smtps", _) => Some(Tls::Wrapper(parameters()?)),
        ("smtp", Some("required")) => Some(Tls::Required(parameters()?)),
        ("smtp", Some("opportunistic")) => Some(Tls::Opportunistic(parameters()?)),
        _ => None,
    })
}

/// How [`run_tls_mail_sink`] speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkTlsMode {
    /// TLS from the first byte, as `smtps://` expects.
    Implicit,
    /// A plain greeting, `STARTTLS` offered and required before any mail, as `smtp://…?tls=required`
    /// expects.
    StartTls,
}

/// The TLS side of a mail sink: its mode and certificate.
#[derive(Clone)]
pub struct SinkTls {
    mode: SinkTlsMode,
    acceptor: TlsAcceptor,
}

impl SinkTls {
    /// A sink presenting the PEM certificate chain `cert_chain_pem` (leaf first) with the PEM private
    /// key `key_pem`.
    pub fn new(mode: SinkTlsMode, cert_chain_pem: &[u8], key_pem: &[u8]) -> std::io::Result<Self> {
        let invalid = |what: &str, e: &dyn std::fmt::Display| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{what}: {e}"))
        };
        let chain = CertificateDer::pem_slice_iter(cert_chain_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid("certificate chain", &e))?;
        if chain.is_empty() {
            return Err(invalid("certificate chain", &"no PEM certificate"));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| invalid("private key", &e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid("TLS versions", &e))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| invalid("certificate and key", &e))?;
        Ok(Self {
            mode,
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}

/// Runs a minimal SMTP receiver on `listener` that writes every message it accepts to
/// `outbox/<time>-<n>.eml`. For local development (the newcomer reads mail from the folder) and tests.
pub async fn run_mail_sink(listener: TcpListener, outbox: PathBuf) -> std::io::Result<()> {
    run_sink(listener, outbox, None).await
}

/// [`run_mail_sink`] speaking TLS as `tls` says; for tests of encrypted delivery.
pub async fn run_tls_mail_sink(
    listener: TcpListener,
    outbox: PathBuf,
    tls: SinkTls,
) -> std::io::Result<()> {
    run_sink(listener, outbox, Some(tls)).await
}

async fn run_sink(
    listener: TcpListener,
    outbox: PathBuf,
    tls: Option<SinkTls>,
) -> std::io::Result<()> {
    tokio::fs::create_dir_all(&outbox).await?;
    let counter = Arc::new(AtomicU64::new(0));
    loop {
        let (stream, _) = listener.accept().await?;
        let outbox = outbox.clone();
        let counter = counter.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            if let Err(error) = serve_smtp_session(stream, tls.as_ref(), &outbox, &counter).await {
                tracing::warn!(%error, "mail sink session failed");
            }
        });
    }
}

/// How one stretch of an SMTP conversation ended.
enum Ending {
    /// The client quit or hung up.
    Closed,
    /// The client asked for STARTTLS and was told to go ahead.
    StartTls,
}

async fn serve_smtp_session(
    stream: TcpStream,
    tls: Option<&SinkTls>,
    outbox: &Path,
    counter: &AtomicU64,
) -> std::io::Result<()> {
    const GREETING: &[u8] = b"220 caseport-mail-sink ESMTP\r\n";
    match tls {
        None => {
            let mut stream = BufReader::new(stream);
            reply(&mut stream, GREETING).await?;
            converse(&mut stream, false, outbox, counter).await?;
        }
        Some(SinkTls {
            mode: SinkTlsMode::Implicit,
            acceptor,
        }) => {
            let mut stream = BufReader::new(acceptor.accept(stream).await?);
            reply(&mut stream, GREETING).await?;
            converse(&mut stream, false, outbox, counter).await?;
        }
        Some(SinkTls {
            mode: SinkTlsMode::StartTls,
            acceptor,
        }) => {
            let mut plain = BufReader::new(stream);
            reply(&mut plain, GREETING).await?;
            if let Ending::StartTls = converse(&mut plain, true, outbox, counter).await? {
                // Anything the client sent after STARTTLS but before the handshake was sent in the
                // clear and must not be taken as part of the encrypted session.
                if !plain.buffer().is_empty() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "data sent after STARTTLS before the TLS handshake",
                    ));
                }
                let mut secure = BufReader::new(acceptor.accept(plain.into_inner()).await?);
                converse(&mut secure, false, outbox, counter).await?;
            }
        }
    }
    Ok(())
}

async fn reply<S: AsyncWrite + Unpin>(stream: &mut S, text: &[u8]) -> std::io::Result<()> {
    stream.write_all(text).await?;
    stream.flush().await
}

/// Answers SMTP commands until the client quits or, when `offer_starttls`, switches to TLS (mail is
/// then refused until it has).
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    offer_starttls: bool,
    outbox: &Path,
    counter: &AtomicU64,
) -> std::io::Result<Ending> {
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(Ending::Closed);
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            let extensions: &[u8] = if offer_starttls {
                b"250-caseport-mail-sink\r\n250-STARTTLS\r\n250 8BITMIME\r\n"
            } else {
                b"250-caseport-mail-sink\r\n250 8BITMIME\r\n"
            };
            reply(stream, extensions).await?;
        } else if command == "STARTTLS" && offer_starttls {
            reply(stream, b"220 Ready to start TLS\r\n").await?;
            return Ok(Ending::StartTls);
        } else if offer_starttls
            && (command.starts_with("MAIL") || command.starts_with("RCPT") || command == "DATA")
        {
            reply(stream, b"530 Must issue a STARTTLS command first\r\n").await?;
        } else if command.starts_with("HELO")
            || command.starts_with("MAIL")
            || command.starts_with("RCPT")
            || command.starts_with("RSET")
            || command.starts_with("NOOP")
        {
            reply(stream, b"250 OK\r\n").await?;
        } else if command == "DATA" {
            reply(stream, b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut message = String::new();
            loop {
                line.clear();
                if stream.read_line(&mut line).await? == 0 {
                    return Ok(Ending::Closed);
                }
                if line.trim_end_matches(['\r', '\n']) == "." {
                    break;
                }
                let content = line.strip_prefix('.').unwrap_or(&line);
                message.push_str(content);
            }
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let millis = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default();
            let path = outbox.join(format!("{millis:015}-{n:06}.eml"));
            tokio::fs::write(&path, message).await?;
            reply(stream, b"250 OK queued\r\n").await?;
        } else if command == "QUIT" {
            reply(stream, b"221 Bye\r\n").await?;
            return Ok(Ending::Closed);
        } else {
            reply(stream, b"502 Command not implemented\r\n").await?;
        }
    }
}
