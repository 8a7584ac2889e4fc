//! Password policy beyond length (blocklist, context words, strength) and Argon2id hashing on the
//! blocking pool behind a semaphore, with a dummy hash so unknown accounts cost the same time.

use crate::{
    accounts::model::{Email, PasswordRules},
    error::AppError,
    i18n::Msg,
};
use argon2::{
    password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};
use std::{collections::HashSet, sync::LazyLock};
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

/// Common and breached passwords shipped with Caseport (lower case, most common first).
pub static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Words that make a password guessable for this service, whoever the user is.
const SERVICE_WORDS: [&str; 6] = [
    "caseport",
    "uscis",
    "casestatusportal",
    "casestatus",
    "caseportal",
    "immigration",
];

fn squash(text: &str) -> String {
    text.nfc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn is_context_variant(password: &str, email: Option<&Email>) -> bool {
    let squashed = squash(password);
    if squashed.is_empty() {
        return false;
    }
    let core = squashed.trim_end_matches(|c: char| c.is_ascii_digit());
    let core = if core.is_empty() {
        squashed.as_str()
    } else {
        core
    };
    let mut words: Vec<String> = SERVICE_WORDS.iter().map(|w| (*w).to_owned()).collect();
    if let Some(email) = email {
        for word in [squash(email.as_str()), squash(email.local_part())] {
            words.push(
                word.trim_end_matches(|c: char| c.is_ascii_digit())
                    .to_owned(),
            );
            words.push(word);
        }
    }
    words.iter().filter(|w| w.len() >= 3).any(|word| {
        core == word
            || (core.len() % word.len() == 0 && core == word.repeat(core.len() / word.len()))
    })
}

/// Checks every password rule: length, the common-password list (whole password, any case), and
/// variants of the email address or service name. Returns the first rule broken.
pub fn check_password(
    rules: &PasswordRules,
    password: &str,
    email: Option<&Email>,
) -> Result<(), Msg> {
    rules.check_length(password)?;
    let normalised: String = password.nfc().collect::<String>().to_lowercase();
    if COMMON_PASSWORDS.contains(normalised.as_str()) {
        return Err(Msg::PasswordCommon);
    }
    if is_context_variant(password, email) {
        return Err(Msg::PasswordContext);
    }
    Ok(())
}

/// Estimated strength from 0 to 4 (zxcvbn), for the meter only: it never rejects a password.
pub fn strength(password: &str, email: Option<&Email>) -> u8 {
    if password.is_empty() {
        return 0;
    }
    let inputs: Vec<&str> = email
        .map(|e| vec![e.as_str(), e.local_part()])
        .unwrap_or_default();
    u8::from(zxcvbn::zxcvbn(password, &inputs).score())
}

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

    fn rules() -> PasswordRules {
        PasswordRules::default()
    }

    #[test]
    fn every_shipped_common_password_that_meets_the_length_rule_is_rejected() {
        let list = include_str!("../../data/common-passwords.txt");
        let mut checked = 0;
        for entry in list
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .take(30_000)
        {
            if rules().check_length(entry).is_err() {
                continue;
            }
            assert_eq!(
                check_password(&rules(), entry, None),
                Err(Msg::PasswordCommon),
                "{entry}"
            );
            assert_eq!(
                check_password(&rules(), &entry.to_uppercase(), None),
                Err(Msg::PasswordCommon),
                "{entry}"
            );
            checked += 1;
        }
        assert!(
            checked > 100,
            "only {checked} entries were long enough to test"
        );
        assert!(list.lines().filter(|l| !l.starts_with('#')).count() >= 3000);
    }

    #[test]
    fn only_whole_password_matches_are_blocked() {
        assert_eq!(
            check_password(&rules(), "correct password horse staple", None),
            Ok(())
        );
    }

    #[test]
    fn variants_of_the_email_and_service_name_are_rejected() {
        let email = Email::parse("maria.lopez2024@example.com").unwrap();
        for bad in [
            "mariaLopez2024",
            "maria.lopez2024@example.com",
            "MARIA LOPEZ 2024 2024",
            "Caseport2026!!!!",
            "USCIS-USCIS-USCIS",
            "case status portal",
            "caseportcaseport",
        ] {
            assert_eq!(
                check_password(&rules(), bad, Some(&email)),
                Err(Msg::PasswordContext),
                "{bad}"
            );
        }
        assert_eq!(
            check_password(&rules(), "maria likes quiet harbours", Some(&email)),
            Ok(())
        );
    }

    #[test]
    fn no_composition_rules_and_any_unicode_is_accepted() {
        assert_eq!(
            check_password(&rules(), "qhzrtwnbvkxmplsdfgjy", None),
            Ok(())
        );
        assert_eq!(check_password(&rules(), &" ".repeat(15), None), Ok(()));
        assert_eq!(check_password(&rules(), &"🦀🌵".repeat(8), None), Ok(()));
    }

    #[test]
    fn strength_is_reported_but_does_not_reject() {
        assert!(strength("qhzrtwnbvkxmplsdfgjy", None) >= 3);
        assert!(strength("aaaaaaaaaaaa", None) <= 1);
    }

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
