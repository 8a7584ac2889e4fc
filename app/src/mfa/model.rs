//! Second-factor types shared with the browser.

use serde::{Deserialize, Serialize};

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

/// The account's sign-in methods and backup codes, for the Sign-in and security page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SecurityOverview {
    /// When the authentication app was added, in words, if the account has one.
    pub authenticator_added: Option<String>,
    /// The backup codes, if a set was ever made.
    pub backup_codes: Option<BackupCodeStatus>,
    /// Whether the last full sign-in is recent enough for changes (else the page offers to
    /// confirm it is them first).
    pub recently_authenticated: bool,
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
