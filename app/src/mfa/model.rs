//! Second-factor types shared with the browser.

use crate::{accounts::model::AuthMethod, session::model::Step};
use serde::{Deserialize, Serialize};

/// Where a one-time code is sent: a phone by text message, or the account's email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeChannel {
    /// A text message to a phone.
    Text,
    /// An email to the account's address (the weakest factor).
    Email,
}

impl CodeChannel {
    /// The name in forms and in the database (`sms`, `email`).
    pub fn as_str(self) -> &'static str {
        match self {
            CodeChannel::Text => "sms",
            CodeChannel::Email => "email",
        }
    }

    /// Parses a form or database name.
    pub fn parse(name: &str) -> Option<Self> {
        [CodeChannel::Text, CodeChannel::Email]
            .into_iter()
            .find(|channel| channel.as_str() == name)
    }

    /// The sign-in method a code on this channel is.
    pub fn method(self) -> AuthMethod {
        match self {
            CodeChannel::Text => AuthMethod::TextMessage,
            CodeChannel::Email => AuthMethod::EmailCode,
        }
    }

    /// The page where a code on this channel finishes a sign-in.
    pub fn sign_in_path(self) -> &'static str {
        match self {
            CodeChannel::Text => "/sign-in/text",
            CodeChannel::Email => "/sign-in/email-code",
        }
    }
}

/// Where a person goes after a code was sent on `channel` at `step`: back to the page that asked,
/// with `sent=<channel>` so it says the code is on its way (`next` is kept for confirming it is
/// you).
pub fn sent_code_page(step: Step, channel: CodeChannel, next: Option<&str>) -> String {
    let sent = channel.as_str();
    match step {
        Step::SignedIn => format!(
            "/account/reauthenticate?sent={sent}&next={}",
            encode_query_value(safe_return_path(next))
        ),
        Step::Recovering(_) => format!("/reset-password/verify?sent={sent}"),
        _ => format!("{}?sent={sent}", channel.sign_in_path()),
    }
}

/// Where binding a phone or email codes continues at `step`.
pub fn binding_page(step: Step, channel: CodeChannel) -> &'static str {
    match (step, channel) {
        (Step::SignedIn, _) => "/account/security/phone",
        (_, CodeChannel::Text) => "/setup-phone",
        (_, CodeChannel::Email) => "/setup-email-codes",
    }
}

/// `value` for a URL query: everything but unreserved characters percent-encoded.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The last four digits of a phone number, the only part pages and messages show.
pub fn phone_ending(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(4)..].iter().collect()
}

/// What the set-up page shows: the same secret three ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// The `otpauth://totp/...` URI encoded in the QR code.
    pub otpauth_uri: String,
    /// The Base32 key in groups of four, for typing into an app by hand.
    pub secret_grouped: String,
    /// The QR code as a `data:image/svg+xml;base64,...` URI.
    pub qr_data_uri: String,
    /// Whether texts can be sent (the page then offers a phone instead).
    pub texts_available: bool,
    /// Whether email codes may be chosen instead (the operator allows them).
    pub email_codes_allowed: bool,
}

/// The account's sign-in methods and backup codes, for the Sign-in and security page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SecurityOverview {
    /// When the authentication app was added, in words, if the account has one.
    pub authenticator_added: Option<String>,
    /// The phone that gets codes by text (its last four digits) and when it was added, in words.
    pub phone: Option<(String, String)>,
    /// When email codes were turned on, in words, if they are a factor of the account.
    pub email_codes_added: Option<String>,
    /// Whether email codes are used at sign-in (only while nothing stronger is set up).
    pub email_codes_offered: bool,
    /// Whether this service can send text messages.
    pub texts_available: bool,
    /// The backup codes, if a set was ever made.
    pub backup_codes: Option<BackupCodeStatus>,
    /// Whether the last full sign-in is recent enough for changes (else the page offers to
    /// confirm it is them first).
    pub recently_authenticated: bool,
    /// The account's passkeys and security keys, oldest first.
    pub passkeys: Vec<PasskeySummary>,
    /// Whether this service can take passkeys (its address is a domain name, not an IP address).
    pub passkeys_available: bool,
}

/// A passkey or security key as the Sign-in and security page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    /// Row id (for renaming and removing).
    pub id: String,
    /// The name its owner gave it.
    pub name: String,
    /// When it was added, in words.
    pub added: String,
    /// When it was last used to sign in, in words.
    pub last_used: Option<String>,
}

