//! Authenticator set-up and the second sign-in step: session checks, throttling, replay protection.

use super::{
    backup_codes, code_factors,
    model::{
        phone_ending, BackupCodeStatus, CodeChannel, NewBackupCodes, SecurityOverview,
        TotpEnrolment,
    },
    sent_codes, store,
    texts::{texts, MfaMsg},
    totp::{self, TotpRejection},
};
use crate::{
    accounts::{
        self, factor_lockout,
        history::{self, NewEvent, Origin},
        model::{AccountEventKind, AuthMethod, Email, OneTimeCode},
        sign_in_alerts,
    },
    error::AppError,
    i18n::{long_date, Locale, Msg},
    infra::{crypto, outbox, passwords::secret, rate_limit, state::AppState},
    session::{
        access::{recently_signed_in, require_step, signed_in_account},
        model::{AuthState, Step},
        store::SessionHandle,
    },
};
use rand::rngs::OsRng;
use secrecy::SecretString;

fn decrypt_secret(
    state: &AppState,
    account_id: &str,
    ciphertext: &[u8],
) -> Result<Vec<u8>, AppError> {
    state
        .keys
        .decrypt(ciphertext, account_id)
        .map_err(AppError::internal)
}

/// The QR code and key for the authenticator being set up; a new 160-bit secret on first view.
/// Either the first factor of a new account, or a new app for a recently signed-in one.
pub async fn enrolment(
    state: &AppState,
    session: &SessionHandle,
) -> Result<TotpEnrolment, AppError> {
    let (account_id, step) = code_factors::binding_session(session, state.now())?;
    let first_factor = step == Step::EnrollingTotp;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let fresh_secret = crypto::random_bytes::<{ totp::SECRET_LEN }>();
    let ciphertext = state.keys.encrypt(&fresh_secret, &account_id);
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let pending =
        store::pending_or_create(&state.db, &account_id, &session_id, ciphertext, state.now())
            .await?;
    let secret = decrypt_secret(state, &account_id, &pending.secret_ciphertext)?;
    let otpauth_uri = totp::otpauth_uri(&secret, &account.email);
    let qr_data_uri = totp::qr_data_uri(&otpauth_uri)
        .ok_or_else(|| AppError::internal("QR code generation failed"))?;
    Ok(TotpEnrolment {
        secret_grouped: totp::grouped(&totp::base32(&secret)),
        otpauth_uri,
        qr_data_uri,
        texts_available: first_factor && state.sms.enabled(),
        email_codes_allowed: first_factor && state.policy.email_codes,
    })
}

/// Whose allowance a second-factor attempt counts against.
#[derive(Debug, Clone, Copy)]
pub enum FactorBudget<'a> {
    /// The account's (sign-in, set-up, confirming it is you). App codes and backup codes share
    /// it, so switching methods does not buy more guesses.
    Account,
    /// One password-recovery session's own few tries (its stored id hash): someone who knows the
    /// password and uses up the account's allowance must not block the owner's recovery, and a
    /// recovery session dies (429) after its tries, so more guesses need another emailed link.
    Recovery(&'a str),
}

/// Tries a recovery session gets at the second factor.
const RECOVERY_FACTOR_ATTEMPTS: rate_limit::Limit = rate_limit::Limit {
    max: 5,
    window_secs: 3600,
};

/// Counts one second-factor attempt against `budget`.
pub(super) async fn throttle(
    state: &AppState,
    account_id: &str,
    budget: FactorBudget<'_>,
) -> Result<(), AppError> {
    match budget {
        FactorBudget::Account => {
            rate_limit::hit(
                state,
                &format!("second_factor:{account_id}"),
                rate_limit::TOTP_ATTEMPTS,
            )
            .await
        }
        FactorBudget::Recovery(session) => {
            rate_limit::hit(
                state,
                &format!("recovery_factor:{session}"),
                RECOVERY_FACTOR_ATTEMPTS,
            )
            .await
        }
    }
}

