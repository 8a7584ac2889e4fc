//! The rules of password recovery: uniform answers to reset requests, single-use links, the
//! security questions as an extra check, a second factor before the new password, and no sign-in
//! at the end.

use super::{emails, store, texts::RecoveryMsg};
use crate::{
    accounts::{
        self,
        history::{self, NewEvent, Origin},
        model::{normalise_answer, AccountEventKind, Email},
        service::{hash_new_password, login_subject},
    },
    error::{AppError, FieldError},
    i18n::{CommonMsg, Locale},
    infra::{crypto, passwords::secret, rate_limit, state::AppState},
    session::{
        access::require_step,
        model::{AuthState, RecoveryStage, Step},
        store::SessionHandle,
    },
};
use std::net::IpAddr;

/// How long a reset link works.
pub const RESET_LINK_TTL_SECS: i64 = 30 * 60;

/// Reset requests from one client address per hour.
const REQUESTS_PER_IP: rate_limit::Limit = rate_limit::Limit {
    max: 10,
    window_secs: 3600,
};
/// Reset emails to one address per 10 minutes (SECURITY.md item 20).
const REQUESTS_PER_ADDRESS: rate_limit::Limit = rate_limit::Limit {
    max: 2,
    window_secs: 600,
};
/// Links opened from one client address per hour.
pub(super) const LINKS_PER_IP: rate_limit::Limit = rate_limit::Limit {
    max: 30,
    window_secs: 3600,
};
/// Tries at the security questions per account per 15 minutes.
const ANSWER_ATTEMPTS: rate_limit::Limit = rate_limit::Limit {
    max: 5,
    window_secs: 900,
};

pub(super) fn token_hash(state: &AppState, token: &str) -> String {
    state
        .keys
        .mac_hex(format!("password-reset|{token}").as_bytes())
}

/// Handles "Forgot your password?": for an address with an account, queues a link built on the
/// configured base URL (never the request's Host); any other address gets a notice that it has no
/// account (like registration, the same work and the same answer either way, so neither the
/// answer nor its timing tells whether the address is known).
pub async fn request_reset(
    state: &AppState,
    ip: IpAddr,
    locale: Locale,
    email: &str,
) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    rate_limit::hit(
        state,
        &format!("reset_request:ip:{}", rate_limit::ip_key(ip)),
        REQUESTS_PER_IP,
    )
    .await?;
    let subject = login_subject(state, &email);
    rate_limit::hit(
        state,
        &format!("reset_request:{subject}"),
        REQUESTS_PER_ADDRESS,
    )
    .await?;
    let now = state.now();
    let token = crypto::random_token();
    let account = accounts::store::find_by_email(&state.db, email.as_str()).await?;
    let mut tx = state.db.begin_write().await?;
    store::insert_reset(
        &mut tx,
        account.as_ref().map(|a| a.id.as_str()),
        &token_hash(state, &token),
        now + RESET_LINK_TTL_SECS,
        now,
    )
    .await?;
    let message = match &account {
        Some(account) => {
            let link = format!(
                "{}/reset-password?token={token}",
                state.policy.base_url.trim_end_matches('/')
            );
            emails::reset_link(locale, &account.email, &link, RESET_LINK_TTL_SECS / 60)
        }
        None => emails::no_account(locale, email.as_str(), &state.policy.base_url),
    };
    crate::infra::outbox::enqueue(&mut *tx, &state.keys, &message, now).await?;
    tx.commit().await?;
    state.wake_outbox();
    tracing::info!(ip = %ip, subject = %subject, "password reset requested");
    Ok(())
}

/// Opens a reset link: uses it up and starts recovery in a new session at the first check.
pub async fn start_recovery(
    state: &AppState,
    session: &SessionHandle,
    ip: IpAddr,
    token: &str,
) -> Result<(), AppError> {
    rate_limit::hit(
        state,
        &format!("reset_link:ip:{}", rate_limit::ip_key(ip)),
        LINKS_PER_IP,
    )
    .await?;
    let now = state.now();
    let dead = || AppError::field("token", RecoveryMsg::LinkInvalid.into());
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(dead());
    }
    let account_id = store::claim_reset(&state.db, &token_hash(state, token), now)
        .await?
        .ok_or_else(dead)?;
    let asks_questions = state.policy.security_questions
        && !store::security_answers(&state.db, &account_id)
            .await?
            .is_empty();
    let stage = if asks_questions {
        RecoveryStage::Questions
    } else {
        RecoveryStage::SecondFactor
    };
    let event = NewEvent {
        account_id: &account_id,
        kind: AccountEventKind::RecoveryStarted,
        method: None,
        origin: &Origin::current(),
    };
    history::record(&state.db.pool, &event, now).await?;
    tracing::info!(account_id = %account_id, ip = %ip, "password recovery started");
    session
        .rotate_to(&state.db, AuthState::Recovering { account_id, stage }, now)
        .await
}