/// The most passkeys and security keys one account may have.
pub const MAX_PASSKEYS: usize = 10;

/// A passkey's name as its owner typed it: trimmed, 1 to 60 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    /// The longest name, in characters.
    pub const MAX_CHARS: usize = 60;

    /// Checks a typed name.
    pub fn parse(input: &str) -> Result<Self, crate::i18n::Msg> {
        let name = input.trim();
        let length = name.chars().count();
        if length == 0 || length > Self::MAX_CHARS || name.chars().any(char::is_control) {
            return Err(crate::mfa::texts::MfaMsg::PasskeyNameInvalid.into());
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many backup codes are left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCodeStatus {
    /// Codes not used yet.
    pub unused: i64,
    /// Codes in the set.
    pub total: i64,
    /// When the set was made, in words.
    pub made: String,
    /// True when few are left and a new set should be made.
    pub running_low: bool,
}

/// A new set of backup codes, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBackupCodes {
    /// The codes in groups of four, e.g. `ABCD-EFGH-JKMN-PQRS`.
    pub codes: Vec<String>,
    /// The same codes as a text file, for the download link.
    pub text_file: String,
}

/// Where to go after confirming it is them: `next` if it is a plain path on this site (one of the
/// account's pages), else the Sign-in and security page. Anything that could leave the site
/// (`//host`, `/\host`, a scheme) or carry odd characters is refused.
pub fn safe_return_path(next: Option<&str>) -> &str {
    const FALLBACK: &str = "/account/security";
    match next {
        Some(path)
            if path.starts_with("/account")
                && !path.starts_with("//")
                && path.len() <= 200
                && path
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_?=&.".contains(&b))
                && !path.contains("..") =>
        {
            path
        }
        _ => FALLBACK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passkey_name_is_trimmed_and_between_1_and_60_characters_without_control_characters() {
        assert_eq!(
            PasskeyName::parse("  Blue key ").unwrap().as_str(),
            "Blue key"
        );
        assert_eq!(
            PasskeyName::parse(&"é".repeat(60))
                .unwrap()
                .as_str()
                .chars()
                .count(),
            60
        );
        for bad in [
            "",
            "   ",
            &"x".repeat(61),
            "tab\there",
            "line\nbreak",
            "nul\0",
        ] {
            assert!(PasskeyName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn channels_round_trip_and_phones_show_only_their_last_four_digits() {
        for channel in [CodeChannel::Text, CodeChannel::Email] {
            assert_eq!(CodeChannel::parse(channel.as_str()), Some(channel));
        }
        assert_eq!(CodeChannel::parse("fax"), None);
        assert_eq!(phone_ending("+15551234567"), "4567");
        assert_eq!(phone_ending("+12"), "12");
    }

    #[test]
    fn after_sending_a_code_people_return_to_the_page_that_asked() {
        assert_eq!(
            sent_code_page(Step::AwaitingSecondFactor, CodeChannel::Text, None),
            "/sign-in/text?sent=sms"
        );
        assert_eq!(
            sent_code_page(
                Step::SignedIn,
                CodeChannel::Email,
                Some("/account/security?x=1&y=2")
            ),
            "/account/reauthenticate?sent=email&next=%2Faccount%2Fsecurity%3Fx%3D1%26y%3D2"
        );
        assert_eq!(
            sent_code_page(
                Step::SignedIn,
                CodeChannel::Text,
                Some("https://evil.example")
            ),
            "/account/reauthenticate?sent=sms&next=%2Faccount%2Fsecurity"
        );
        assert_eq!(
            sent_code_page(
                Step::Recovering(crate::session::model::RecoveryStage::SecondFactor),
                CodeChannel::Text,
                None
            ),
            "/reset-password/verify?sent=sms"
        );
    }

    #[test]
    fn only_account_pages_are_returned_to_after_confirming_identity() {
        assert_eq!(
            safe_return_path(Some("/account/history")),
            "/account/history"
        );
        assert_eq!(
            safe_return_path(Some("/account/security?x=1")),
            "/account/security?x=1"
        );
        for bad in [
            "//evil.example/account",
            "https://evil.example/account",
            "/account\\@evil.example",
            "/accounts/../../evil",
            "/sign-in",
            "/account/%2F%2Fevil",
            "",
        ] {
            assert_eq!(safe_return_path(Some(bad)), "/account/security", "{bad}");
        }
        assert_eq!(safe_return_path(None), "/account/security");
    }
}