/// Confirms set-up with a code from the new app. A first set-up then signs in (new session id);
/// a recently signed-in person's new app replaces the one they had. Returns the session's step.
pub async fn confirm_enrolment(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    code: &str,
) -> Result<Step, AppError> {
    let now = state.now();
    let (account_id, step) = code_factors::binding_session(session, now)?;
    let code = OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    throttle(state, &account_id, FactorBudget::Account).await?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let pending = store::pending(&state.db, &account_id, &session_id)
        .await?
        .ok_or(AppError::field("code", MfaMsg::CodeInvalid.into()))?;
    let secret = decrypt_secret(state, &account_id, &pending.secret_ciphertext)?;
    let code_step = totp::verify(&secret, code.as_str(), now, None)
        .map_err(|_| AppError::field("code", MfaMsg::CodeInvalid.into()))?;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let step_is_signed_in = step == Step::SignedIn;
    let binding = store::Binding {
        account_id: &account_id,
        authenticator_id: &pending.id,
        keep_session: &session_id,
        step: code_step,
        replace: step_is_signed_in,
        notice: &super::emails::factor_added(locale, &account.email),
        origin: &Origin::current(),
    };
    match store::confirm(&state.db, &state.keys, &binding, now).await? {
        Ok(()) => {}
        Err(store::ConfirmRefusal::AlreadyHasFactor) => {
            tracing::warn!(account_id = %account_id, "set-up refused: the account already has an authenticator");
            return Err(AppError::Conflict);
        }
        Err(store::ConfirmRefusal::NoPending) => {
            return Err(AppError::field("code", MfaMsg::CodeInvalid.into()))
        }
    }
    state.wake_outbox();
    tracing::info!(account_id = %account_id, replaced = step_is_signed_in, "authenticator app enrolled");
    if step == Step::EnrollingTotp {
        finish_first_set_up(state, session, account_id, now).await?;
    }
    Ok(step)
}

/// A first factor was just bound during set-up: the browser is remembered and the person is
/// signed in under a new session id.
pub(super) async fn finish_first_set_up(
    state: &AppState,
    session: &SessionHandle,
    account_id: String,
    now: i64,
) -> Result<(), AppError> {
    session.remember_device(accounts::devices::issue(&state.keys, &account_id));
    session
        .rotate_to(&state.db, AuthState::SignedIn { account_id }, now)
        .await
}

/// Checks the authenticator code after the password; a code is accepted once only.
pub async fn verify_sign_in_code(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    code: &str,
) -> Result<(), AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    if let Err(error) =
        check_app_code(state, &account_id, locale, code, FactorBudget::Account).await
    {
        record_failure(
            state,
            &account_id,
            locale,
            AuthMethod::AuthenticatorApp,
            &error,
        )
        .await;
        return Err(error);
    }
    complete_sign_in(state, session, account_id, AuthMethod::AuthenticatorApp).await
}

/// Checks `code` against the account's authenticator app: throttled, and each time step is
/// accepted once (a replay is refused, logged and reported to the owner).
async fn check_app_code(
    state: &AppState,
    account_id: &str,
    locale: Locale,
    code: &str,
    budget: FactorBudget<'_>,
) -> Result<(), AppError> {
    let code = OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    throttle(state, account_id, budget).await?;
    verify_app_code(state, account_id, locale, &code, budget).await
}

/// [`check_app_code`] after the attempt was counted.
async fn verify_app_code(
    state: &AppState,
    account_id: &str,
    locale: Locale,
    code: &OneTimeCode,
    budget: FactorBudget<'_>,
) -> Result<(), AppError> {
    ensure_on(state, account_id, AuthMethod::AuthenticatorApp, budget).await?;
    let now = state.now();
    let authenticator = store::confirmed(&state.db, account_id)
        .await?
        .ok_or(AppError::field("code", MfaMsg::CodeInvalid.into()))?;
    let secret = decrypt_secret(state, account_id, &authenticator.secret_ciphertext)?;
    let replayed = match totp::verify(&secret, code.as_str(), now, authenticator.last_used_step) {
        Ok(step) => !store::claim_step(&state.db, &authenticator.id, step, now).await?,
        Err(TotpRejection::Reused) => true,
        Err(TotpRejection::Wrong) => {
            tracing::info!(account_id = %account_id, "wrong authenticator code");
            return Err(AppError::field("code", MfaMsg::CodeInvalid.into()));
        }
    };
    if replayed {
        tracing::warn!(account_id = %account_id, "authenticator code replayed");
        notify_replay(state, account_id, locale).await;
        return Err(AppError::field("code", MfaMsg::CodeReused.into()));
    }
    Ok(())
}

