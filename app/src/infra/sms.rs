//! Text messages leave through an [`SmsSender`]: in development a folder (one file per message,
//! like the mail sink's outbox), in production a provider's HTTP API configured in `Leptos.toml`
//! (`sms_url`, `sms_token`). The outbox worker calls it, so a text is retried like an email and
//! carries the outbox row id, which a provider can use to drop a repeated delivery.

use serde::{Deserialize, Serialize};
use std::{path::PathBuf, time::Duration};

/// A text message ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingSms {
    /// The recipient in E.164 form (`+15551234567`).
    pub to: String,
    /// The text (kept short and free of personal data beyond a receipt number).
    pub body: String,
}

/// Why a text was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// Writing the development file failed.
    #[error("writing the text message file: {0}")]
    Io(#[from] std::io::Error),
    /// The provider could not be reached or answered with an error status.
    #[error("SMS provider: {0}")]
    Provider(String),
    /// No sender is configured.
    #[error("text messages are not configured")]
    Disabled,
}

/// Where text messages go.
#[derive(Debug, Clone)]
pub enum SmsSender {
    /// Development: `<folder>/<id>.txt` holding the number and the text.
    Folder(PathBuf),
    /// A provider: `POST url` with JSON `{"id","to","body"}` and `Authorization: Bearer token`;
    /// any 2xx answer means accepted.
    Http {
        /// The provider's endpoint.
        url: String,
        /// The bearer token.
        token: String,
        /// The HTTP client (connection pool, 10 s timeout).
        client: reqwest::Client,
    },
    /// Not configured: sending fails (and the outbox retries until it gives up).
    Disabled,
}

impl SmsSender {
    /// A provider sender for `url` with `token`.
    pub fn http(url: &str, token: &str) -> Result<Self, SmsError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| SmsError::Provider(e.to_string()))?;
        Ok(SmsSender::Http {
            url: url.to_owned(),
            token: token.to_owned(),
            client,
        })
    }

    /// Whether texts can be sent at all (the settings page offers them only then).
    pub fn enabled(&self) -> bool {
        !matches!(self, SmsSender::Disabled)
    }

    /// Sends `sms` as message `id`.
    pub async fn send(&self, id: &str, sms: &OutgoingSms) -> Result<(), SmsError> {
        match self {
            SmsSender::Folder(folder) => {
                tokio::fs::create_dir_all(folder).await?;
                let safe_id: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
                let text = format!("To: {}\n\n{}\n", sms.to, sms.body);
                tokio::fs::write(folder.join(format!("{safe_id}.txt")), text).await?;
                Ok(())
            }
            SmsSender::Http { url, token, client } => {
                let answer = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&serde_json::json!({ "id": id, "to": sms.to, "body": sms.body }))
                    .send()
                    .await
                    .map_err(|e| SmsError::Provider(e.without_url().to_string()))?;
                if answer.status().is_success() {
                    Ok(())
                } else {
                    Err(SmsError::Provider(format!(
                        "HTTP {}",
                        answer.status().as_u16()
                    )))
                }
            }
            SmsSender::Disabled => Err(SmsError::Disabled),
        }
    }
}

/// A phone number as typed, in E.164 form: `+`, a country code and 7 to 15 digits in all
/// (spaces, dashes, dots and brackets ignored; a 10-digit number is taken as US `+1`).
pub fn normalise_phone(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let plus = trimmed.starts_with('+');
    let digits: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+'))
        .collect();
    if digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit())
        || trimmed.chars().skip(1).any(|c| c == '+')
    {
        return None;
    }
    let full = if plus {
        digits
    } else if digits.len() == 10 {
        format!("1{digits}")
    } else {
        return None;
    };
    ((8..=15).contains(&full.len()) && !full.starts_with('0')).then(|| format!("+{full}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_read_as_people_type_them() {
        assert_eq!(
            normalise_phone("+1 (555) 123-4567").as_deref(),
            Some("+15551234567")
        );
        assert_eq!(
            normalise_phone("555.123.4567").as_deref(),
            Some("+15551234567")
        );
        assert_eq!(
            normalise_phone("+52 55 1234 5678").as_deref(),
            Some("+525512345678")
        );
        for bad in [
            "",
            "+",
            "12345",
            "555-1234",
            "+1 555 123 4567 8901 2",
            "+0 555 123 4567",
            "abc",
            "+1+5551234567",
            "55512345678",
        ] {
            assert_eq!(normalise_phone(bad), None, "{bad}");
        }
    }
}
