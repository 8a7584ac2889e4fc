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

/// One encryption key and the id stored with everything it encrypts.
struct AeadKey {
    id: [u8; 4],
    cipher: XChaCha20Poly1305,
}

impl AeadKey {
    fn from_master(master: &[u8; 32]) -> Self {
        let key = derive(master, "caseport/v1/aead");
        let id_bytes = derive(master, "caseport/v1/key-id");
        Self {
            id: [id_bytes[0], id_bytes[1], id_bytes[2], id_bytes[3]],
            cipher: XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&key)),
        }
    }
}

/// Keys derived from the master key (and any retired master keys still needed to read old
/// data); never serialised, never printed.
pub struct Keys {
    current: AeadKey,
    retired: Vec<AeadKey>,
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

/// The first bytes of every versioned ciphertext: format version 1.
const FORMAT_V1: &[u8; 3] = b"cp1";
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = FORMAT_V1.len() + 4;

impl Keys {
    /// Derives the per-purpose keys from the 32-byte master key.
    pub fn from_master(master: &[u8; 32]) -> Self {
        Self::with_retired(master, &[])
    }

    /// Keys for `master`, still able to decrypt what older master keys (`retired`) encrypted:
    /// during a rotation the new key encrypts and both decrypt, each ciphertext naming its key.
    pub fn with_retired(master: &[u8; 32], retired: &[[u8; 32]]) -> Self {
        Self {
            current: AeadKey::from_master(master),
            retired: retired.iter().map(AeadKey::from_master).collect(),
            mac_key: derive(master, "caseport/v1/mac"),
        }
    }

    /// The id of the key that encrypts now, as stored in ciphertexts (hex).
    pub fn current_key_id(&self) -> String {
        hex(&self.current.id)
    }

    /// The key id a ciphertext names (hex), or `None` for data written before ciphertexts
    /// carried one (which the current key decrypts). A rotation re-encrypts exactly the rows
    /// whose id is not [`Keys::current_key_id`].
    pub fn key_id_of(ciphertext: &[u8]) -> Option<String> {
        (ciphertext.len() > HEADER_LEN + NONCE_LEN && ciphertext.starts_with(FORMAT_V1))
            .then(|| hex(&ciphertext[FORMAT_V1.len()..HEADER_LEN]))
    }

    /// Encrypts with XChaCha20-Poly1305; `context` is bound as associated data (e.g. the account
    /// id), so a ciphertext copied to another row does not decrypt. Output: `cp1`, the 4-byte key
    /// id, the 24-byte nonce, then the ciphertext; the header is authenticated too.
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        let mut out = FORMAT_V1.to_vec();
        out.extend_from_slice(&self.current.id);
        let nonce_bytes = random_bytes::<NONCE_LEN>();
        let aad = [&out[..], context.as_bytes()].concat();
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce_bytes),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory input");
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Reverses [`Keys::encrypt`] with the same `context`, with whichever known key the
    /// ciphertext names; data from before key ids is decrypted with the current key.
    pub fn decrypt(&self, data: &[u8], context: &str) -> Result<Vec<u8>, CryptoError> {
        if Self::key_id_of(data).is_some() {
            let id = &data[FORMAT_V1.len()..HEADER_LEN];
            if let Some(key) = std::iter::once(&self.current)
                .chain(&self.retired)
                .find(|key| key.id == id)
            {
                let (nonce, ciphertext) = data[HEADER_LEN..].split_at(NONCE_LEN);
                let aad = [&data[..HEADER_LEN], context.as_bytes()].concat();
                if let Ok(plain) = key.cipher.decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: ciphertext,
                        aad: &aad,
                    },
                ) {
                    return Ok(plain);
                }
            }
        }
        // Unversioned data (24-byte nonce, then ciphertext, context alone as associated data).
        if data.len() < NONCE_LEN {
            return Err(CryptoError);
        }
        let (nonce, ciphertext) = data.split_at(NONCE_LEN);
        self.current
            .cipher
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
    fn ciphertexts_name_their_key_and_a_retired_key_still_decrypts_its_own() {
        let old = Keys::from_master(&[1u8; 32]);
        let sealed_old = old.encrypt(b"totp secret", "account-1");
        assert_eq!(Keys::key_id_of(&sealed_old), Some(old.current_key_id()));

        let rotated = Keys::with_retired(&[2u8; 32], &[[1u8; 32]]);
        assert_ne!(rotated.current_key_id(), old.current_key_id());
        assert_eq!(
            rotated.decrypt(&sealed_old, "account-1").unwrap(),
            b"totp secret",
            "data under the retired key is still readable"
        );
        let sealed_new = rotated.encrypt(b"totp secret", "account-1");
        assert_eq!(Keys::key_id_of(&sealed_new), Some(rotated.current_key_id()));
        assert!(old.decrypt(&sealed_new, "account-1").is_err());
        assert!(
            Keys::from_master(&[2u8; 32])
                .decrypt(&sealed_old, "account-1")
                .is_err(),
            "without the retired key the old data cannot be read"
        );
        // The header is authenticated: a ciphertext relabelled with another key id fails.
        let mut relabelled = sealed_new.clone();
        relabelled[3] ^= 1;
        assert!(rotated.decrypt(&relabelled, "account-1").is_err());
    }

    #[test]
    fn data_written_before_key_ids_still_decrypts() {
        let master = [9u8; 32];
        let keys = Keys::from_master(&master);
        let legacy_key = derive(&master, "caseport/v1/aead");
        let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&legacy_key));
        let nonce = random_bytes::<24>();
        let mut legacy = nonce.to_vec();
        legacy.extend(
            cipher
                .encrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: b"old secret",
                        aad: b"account-9",
                    },
                )
                .unwrap(),
        );
        assert_eq!(keys.decrypt(&legacy, "account-9").unwrap(), b"old secret");
        assert!(keys.decrypt(&legacy, "account-8").is_err());
    }

    #[test]
    fn ciphertext_decrypts_only_with_the_same_key_and_context() {
        let keys = Keys::from_master(&[7u8; 32]);
        let sealed = keys.encrypt(b"secret", "account-1");
        assert_ne!(&sealed[31..], b"secret");
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
