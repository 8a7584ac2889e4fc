//! Randomness, hashing and authenticated encryption with keys derived from one master key.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// `N` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// `n` random bytes as lower-case hex (used for ids and correlation ids).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// A 256-bit random token, URL-safe base64 without padding.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `data` as hex; used to store session ids so a database leak does not leak sessions.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Keys derived from the master key; never serialised, never printed.
pub struct Keys {
    aead: XChaCha20Poly1305,
    mac_key: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

/// Encryption or decryption failed (wrong key, tampered data or truncated input).
#[derive(Debug, thiserror::Error)]
#[error("ciphertext could not be decrypted")]
pub struct CryptoError;

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC accepts any key length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Keys {
    /// Derives the per-purpose keys from the 32-byte master key.
    pub fn from_master(master: &[u8; 32]) -> Self {
        let aead_key = derive(master, "caseport/v1/aead");
        Self {
            aead: XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&aead_key)),
            mac_key: derive(master, "caseport/v1/mac"),
        }
    }

    /// Encrypts with XChaCha20-Poly1305; `context` is bound as associated data (e.g. the account id),
    /// so a ciphertext copied to another row does not decrypt. Output: 24-byte nonce then ciphertext.
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        let nonce_bytes = random_bytes::<24>();
        let nonce = XNonce::from_slice(&nonce_bytes);
        let ciphertext = self
            .aead
            .encrypt(
                nonce,
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory input");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Reverses [`Keys::encrypt`] with the same `context`.
    pub fn decrypt(&self, data: &[u8], context: &str) -> Result<Vec<u8>, CryptoError> {
        if data.len() < 24 {
            return Err(CryptoError);
        }
        let (nonce, ciphertext) = data.split_at(24);
        self.aead
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| CryptoError)
    }

    /// HMAC-SHA256 of `data` under the MAC key, as hex: how short one-time codes are stored, so a
    /// copy of the database alone cannot brute-force them.
    pub fn mac_hex(&self, data: &[u8]) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.mac_key)
            .expect("HMAC accepts any key length");
        mac.update(data);
        hex(&mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertext_decrypts_only_with_the_same_key_and_context() {
        let keys = Keys::from_master(&[7u8; 32]);
        let sealed = keys.encrypt(b"secret", "account-1");
        assert_ne!(&sealed[24..], b"secret");
        assert_eq!(keys.decrypt(&sealed, "account-1").unwrap(), b"secret");
        assert!(keys.decrypt(&sealed, "account-2").is_err());
        assert!(Keys::from_master(&[8u8; 32])
            .decrypt(&sealed, "account-1")
            .is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(keys.decrypt(&tampered, "account-1").is_err());
    }

    #[test]
    fn random_tokens_are_256_bits_and_distinct() {
        let a = random_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, random_token());
    }
}
