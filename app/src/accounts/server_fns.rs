//! Thin server functions for accounts: each authorises, validates, calls one service and answers.

use super::model::{AccountHistoryPage, DevicesPage, PasswordFeedback, Profile, RegistrationForm};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Creates an account and emails a verification code; then redirects to the code page.
#[server(prefix = "/_fn", endpoint = "register")]
pub async fn register(#[server(flatten)] form: RegistrationForm) -> Result<(), AppError> {
    use crate::{
        infra::{
            request::{client_ip, request_locale},
            state::use_app_state,
        },
        session::store::use_session,
    };
    let state = use_app_state()?;
    let registration = super::service::validate_registration(
        form,
        &state.policy.password,
        state.policy.security_questions,
    )?;
    super::service::register(
        &state,
        &use_session()?,
        client_ip()?,
        request_locale(),
        registration,
    )
    .await?;
    leptos_axum::redirect("/verify-email");
    Ok(())
}

/// Live feedback on a password being typed: the server-side rules and a strength estimate.
#[server(prefix = "/_fn", endpoint = "check_password")]
pub async fn check_password(password: String, email: String) -> Result<PasswordFeedback, AppError> {
    use crate::infra::{
        request::{client_ip, request_locale},
        state::use_app_state,
    };
    let (state, ip) = (use_app_state()?, client_ip()?);
    super::service::password_feedback(&state, ip, &password, &email, request_locale()).await
}

/// Checks the emailed code; then redirects to authenticator set-up.
#[server(prefix = "/_fn", endpoint = "verify_email")]
pub async fn verify_email(code: String) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    let state = use_app_state()?;
    let next = super::service::verify_email(&state, &use_session()?, &code).await?;
    leptos_axum::redirect(next.home_path());
    Ok(())
}

/// Sends a new verification code.
#[server(prefix = "/_fn", endpoint = "resend_verification_code")]
pub async fn resend_verification_code() -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    let state = use_app_state()?;
    super::service::resend_verification_code(&state, &use_session()?, request_locale()).await?;
    leptos_axum::redirect("/verify-email?sent=1");
    Ok(())
}

/// Checks email and password; redirects to the next step (normally the authenticator code).
#[server(prefix = "/_fn", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::{
        infra::{
            passwords::secret,
            request::{client_ip, request_cookie},
            state::use_app_state,
        },
        session::store::use_session,
    };
    let state = use_app_state()?;
    let attempt = super::service::SignInAttempt {
        ip: client_ip()?,
        email,
        password: secret(password),
        device_token: request_cookie(super::devices::DEVICE_COOKIE),
    };
    let next = super::service::sign_in(&state, &use_session()?, attempt).await?;
    leptos_axum::redirect(next.home_path());
    Ok(())
}

/// The signed-in account's Profile.
#[server(prefix = "/_fn", endpoint = "get_profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    use super::access::require_principal;
    use crate::infra::state::use_app_state;
    let principal = require_principal().await?;
    super::service::profile(&use_app_state()?, &principal.account_id).await
}

/// A page of the signed-in account's history, newest first, after the cursor `before` (from the
/// previous page's `older`), or the newest page.
#[server(prefix = "/_fn", endpoint = "get_account_history")]
pub async fn get_account_history(before: Option<String>) -> Result<AccountHistoryPage, AppError> {
    use super::{access::require_principal, history};
    use crate::infra::{request::request_locale, state::use_app_state};
    let principal = require_principal().await?;
    let cursor = match before.as_deref().filter(|text| !text.is_empty()) {
        Some(text) => Some(history::Cursor::parse(text).ok_or(AppError::BadRequest)?),
        None => None,
    };
    let state = use_app_state()?;
    history::history_page(
        &state.db,
        &principal.account_id,
        cursor.as_ref(),
        request_locale(),
    )
    .await
}

/// The signed-in account's live sessions, most recently used first, after the cursor `more`.
#[server(prefix = "/_fn", endpoint = "get_devices")]
pub async fn get_devices(more: Option<String>) -> Result<DevicesPage, AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::active_sessions::devices_page(
        &use_app_state()?,
        &use_session()?,
        more.as_deref(),
        request_locale(),
    )
    .await
}

/// Signs out one of the account's sessions (its public id from `get_devices`).
#[server(prefix = "/_fn", endpoint = "sign_out_device")]
pub async fn sign_out_device(id: String) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    let session = use_session()?;
    super::active_sessions::sign_out_session(&use_app_state()?, &session, &id).await?;
    leptos_axum::redirect(if session.state().is_some() {
        "/account/devices?signed_out=1"
    } else {
        "/sign-in?signed_out=1"
    });
    Ok(())
}

/// Signs out every other session of the account.
#[server(prefix = "/_fn", endpoint = "sign_out_other_devices")]
pub async fn sign_out_other_devices() -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::active_sessions::sign_out_other_sessions(&use_app_state()?, &use_session()?).await?;
    leptos_axum::redirect("/account/devices?signed_out=1");
    Ok(())
}

/// Changes the password (current one required; needs a recent full sign-in). The box "sign out
/// of every other device" is ticked by default; an unticked box sends nothing.
#[server(prefix = "/_fn", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirmation: String,
    sign_out_others: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        infra::{passwords::secret, request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    let change = super::service::PasswordChange {
        current: secret(current_password),
        new: password,
        confirmation: password_confirmation,
        sign_out_others: sign_out_others.is_some(),
    };
    super::service::change_password(&use_app_state()?, &use_session()?, request_locale(), change)
        .await?;
    leptos_axum::redirect("/account/password?changed=1");
    Ok(())
}

/// What the registration form needs to know about this server's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RegistrationSettings {
    /// Password length rules.
    pub password: super::model::PasswordRules,
    /// Whether security questions are asked.
    pub security_questions: bool,
}

/// This server's registration policy (password lengths, whether security questions are asked).
#[server(prefix = "/_fn", endpoint = "get_registration_settings")]
pub async fn get_registration_settings() -> Result<RegistrationSettings, AppError> {
    use crate::infra::state::use_app_state;
    use_app_state().map(|state| RegistrationSettings {
        password: state.policy.password,
        security_questions: state.policy.security_questions,
    })
}

/// Deletes the signed-in account (after a recent full sign-in and the ticked box); the person
/// lands on the sign-in page, told it is done.
#[server(prefix = "/_fn", endpoint = "delete_account")]
pub async fn delete_account(understood: Option<String>) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::deletion::delete_account(&use_app_state()?, &use_session()?, understood.is_some())
        .await?;
    leptos_axum::redirect("/sign-in?deleted=1");
    Ok(())
}
