//! Known browsers (OWASP "device cookies"): a browser that completed a full sign-in gets a signed
//! cookie, and its owner's password attempts are then counted against that browser instead of the
//! account, so strangers failing on the account elsewhere cannot lock the owner out, while unknown
//! browsers keep the account's progressive delay.

use crate::infra::crypto::{self, Keys};

/// The cookie naming a known browser (pinned to this origin by the `__Host-` prefix).
pub const DEVICE_COOKIE: &str = "__Host-caseport-device";

/// How long a browser stays known without another sign-in.
pub const DEVICE_COOKIE_MAX_AGE_SECS: i64 = 180 * 24 * 60 * 60;

/// A new device token for a browser that just signed in to `account_id`: a random nonce and a
/// MAC binding it to the account, so it cannot be forged or moved to another account.
pub fn issue(keys: &Keys, account_id: &str) -> String {
    let nonce = crypto::random_token();
    let mac = keys.mac_hex(format!("known-device|{account_id}|{nonce}").as_bytes());
    format!("{nonce}.{mac}")
}

/// The throttling subject of `token` when it is a genuine device token for `account_id`.
pub fn recognise(keys: &Keys, account_id: &str, token: &str) -> Option<String> {
    let (nonce, mac) = token.split_once('.')?;
    let expected = keys.mac_hex(format!("known-device|{account_id}|{nonce}").as_bytes());
    crypto::constant_time_eq(expected.as_bytes(), mac.as_bytes())
        .then(|| keys.mac_hex(format!("device-subject|{nonce}").as_bytes()))
}

/// The `Set-Cookie` value remembering this browser.
pub fn cookie_header(token: &str) -> String {
    format!(
        "{DEVICE_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={DEVICE_COOKIE_MAX_AGE_SECS}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_token_is_recognised_only_for_its_own_account_and_unaltered() {
        let keys = Keys::from_master(&[7u8; 32]);
        let token = issue(&keys, "account-a");
        let subject = recognise(&keys, "account-a", &token).expect("recognised");
        assert_eq!(recognise(&keys, "account-a", &token), Some(subject.clone()));
        assert_eq!(recognise(&keys, "account-b", &token), None);
        let other = Keys::from_master(&[8u8; 32]);
        assert_eq!(recognise(&other, "account-a", &token), None);
        let mut tampered = token.clone();
        tampered.insert(0, 'x');
        assert_eq!(recognise(&keys, "account-a", &tampered), None);
        assert_eq!(recognise(&keys, "account-a", "no-dot"), None);
        assert_ne!(
            recognise(&keys, "account-a", &issue(&keys, "account-a")),
            Some(subject),
            "each browser has its own subject"
        );
    }
}
