//! A software passkey (ES256, "none" attestation) for server tests: answers the server's WebAuthn challenges the way a browser's `credential.toJSON()` does.
//!
//! The answers have the shape Chromium's `toJSON()` gives (checked against Chromium 156 with a
//! virtual authenticator). Like a platform authenticator it makes a non-discoverable credential,
//! sends no `userHandle`, and ignores `excludeCredentials` and `allowCredentials`, so tests can
//! offer it where the server should refuse it.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use p256::{
    ecdsa::{signature::Signer, Signature, SigningKey},
    pkcs8::EncodePublicKey,
};
use rand::{Rng, RngCore};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Authenticator data flags: user present, user verified, attested credential data included.
const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const ATTESTED_CREDENTIAL: u8 = 0x40;
/// COSE algorithm ES256 (ECDSA P-256 with SHA-256).
const ES256: i64 = -7;

#[derive(Clone)]
pub struct SoftPasskey {
    key: SigningKey,
    credential_id: Vec<u8>,
    counter: u32,
    user_verified: bool,
}

impl Default for SoftPasskey {
    fn default() -> Self {
        Self::new()
    }
}

impl SoftPasskey {
    pub fn new() -> Self {
        let mut rng = rand::thread_rng();
        let key = std::iter::repeat_with(|| rng.gen::<[u8; 32]>())
            .find_map(|scalar| SigningKey::from_slice(&scalar).ok())
            .expect("a valid P-256 scalar");
        let mut credential_id = vec![0; rng.gen_range(16..=32)];
        rng.fill_bytes(&mut credential_id);
        Self {
            key,
            credential_id,
            counter: 0,
            user_verified: true,
        }
    }

    /// Answers `navigator.credentials.create` for `creation_json` (the server's
    /// CreationChallengeResponse JSON) at `origin` (e.g. "https://caseport.test"); returns the
    /// RegistrationResponseJSON string the browser would send.
    pub fn register(&mut self, creation_json: &str, origin: &str) -> String {
        let options = public_key_options(creation_json);
        let rp_id = options["rp"]["id"].as_str().expect("publicKey.rp.id");
        let client_data = client_data_json("webauthn.create", &options, origin);

        // COSE EC2 key {1: 2, 3: -7, -1: 1 (P-256), -2: x, -3: y}
        let point = self.key.verifying_key().to_sec1_point(false);
        let mut cose_key = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01];
        cose_key.extend([0x21, 0x58, 0x20]);
        cose_key.extend(point.x().expect("uncompressed point"));
        cose_key.extend([0x22, 0x58, 0x20]);
        cose_key.extend(point.y().expect("uncompressed point"));

        let mut auth_data = self.authenticator_data(rp_id, ATTESTED_CREDENTIAL);
        auth_data.extend([0; 16]); // AAGUID: none
        let id_len = u16::try_from(self.credential_id.len()).expect("credential id length");
        auth_data.extend(id_len.to_be_bytes());
        auth_data.extend(&self.credential_id);
        auth_data.extend(cose_key);

        let mut attestation = vec![0xa3];
        cbor_text(&mut attestation, "fmt");
        cbor_text(&mut attestation, "none");
        cbor_text(&mut attestation, "attStmt");
        attestation.push(0xa0);
        cbor_text(&mut attestation, "authData");
        cbor_bytes(&mut attestation, &auth_data);

        let spki = self.key.verifying_key().to_public_key_der().expect("SPKI");
        self.credential_json(json!({
            "attestationObject": b64(&attestation),
            "authenticatorData": b64(&auth_data),
            "clientDataJSON": b64(client_data.as_bytes()),
            "publicKey": b64(spki.as_bytes()),
            "publicKeyAlgorithm": ES256,
            "transports": ["internal"],
        }))
    }

    /// Answers `navigator.credentials.get` for `request_json` (RequestChallengeResponse JSON);
    /// returns the AuthenticationResponseJSON string; increments the counter.
    pub fn sign_in(&mut self, request_json: &str, origin: &str) -> String {
        let options = public_key_options(request_json);
        let rp_id = options["rpId"].as_str().expect("publicKey.rpId");
        let client_data = client_data_json("webauthn.get", &options, origin);
        let auth_data = self.authenticator_data(rp_id, 0);

        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(client_data.as_bytes()));
        let signature: Signature = self.key.sign(&signed);

        self.credential_json(json!({
            "authenticatorData": b64(&auth_data),
            "clientDataJSON": b64(client_data.as_bytes()),
            "signature": b64(signature.to_der().as_bytes()),
        }))
    }

    /// Makes later answers claim the user was NOT verified (UV flag cleared), to test refusal.
    pub fn without_user_verification(mut self) -> Self {
        self.user_verified = false;
        self
    }

    pub fn credential_id(&self) -> Vec<u8> {
        self.credential_id.clone()
    }

    /// rpIdHash, flags and the sign counter, which every answer advances.
    fn authenticator_data(&mut self, rp_id: &str, extra_flags: u8) -> Vec<u8> {
        self.counter += 1;
        let mut flags = USER_PRESENT | extra_flags;
        if self.user_verified {
            flags |= USER_VERIFIED;
        }
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend(self.counter.to_be_bytes());
        data
    }

    fn credential_json(&self, response: Value) -> String {
        let id = b64(&self.credential_id);
        json!({
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "id": id,
            "rawId": id,
            "response": response,
            "type": "public-key",
        })
        .to_string()
    }
}

fn public_key_options(challenge_json: &str) -> Value {
    let mut options: Value = serde_json::from_str(challenge_json).expect("challenge JSON");
    options["publicKey"].take()
}

/// The client data in the browser's member order; the challenge is passed on as given.
fn client_data_json(kind: &str, options: &Value, origin: &str) -> String {
    let challenge = options["challenge"].as_str().expect("publicKey.challenge");
    format!(
        r#"{{"type":{},"challenge":{},"origin":{},"crossOrigin":false}}"#,
        json!(kind),
        json!(challenge),
        json!(origin)
    )
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    cbor_head(out, 0x60, text.len());
    out.extend(text.as_bytes());
}

fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    cbor_head(out, 0x40, bytes.len());
    out.extend(bytes);
}

/// A CBOR major type (`0x40` bytes, `0x60` text) with its length.
fn cbor_head(out: &mut Vec<u8>, major: u8, len: usize) {
    match len {
        0..=23 => out.push(major | len as u8),
        24..=0xff => out.extend([major | 24, len as u8]),
        _ => {
            let len = u16::try_from(len).expect("CBOR item under 64 KiB");
            out.push(major | 25);
            out.extend(len.to_be_bytes());
        }
    }
}