/// The ids of the security questions the recovering account chose, in order.
pub async fn recovery_questions(
    state: &AppState,
    session: &SessionHandle,
) -> Result<Vec<String>, AppError> {
    let account_id = require_step(session, Step::Recovering(RecoveryStage::Questions))?;
    Ok(store::security_answers(&state.db, &account_id)
        .await?
        .into_iter()
        .map(|(question, _)| question)
        .collect())
}

/// Checks every security answer (all must match; which one did not is not said).
pub async fn answer_questions(
    state: &AppState,
    session: &SessionHandle,
    answers: &[String],
) -> Result<(), AppError> {
    let account_id = require_step(session, Step::Recovering(RecoveryStage::Questions))?;
    let stored = store::security_answers(&state.db, &account_id).await?;
    let mut missing = Vec::new();
    for (n, answer) in answers.iter().enumerate().take(stored.len()) {
        if normalise_answer(answer).is_empty() {
            missing.push(FieldError::new(
                &format!("answer{}", n + 1),
                CommonMsg::Required.into(),
            ));
        }
    }
    if answers.len() < stored.len() || !missing.is_empty() {
        return Err(AppError::Validation {
            field_errors: missing,
        });
    }
    rate_limit::hit(
        state,
        &format!("recovery_answers:{account_id}"),
        ANSWER_ATTEMPTS,
    )
    .await?;
    let mut all_match = true;
    for ((_, hash), answer) in stored.iter().zip(answers) {
        let verified = state
            .hasher
            .verify(&secret(normalise_answer(answer)), Some(hash))
            .await?;
        all_match &= verified.matches;
    }
    if !all_match {
        tracing::info!(account_id = %account_id, "recovery: security answers did not match");
        return Err(AppError::field("answer1", RecoveryMsg::AnswersWrong.into()));
    }
    let now = state.now();
    session
        .rotate_to(
            &state.db,
            AuthState::Recovering {
                account_id,
                stage: RecoveryStage::SecondFactor,
            },
            now,
        )
        .await
}

/// Checks a second factor (app code or backup code) during recovery.
pub async fn verify_second_factor(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    code: &str,
) -> Result<(), AppError> {
    let account_id = require_step(session, Step::Recovering(RecoveryStage::SecondFactor))?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    crate::mfa::service::check_second_factor(
        state,
        &session_id,
        &account_id,
        locale,
        code,
        crate::mfa::service::FactorBudget::Recovery(&session_id),
    )
    .await?;
    let now = state.now();
    session
        .rotate_to(
            &state.db,
            AuthState::Recovering {
                account_id,
                stage: RecoveryStage::NewPassword,
            },
            now,
        )
        .await
}

/// The address of the recovering account (the new-password page's context for the password
/// rules), once every check has passed.
pub async fn recovering_email(
    state: &AppState,
    session: &SessionHandle,
) -> Result<String, AppError> {
    let account_id = require_step(session, Step::Recovering(RecoveryStage::NewPassword))?;
    Ok(accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?
        .email)
}

/// Sets the new password and ends every session of the account, this one included: the person
/// signs in again with it.
pub async fn set_new_password(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    let account_id = require_step(session, Step::Recovering(RecoveryStage::NewPassword))?;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let email = Email::parse(&account.email).map_err(|_| AppError::internal("stored email"))?;
    let password_hash = hash_new_password(state, &email, password).await?;
    if password != confirmation {
        return Err(AppError::field(
            "password_confirmation",
            crate::accounts::texts::AccountsMsg::PasswordMismatch.into(),
        ));
    }
    let notices = [emails::password_reset(
        locale,
        &account.email,
        state.policy.base_url.trim_end_matches('/'),
    )];
    let reset = store::Reset {
        account_id: &account_id,
        password_hash: &password_hash,
        login_subject: &login_subject(state, &email),
        notices: &notices,
        origin: &Origin::current(),
    };
    store::complete_reset(&state.db, &state.keys, reset, state.now()).await?;
    // Recovery proved a factor (or a backup code): the owner has one, so an open account reset
    // is not needed, and the password whoever asked for it knew no longer works.
    super::account_reset::cancel_after_recovery(state, &account_id, locale).await;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, "password reset; every session ended");
    session.destroy(&state.db).await
}