/// Refuses a method turned off after too many failures in a row (item 10), except in recovery.
pub(super) async fn ensure_on(
    state: &AppState,
    account_id: &str,
    method: AuthMethod,
    budget: FactorBudget<'_>,
) -> Result<(), AppError> {
    // Recovery is how a stop is lifted, so it still takes the method: its own few tries per
    // emailed link bound the guessing.
    if matches!(budget, FactorBudget::Recovery(_)) {
        return Ok(());
    }
    if factor_lockout::is_off(&state.db, account_id, method).await? {
        tracing::warn!(account_id = %account_id, method = method.as_str(), "turned-off sign-in method tried");
        return Err(AppError::field("code", MfaMsg::MethodTurnedOff.into()));
    }
    Ok(())
}

/// Whether a refusal is a failed try of the method: a wrong, used or malformed code, not a
/// throttled attempt or one with a method that is off or unavailable (those checked nothing).
fn is_failed_try(error: &AppError) -> bool {
    matches!(error, AppError::Validation { .. })
        && !error.messages().iter().any(|(_, message)| {
            matches!(
                message,
                Msg::Mfa(MfaMsg::MethodTurnedOff | MfaMsg::MethodUnavailable)
            )
        })
}

/// Records a refused second factor in the account history and counts it towards the method's
/// hard stop (failed tries only).
pub(super) async fn record_failure(
    state: &AppState,
    account_id: &str,
    locale: Locale,
    method: AuthMethod,
    error: &AppError,
) {
    if is_failed_try(error) {
        let failure = factor_lockout::Failure {
            account_id,
            method,
            locale,
            origin: &Origin::current(),
        };
        match factor_lockout::count_failure(&state.db, &state.keys, failure, state.now()).await {
            Ok(true) => state.wake_outbox(),
            Ok(false) => {}
            Err(count_error) => {
                tracing::error!(%count_error, "could not count a second-factor failure")
            }
        }
        let event = NewEvent {
            account_id,
            kind: AccountEventKind::SecondFactorFailed,
            method: Some(method),
            origin: &Origin::current(),
        };
        history::record_quietly(&state.db, &event, state.now()).await;
    }
}

/// The end of every sign-in: a new session id for the signed-in state, the browser remembered as
/// a known device, and the history entry.
pub(super) async fn complete_sign_in(
    state: &AppState,
    session: &SessionHandle,
    account_id: String,
    method: AuthMethod,
) -> Result<(), AppError> {
    let now = state.now();
    factor_lockout::passed(&state.db, &account_id, method).await?;
    tracing::info!(account_id = %account_id, method = method.as_str(), "signed in with two factors");
    let event = NewEvent {
        account_id: &account_id,
        kind: AccountEventKind::SignedIn,
        method: Some(method),
        origin: &Origin::current(),
    };
    history::record(&state.db.pool, &event, now).await?;
    let device_token = crate::infra::request::request_cookie(accounts::devices::DEVICE_COOKIE);
    if !sign_in_alerts::known_browser(&state.keys, &account_id, device_token.as_deref()) {
        sign_in_alerts::alert_owner(state, &account_id, event.origin, now).await?;
    }
    session.remember_device(accounts::devices::issue(&state.keys, &account_id));
    session
        .rotate_to(&state.db, AuthState::SignedIn { account_id }, now)
        .await
}

/// The lookup tag of a backup code: a short keyed MAC, so a sign-in verifies one argon2id hash
/// rather than all ten.
fn backup_code_lookup(state: &AppState, account_id: &str, code: &str) -> String {
    let mac = state
        .keys
        .mac_hex(format!("backup-code|{account_id}|{code}").as_bytes());
    mac[..16].to_owned()
}

/// Checks a typed backup code and uses it up; returns the codes left. Throttled with the other
/// second factors; an unknown code costs the same hash verification as a known one.
async fn use_backup_code(
    state: &AppState,
    account_id: &str,
    locale: Locale,
    input: &str,
    budget: FactorBudget<'_>,
) -> Result<i64, AppError> {
    let invalid = || AppError::field("code", MfaMsg::BackupCodeInvalid.into());
    let code = backup_codes::normalise(input).ok_or_else(invalid)?;
    throttle(state, account_id, budget).await?;
    ensure_on(state, account_id, AuthMethod::BackupCode, budget).await?;
    let lookup = backup_code_lookup(state, account_id, &code);
    let candidate = store::backup_code_candidates(&state.db, account_id, &lookup)
        .await?
        .into_iter()
        .next();
    let verified = state
        .hasher
        .verify(
            &secret(code),
            candidate.as_ref().map(|c| c.code_hash.as_str()),
        )
        .await?;
    let Some(candidate) = candidate.filter(|_| verified.matches) else {
        tracing::info!(account_id = %account_id, "wrong backup code");
        return Err(invalid());
    };
    let used = AppError::field("code", MfaMsg::BackupCodeUsed.into());
    if candidate.used_at.is_some() {
        tracing::warn!(account_id = %account_id, "used backup code entered again");
        return Err(used);
    }
    let account = accounts::store::find_by_id(&state.db, account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let origin = Origin::current();
    let record = store::BackupCodeUse {
        account_id,
        code_id: &candidate.id,
        origin: &origin,
    };
    let notice = |left| super::emails::backup_code_used(locale, &account.email, left);
    let left = store::use_backup_code(&state.db, &state.keys, record, notice, state.now())
        .await?
        .ok_or(used)?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, left, "backup code used");
    Ok(left)
}

