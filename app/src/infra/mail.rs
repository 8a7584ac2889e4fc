//! Outgoing email over SMTP (lettre), and a tiny SMTP listener for development and tests.

use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use std::path::PathBuf;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// Sends mail through one SMTP relay.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Mail could not be configured or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP URL is not `smtp://[user:pass@]host[:port]`.
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    /// An address or the message could not be built.
    #[error("could not build message: {0}")]
    Build(String),
    /// The relay refused the message or could not be reached.
    #[error("SMTP delivery failed: {0}")]
    Send(String),
}

impl Mailer {
    /// A mailer for `smtp://[user:pass@]host[:port]` sending as `from`.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, MailError> {
        let rest = smtp_url
            .strip_prefix("smtp://")
            .ok_or_else(|| MailError::Url("only smtp:// is supported".into()))?;
        let (credentials, host_port) = match rest.rsplit_once('@') {
            Some((userinfo, host_port)) => {
                let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                (
                    Some(Credentials::new(user.to_owned(), pass.to_owned())),
                    host_port,
                )
            }
            None => (None, rest),
        };
        let host_port = host_port.trim_end_matches('/');
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| MailError::Url("bad port".into()))?,
            ),
            None => (host_port, 25),
        };
        if host.is_empty() {
            return Err(MailError::Url("missing host".into()));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port);
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
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
    #[tracing::instrument(skip_all, fields(subject = %subject))]
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Build(format!("to address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
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

/// Runs a minimal SMTP receiver on `listener` that writes every message it accepts to
/// `outbox/<time>-<n>.eml`. For local development (the newcomer reads mail from the folder) and tests.
pub async fn run_mail_sink(listener: TcpListener, outbox: PathBuf) -> std::io::Result<()> {
    tokio::fs::create_dir_all(&outbox).await?;
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    loop {
        let (stream, _) = listener.accept().await?;
        let outbox = outbox.clone();
        let counter = counter.clone();
        tokio::spawn(async move {
            if let Err(error) = serve_smtp_session(stream, &outbox, &counter).await {
                tracing::warn!(%error, "mail sink session failed");
            }
        });
    }
}

async fn serve_smtp_session(
    stream: tokio::net::TcpStream,
    outbox: &std::path::Path,
    counter: &std::sync::atomic::AtomicU64,
) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer
        .write_all(b"220 caseport-mail-sink ESMTP\r\n")
        .await?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            writer
                .write_all(b"250-caseport-mail-sink\r\n250 8BITMIME\r\n")
                .await?;
        } else if command.starts_with("HELO")
            || command.starts_with("MAIL")
            || command.starts_with("RCPT")
            || command.starts_with("RSET")
            || command.starts_with("NOOP")
        {
            writer.write_all(b"250 OK\r\n").await?;
        } else if command == "DATA" {
            writer
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut message = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line.trim_end_matches(['\r', '\n']) == "." {
                    break;
                }
                let content = line.strip_prefix('.').unwrap_or(&line);
                message.push_str(content);
            }
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let millis = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default();
            let path = outbox.join(format!("{millis:015}-{n:06}.eml"));
            tokio::fs::write(&path, message).await?;
            writer.write_all(b"250 OK queued\r\n").await?;
        } else if command == "QUIT" {
            writer.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            writer.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}
