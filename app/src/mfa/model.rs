//! Second-factor types shared with the browser.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// A six-digit one-time code as typed (spaces allowed), validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    /// Accepts exactly six digits, ignoring spaces and hyphens people type or paste.
    pub fn parse(input: &str) -> Result<Self, Msg> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(OneTimeCode(digits))
        } else if digits.is_empty() {
            Err(Msg::Required)
        } else {
            Err(Msg::CodeFormat)
        }
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_must_be_six_digits() {
        assert_eq!(OneTimeCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(OneTimeCode::parse("12345"), Err(Msg::CodeFormat));
        assert_eq!(OneTimeCode::parse("12345a"), Err(Msg::CodeFormat));
        assert_eq!(OneTimeCode::parse(""), Err(Msg::Required));
    }
}