/// The second sign-in step with a backup code; returns how many codes are left.
pub async fn verify_sign_in_backup_code(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    code: &str,
) -> Result<i64, AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    let left = match use_backup_code(state, &account_id, locale, code, FactorBudget::Account).await
    {
        Ok(left) => left,
        Err(error) => {
            record_failure(state, &account_id, locale, AuthMethod::BackupCode, &error).await;
            return Err(error);
        }
    };
    complete_sign_in(state, session, account_id, AuthMethod::BackupCode).await?;
    Ok(left)
}

/// The second-step methods the account has, strongest first (for "choose another method").
pub async fn sign_in_methods(
    state: &AppState,
    session: &SessionHandle,
) -> Result<Vec<AuthMethod>, AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    let factors = code_factors::account_factors(state, &account_id).await?;
    let mut methods = Vec::new();
    if factors.passkeys > 0 && super::passkeys::relying_party(state).is_some() {
        methods.push(AuthMethod::Passkey);
    }
    if factors.app_added.is_some() {
        methods.push(AuthMethod::AuthenticatorApp);
    }
    if factors.offers(state, CodeChannel::Text) {
        methods.push(AuthMethod::TextMessage);
    }
    if store::backup_code_counts(&state.db, &account_id)
        .await?
        .unused
        > 0
    {
        methods.push(AuthMethod::BackupCode);
    }
    if factors.offers(state, CodeChannel::Email) {
        methods.push(AuthMethod::EmailCode);
    }
    let off = factor_lockout::turned_off(&state.db, &account_id).await?;
    methods.retain(|method| !off.contains(method));
    Ok(methods)
}

