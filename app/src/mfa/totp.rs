//! TOTP (RFC 6238) as Caseport uses it: SHA-1, 6 digits, 30-second steps, one step of drift either
//! side, and each step accepted at most once per authenticator.
//!
//! The ±1 step window is a documented deviation from ASVS 5.0 6.5.5 (≤ 30 s lifetime): phones drift
//! and people type slowly; NIST SP 800-63B rev 4 §3.1.4.2 allows for drift, as does Login.gov.

use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Steps accepted either side of the current one.
pub const SKEW_STEPS: i64 = 1;
/// Secret length in bytes (160 bits, the RFC 4226 recommendation).
pub const SECRET_LEN: usize = 20;

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpRejection {
    /// No step in the window has this code.
    Wrong,
    /// The code is right but its step (or a later one) was already used.
    Reused,
}

fn totp(secret: &[u8], account_name: &str) -> TOTP {
    TOTP {
        algorithm: Algorithm::SHA1,
        digits: 6,
        skew: 0,
        step: STEP_SECS as u64,
        secret: secret.to_vec(),
        issuer: Some("Caseport".to_owned()),
        account_name: account_name.to_owned(),
    }
}

/// The code for a given step number.
pub fn code_for_step(secret: &[u8], step: i64) -> String {
    totp(secret, "").generate((step * STEP_SECS) as u64)
}

/// The step number containing `now`.
pub fn step_at(now: i64) -> i64 {
    now.div_euclid(STEP_SECS)
}

/// Checks `code` at time `now`. Steps T-1, T and T+1 are tried; a match on a step not after
/// `last_used_step` is a replay. Returns the matched step, which the caller must persist.
pub fn verify(
    secret: &[u8],
    code: &str,
    now: i64,
    last_used_step: Option<i64>,
) -> Result<i64, TotpRejection> {
    let current = step_at(now);
    let matched = (current - SKEW_STEPS..=current + SKEW_STEPS).find(|step| {
        crate::infra::crypto::constant_time_eq(
            code_for_step(secret, *step).as_bytes(),
            code.as_bytes(),
        )
    });
    match matched {
        None => Err(TotpRejection::Wrong),
        Some(step) if last_used_step.is_some_and(|last| step <= last) => Err(TotpRejection::Reused),
        Some(step) => Ok(step),
    }
}

/// The `otpauth://` URI authenticator apps import (issuer and account shown in the app).
pub fn otpauth_uri(secret: &[u8], account_name: &str) -> String {
    totp(secret, account_name).get_url()
}

/// The secret in Base32 (no padding), as apps expect it typed.
pub fn base32(secret: &[u8]) -> String {
    Secret::Raw(secret.to_vec()).to_encoded().to_string()
}

/// Decodes a Base32 secret (spaces ignored); used by the admin command that seeds demo accounts.
pub fn decode_base32(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    Secret::Encoded(cleaned).to_bytes().ok()
}

/// Base32 in groups of four characters, for reading aloud or typing.
pub fn grouped(base32: &str) -> String {
    base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of `text` as an SVG data URI.
pub fn qr_data_uri(text: &str) -> Option<String> {
    use base64::{engine::general_purpose::STANDARD, Engine};
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        STANDARD.encode(svg)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";
    const NOW: i64 = 1_800_000_015;

    #[test]
    fn codes_match_the_rfc_6238_sha1_vectors() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_for_step(RFC_SECRET, step_at(time)), code);
        }
    }

    #[test]
    fn codes_for_one_step_either_side_are_accepted_and_two_steps_are_not() {
        let t = step_at(NOW);
        for step in [t - 1, t, t + 1] {
            assert_eq!(
                verify(RFC_SECRET, &code_for_step(RFC_SECRET, step), NOW, None),
                Ok(step)
            );
        }
        for step in [t - 2, t + 2] {
            assert_eq!(
                verify(RFC_SECRET, &code_for_step(RFC_SECRET, step), NOW, None),
                Err(TotpRejection::Wrong)
            );
        }
    }

    #[test]
    fn a_totp_code_is_accepted_only_once() {
        let t = step_at(NOW);
        let code = code_for_step(RFC_SECRET, t);
        let used = verify(RFC_SECRET, &code, NOW, None).unwrap();
        assert_eq!(
            verify(RFC_SECRET, &code, NOW, Some(used)),
            Err(TotpRejection::Reused)
        );
        // An older code than the last one used is also refused, even inside the window.
        assert_eq!(
            verify(
                RFC_SECRET,
                &code_for_step(RFC_SECRET, t - 1),
                NOW,
                Some(used)
            ),
            Err(TotpRejection::Reused)
        );
        assert_eq!(
            verify(
                RFC_SECRET,
                &code_for_step(RFC_SECRET, t + 1),
                NOW,
                Some(used)
            ),
            Ok(t + 1)
        );
    }

    #[test]
    fn the_otpauth_uri_carries_a_160_bit_base32_secret() {
        let secret = [0xA5u8; SECRET_LEN];
        let uri = otpauth_uri(&secret, "ana@example.com");
        assert!(
            uri.starts_with("otpauth://totp/Caseport:ana%40example.com?"),
            "{uri}"
        );
        let encoded = base32(&secret);
        assert_eq!(encoded.len(), 32);
        assert!(uri.contains(&format!("secret={encoded}")));
        assert_eq!(decode_base32(&grouped(&encoded)).unwrap(), secret.to_vec());
    }

    #[test]
    fn the_qr_code_is_an_svg_data_uri() {
        assert!(qr_data_uri("otpauth://totp/x")
            .unwrap()
            .starts_with("data:image/svg+xml;base64,"));
    }
}
