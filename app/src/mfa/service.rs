//! Authenticator set-up and the second sign-in step: session checks, throttling, replay protection.

use super::{
    model::TotpEnrolment,
    store,
    texts::MfaMsg,
    totp::{self, TotpRejection},
};
use crate::{
    accounts::{self, model::OneTimeCode},
    error::AppError,
    i18n::Locale,
    infra::{crypto, outbox, rate_limit, state::AppState},
    session::{
        access::require_step,
        model::{AuthState, Step},
        store::SessionHandle,
    },
};

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
pub async fn enrolment(
    state: &AppState,
    session: &SessionHandle,
) -> Result<TotpEnrolment, AppError> {
    let account_id = require_step(session, Step::EnrollingTotp)?;
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
    })
}

async fn throttle(state: &AppState, account_id: &str) -> Result<(), AppError> {
    rate_limit::hit(
        state,
        &format!("totp:{account_id}"),
        rate_limit::TOTP_ATTEMPTS,
    )
    .await
}

/// Confirms set-up with a code from the new app, then signs in (new session id).
pub async fn confirm_enrolment(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    code: &str,
) -> Result<(), AppError> {
    let account_id = require_step(session, Step::EnrollingTotp)?;
    let code = OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    throttle(state, &account_id).await?;
    let now = state.now();
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let pending = store::pending(&state.db, &account_id, &session_id)
        .await?
        .ok_or(AppError::field("code", MfaMsg::CodeInvalid.into()))?;
    let secret = decrypt_secret(state, &account_id, &pending.secret_ciphertext)?;
    let step = totp::verify(&secret, code.as_str(), now, None)
        .map_err(|_| AppError::field("code", MfaMsg::CodeInvalid.into()))?;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let binding = store::Binding {
        account_id: &account_id,
        authenticator_id: &pending.id,
        keep_session: &session_id,
        step,
        notice: &super::emails::factor_added(locale, &account.email),
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
    tracing::info!(account_id = %account_id, "authenticator app enrolled");
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
    let code = OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    throttle(state, &account_id).await?;
    let now = state.now();
    let authenticator = store::confirmed(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let secret = decrypt_secret(state, &account_id, &authenticator.secret_ciphertext)?;
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
        notify_replay(state, &account_id, locale).await;
        return Err(AppError::field("code", MfaMsg::CodeReused.into()));
    }
    tracing::info!(account_id = %account_id, "signed in with two factors");
    session.remember_device(accounts::devices::issue(&state.keys, &account_id));
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