/// What the Sign-in and security page shows.
pub async fn security_overview(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<SecurityOverview, AppError> {
    let account_id = signed_in_account(session)?;
    let now = state.now();
    let factors = code_factors::account_factors(state, &account_id).await?;
    let counts = store::backup_code_counts(&state.db, &account_id).await?;
    Ok(SecurityOverview {
        authenticator_added: factors.app_added.map(|at| long_date(at, locale)),
        phone: factors
            .phone
            .as_ref()
            .map(|(phone, at)| (phone_ending(phone), long_date(*at, locale))),
        email_codes_added: factors.email_added.map(|at| long_date(at, locale)),
        email_codes_offered: factors.offers(state, CodeChannel::Email),
        texts_available: state.sms.enabled(),
        backup_codes: counts.made_at.map(|made| BackupCodeStatus {
            unused: counts.unused,
            total: counts.total,
            made: long_date(made, locale),
            running_low: counts.unused <= backup_codes::LOW_WATERMARK,
        }),
        recently_authenticated: recently_signed_in(session, now).is_ok(),
        passkeys: super::passkeys::summaries(state, &account_id, locale).await?,
        passkeys_available: super::passkeys::relying_party(state).is_some(),
    })
}

/// The account of a session whose last full sign-in is recent (else `ReauthRequired`), with the
/// session's id hash, for sensitive changes.
pub(super) async fn recent_account(
    state: &AppState,
    session: &SessionHandle,
    now: i64,
) -> Result<(String, String, accounts::store::AccountRow), AppError> {
    let account_id = recently_signed_in(session, now)?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok((account_id, session_id, account))
}

/// How long a new set of backup codes can be shown after it was made.
const REVEAL_SECS: i64 = 15 * 60;

fn reveal_context(session_id_hash: &str) -> String {
    format!("backup-code-reveal|{session_id_hash}")
}

/// Makes a new set of backup codes (the old set stops working) and keeps it, encrypted, for this
/// session to show once. Needs a recent full sign-in.
pub async fn generate_backup_codes(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<(), AppError> {
    let now = state.now();
    let (account_id, session_id, account) = recent_account(state, session, now).await?;
    let codes = backup_codes::new_set(&mut OsRng);
    let mut stored = Vec::with_capacity(codes.len());
    for code in &codes {
        let hash = state.hasher.hash(&secret(code.clone())).await?;
        stored.push((backup_code_lookup(state, &account_id, code), hash));
    }
    let reveal = state
        .keys
        .encrypt(codes.join("\n").as_bytes(), &reveal_context(&session_id));
    let set = store::NewBackupSet {
        account_id: &account_id,
        session_id_hash: &session_id,
        codes: &stored,
        reveal_ciphertext: reveal,
        reveal_until: now + REVEAL_SECS,
        notice: &super::emails::backup_codes_made(locale, &account.email),
        origin: &Origin::current(),
    };
    store::replace_backup_codes(&state.db, &state.keys, set, now).await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, "backup codes made");
    Ok(())
}

/// The new backup codes waiting for this session, if any (`None` once saved or expired).
pub async fn new_backup_codes(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<Option<NewBackupCodes>, AppError> {
    let account_id = signed_in_account(session)?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let Some(ciphertext) =
        store::backup_code_reveal(&state.db, &session_id, &account_id, state.now()).await?
    else {
        return Ok(None);
    };
    let plain = state
        .keys
        .decrypt(&ciphertext, &reveal_context(&session_id))
        .map_err(AppError::internal)?;
    let codes: Vec<String> = String::from_utf8(plain)
        .map_err(AppError::internal)?
        .lines()
        .map(str::to_owned)
        .collect();
    Ok(Some(NewBackupCodes {
        text_file: backup_codes::text_file(&codes, texts(locale).codes_file_heading),
        codes: codes.iter().map(|c| backup_codes::grouped(c)).collect(),
    }))
}

/// Forgets this session's new codes (the person saved them).
pub async fn acknowledge_backup_codes(
    state: &AppState,
    session: &SessionHandle,
) -> Result<(), AppError> {
    signed_in_account(session)?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    store::forget_backup_code_reveal(&state.db, &session_id).await
}

/// Checks `code` as whichever second factor it looks like — an app code or a backup code (used
/// up) — for flows that take either (confirming it is you, password recovery); a refusal is
/// recorded in the history. Returns the method that passed.
pub async fn check_second_factor(
    state: &AppState,
    session_id_hash: &str,
    account_id: &str,
    locale: Locale,
    code: &str,
    budget: FactorBudget<'_>,
) -> Result<AuthMethod, AppError> {
    if backup_codes::looks_like_backup_code(code) {
        let used = use_backup_code(state, account_id, locale, code, budget).await;
        if let Err(error) = used {
            record_failure(state, account_id, locale, AuthMethod::BackupCode, &error).await;
            return Err(error);
        }
        factor_lockout::passed(&state.db, account_id, AuthMethod::BackupCode).await?;
        return Ok(AuthMethod::BackupCode);
    }
    let Ok(code) = OneTimeCode::parse(code) else {
        return Err(AppError::field("code", MfaMsg::CodeOrBackupInvalid.into()));
    };
    throttle(state, account_id, budget).await?;
    // A code this session asked for by text or email (on a channel the account may still use)
    // is checked first; without one waiting, a 6-digit code is the app's.
    let factors = code_factors::account_factors(state, account_id).await?;
    let waiting = sent_codes::waiting_channel(&state.db, session_id_hash, state.now())
        .await?
        .filter(|channel| factors.offers(state, *channel));
    let (method, checked) = match waiting {
        Some(channel) => match code_factors::redeem_factor_code(
            state,
            session_id_hash,
            account_id,
            channel,
            code.as_str(),
            budget,
        )
        .await
        {
            Ok(()) => (channel.method(), Ok(())),
            // Not the sent code: it may be a code from the app, if the account has one (a
            // second try, counted as one).
            Err(error) if factors.app_added.is_some() => {
                throttle(state, account_id, budget).await?;
                let _ = error;
                (
                    AuthMethod::AuthenticatorApp,
                    verify_app_code(state, account_id, locale, &code, budget).await,
                )
            }
            Err(error) => (channel.method(), Err(error)),
        },
        None => (
            AuthMethod::AuthenticatorApp,
            verify_app_code(state, account_id, locale, &code, budget).await,
        ),
    };
    if let Err(error) = checked {
        record_failure(state, account_id, locale, method, &error).await;
        return Err(error);
    }
    factor_lockout::passed(&state.db, account_id, method).await?;
    Ok(method)
}

/// A signed-in person proves it is them again (password and a second factor) before a sensitive
/// change: the session gets a new id and a fresh full-sign-in time. The password is throttled
/// like a sign-in, the code like a second step.
pub async fn reauthenticate(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    password: SecretString,
    code: &str,
) -> Result<(), AppError> {
    let account_id = signed_in_account(session)?;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let email = Email::parse(&account.email).map_err(|_| AppError::internal("stored email"))?;
    let subject = accounts::service::login_subject(state, &email);
    rate_limit::reserve_attempt(state, &subject).await?;
    let verified = state
        .hasher
        .verify(&password, Some(&account.password_hash))
        .await?;
    if !verified.matches {
        let event = NewEvent {
            account_id: &account_id,
            kind: AccountEventKind::SignInFailed,
            method: Some(AuthMethod::Password),
            origin: &Origin::current(),
        };
        history::record_quietly(&state.db, &event, state.now()).await;
        let failure = factor_lockout::Failure {
            account_id: &account_id,
            method: AuthMethod::Password,
            locale,
            origin: &Origin::current(),
        };
        if factor_lockout::count_failure(&state.db, &state.keys, failure, state.now()).await? {
            state.wake_outbox();
        }
        tracing::info!(account_id = %account_id, "re-authentication: wrong password");
        return Err(AppError::field("password", MfaMsg::PasswordWrong.into()));
    }
    rate_limit::reset_account(&state.db, &subject).await?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let method = check_second_factor(
        state,
        &session_id,
        &account_id,
        locale,
        code,
        FactorBudget::Account,
    )
    .await?;
    let now = state.now();
    let event = NewEvent {
        account_id: &account_id,
        kind: AccountEventKind::Reauthenticated,
        method: Some(method),
        origin: &Origin::current(),
    };
    history::record(&state.db.pool, &event, now).await?;
    tracing::info!(account_id = %account_id, method = method.as_str(), "re-authenticated");
    session
        .rotate_to(&state.db, AuthState::SignedIn { account_id }, now)
        .await
}

/// Tells the owner that a used code was tried again: a sign of a phished or watched code.
/// Problems are logged, not shown: the person at the keyboard may be the attacker.
async fn notify_replay(state: &AppState, account_id: &str, locale: Locale) {
    let queued = async {
        let account = accounts::store::find_by_id(&state.db, account_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let message = super::emails::code_replayed(locale, &account.email);
        outbox::enqueue(&state.db.pool, &state.keys, &message, state.now()).await
    };
    match queued.await {
        Ok(_) => state.wake_outbox(),
        Err(error) => tracing::error!(%error, "could not queue the replay notification"),
    }
}

/// Binds an authenticator with a known secret to an account (admin command for demo and
/// benchmark accounts).
pub async fn seed_authenticator(
    state: &AppState,
    account_id: &str,
    secret: &[u8],
) -> Result<(), AppError> {
    let ciphertext = state.keys.encrypt(secret, account_id);
    store::insert_confirmed(&state.db, account_id, ciphertext, state.now()).await
}

/// Removes the app, the phone, email codes or one passkey from the account (needs a recent full sign-in; never
/// the last one): the other sessions end and the owner is told.
pub async fn remove_factor(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    method: AuthMethod,
    passkey_id: Option<&str>,
) -> Result<(), AppError> {
    let now = state.now();
    let (account_id, session_id, account) = recent_account(state, session, now).await?;
    let notice = super::emails::factor_removed(locale, &account.email, method);
    let removal = store::Removal {
        account_id: &account_id,
        method,
        passkey_id,
        keep_session: &session_id,
        notice: &notice,
        origin: &Origin::current(),
    };
    match store::remove_factor(&state.db, &state.keys, removal, now).await? {
        Ok(()) => {}
        Err(store::RemovalRefusal::NotBound) => return Err(AppError::NotFound),
        Err(store::RemovalRefusal::LastFactor) => {
            return Err(AppError::field("method", MfaMsg::LastFactor.into()))
        }
        Err(store::RemovalRefusal::LastCodeFactor) => {
            return Err(AppError::field("method", MfaMsg::LastCodeFactor.into()))
        }
    }
    state.wake_outbox();
    tracing::info!(account_id = %account_id, method = method.as_str(), "sign-in method removed");
    Ok(())
}
