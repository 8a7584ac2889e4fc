//! Argon2id hashing on the blocking pool behind a semaphore, with a dummy hash so unknown accounts
//! cost the same time, and a bounded wait so hashing cannot be used to stall the server.

use crate::error::AppError;
use argon2::{
    password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

/// Result of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The password matched.
    pub matches: bool,
    /// The stored hash uses weaker parameters than today's and should be replaced.
    pub needs_rehash: bool,
}

/// Argon2id hashing with the OWASP parameters (m=19456 KiB, t=2, p=1), run on the blocking pool.
///
/// At most `concurrency` hashes run at once (each holds about 19 MiB); a request waits at most
/// `max_wait` for a slot and is then answered 503 with `Retry-After`, so a flood of password
/// requests can neither exhaust memory nor queue without end.
pub struct PasswordHasher {
    params: Params,
    permits: Semaphore,
    max_wait: std::time::Duration,
    dummy_hash: String,
}

/// How long a request may wait for a hashing slot unless told otherwise.
pub const DEFAULT_HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// `Retry-After` seconds when no hashing slot came free in time.
const BUSY_RETRY_AFTER_SECS: u64 = 5;

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.params)
            .finish()
    }
}

impl PasswordHasher {
    /// A hasher allowing `concurrency` hashes at once (each takes about 19 MiB of memory), waiting
    /// at most [`DEFAULT_HASH_WAIT`] for a slot.
    pub fn new(concurrency: usize) -> Self {
        Self::with_max_wait(concurrency, DEFAULT_HASH_WAIT)
    }

    /// A hasher allowing `concurrency` hashes at once, waiting at most `max_wait` for a slot.
    pub fn with_max_wait(concurrency: usize, max_wait: std::time::Duration) -> Self {
        let params = Params::default();
        let dummy_hash = hash_with(&params, "caseport dummy password for unknown accounts")
            .expect("hashing a constant with default parameters succeeds");
        Self {
            params,
            permits: Semaphore::new(concurrency.max(1)),
            max_wait,
            dummy_hash,
        }
    }

    async fn slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        match tokio::time::timeout(self.max_wait, self.permits.acquire()).await {
            Ok(permit) => permit.map_err(AppError::internal),
            Err(_) => {
                tracing::warn!("no password-hashing slot came free in time");
                Err(AppError::Unavailable {
                    retry_after: BUSY_RETRY_AFTER_SECS,
                })
            }
        }
    }

    /// The parameters new hashes use.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Hashes `secret` (a password or a normalised security answer) to a PHC string.
    pub async fn hash(&self, secret: &SecretString) -> Result<String, AppError> {
        let _permit = self.slot().await?;
        let params = self.params.clone();
        let secret = secret.clone();
        tokio::task::spawn_blocking(move || hash_with(&params, secret.expose_secret()))
            .await?
            .map_err(|e| AppError::internal(format_args!("argon2 hash: {e}")))
    }

    /// Verifies `secret` against `stored`; with `None` (no such account) it verifies against a dummy
    /// hash so that the answer takes as long and says the same.
    pub async fn verify(
        &self,
        secret: &SecretString,
        stored: Option<&str>,
    ) -> Result<Verified, AppError> {
        let _permit = self.slot().await?;
        let known = stored.is_some();
        let stored = stored.unwrap_or(&self.dummy_hash).to_owned();
        let secret = secret.clone();
        let current = self.params.clone();
        let (matches, needs_rehash) = tokio::task::spawn_blocking(move || {
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return (false, false);
            };
            let matches = Argon2::default()
                .verify_password(secret.expose_secret().as_bytes(), &parsed)
                .is_ok();
            (matches, weaker_than(&parsed, &current))
        })
        .await?;
        Ok(Verified {
            matches: matches && known,
            needs_rehash: needs_rehash && known,
        })
    }
}

fn hash_with(params: &Params, secret: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
}

fn weaker_than(hash: &PasswordHash<'_>, current: &Params) -> bool {
    if hash.algorithm.as_str() != "argon2id" || hash.version != Some(0x13) {
        return true;
    }
    match Params::try_from(hash) {
        Ok(params) => {
            params.m_cost() < current.m_cost()
                || params.t_cost() < current.t_cost()
                || params.p_cost() < current.p_cost()
        }
        Err(_) => true,
    }
}

/// Hashes with explicit (possibly weak) parameters; for tests that seed legacy hashes.
pub fn hash_with_params(secret: &str, m_cost: u32, t_cost: u32, p_cost: u32) -> String {
    let params = Params::new(m_cost, t_cost, p_cost, None).expect("valid argon2 parameters");
    hash_with(&params, secret).expect("hashing succeeds")
}

/// Wraps a plain string as a secret.
pub fn secret(value: impl Into<String>) -> SecretString {
    SecretString::from(value.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_that_waits_too_long_for_a_hashing_slot_is_told_to_come_back() {
        let hasher = std::sync::Arc::new(PasswordHasher::with_max_wait(
            1,
            std::time::Duration::from_millis(1),
        ));
        let attempts = (0..6)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.hash(&secret("a long enough password")).await })
            })
            .collect::<Vec<_>>();
        let results: Vec<_> = futures_join(attempts).await;
        let busy = results
            .iter()
            .filter(|r| matches!(r, Err(AppError::Unavailable { retry_after }) if *retry_after > 0))
            .count();
        let done = results.iter().filter(|r| r.is_ok()).count();
        assert!(done >= 1, "{results:?}");
        assert!(busy >= 1, "nobody was turned away: {results:?}");
        assert_eq!(done + busy, 6, "{results:?}");
    }

    async fn futures_join<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
        let mut out = Vec::new();
        for handle in handles {
            out.push(handle.await.expect("task"));
        }
        out
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_a_16_byte_salt() {
        let hasher = PasswordHasher::new(1);
        let hash = hasher
            .hash(&secret("a long enough password"))
            .await
            .unwrap();
        let re = |s: &str| -> Option<(u32, u32, u32)> {
            let rest = s.strip_prefix("$argon2id$v=19$m=")?;
            let (m, rest) = rest.split_once(",t=")?;
            let (t, rest) = rest.split_once(",p=")?;
            let (p, _) = rest.split_once('$')?;
            Some((m.parse().ok()?, t.parse().ok()?, p.parse().ok()?))
        };
        let (m, t, p) = re(&hash).expect("PHC string");
        assert!(m >= 19456 && t >= 2 && p >= 1, "{hash}");
        let salt_b64 = hash.split('$').nth(4).unwrap();
        assert!(salt_b64.len() * 6 / 8 >= 16, "salt too short: {salt_b64}");
    }

    #[tokio::test]
    async fn verification_reports_weak_parameters_and_unknown_accounts_never_match() {
        let hasher = PasswordHasher::new(1);
        let weak = hash_with_params("legacy password!", 4096, 1, 1);
        let result = hasher
            .verify(&secret("legacy password!"), Some(&weak))
            .await
            .unwrap();
        assert_eq!(
            result,
            Verified {
                matches: true,
                needs_rehash: true
            }
        );
        let strong = hasher.hash(&secret("legacy password!")).await.unwrap();
        let result = hasher
            .verify(&secret("legacy password!"), Some(&strong))
            .await
            .unwrap();
        assert_eq!(
            result,
            Verified {
                matches: true,
                needs_rehash: false
            }
        );
        let result = hasher
            .verify(
                &secret("caseport dummy password for unknown accounts"),
                None,
            )
            .await
            .unwrap();
        assert!(!result.matches);
    }
}
