//! Thin server functions for authenticator set-up and the second sign-in step.

use super::model::{NewBackupCodes, SecurityOverview, TotpEnrolment};
use crate::accounts::model::AuthMethod;
use crate::error::AppError;
use leptos::prelude::*;

/// The authenticator being set up (created on first view, the same on reload).
#[server(prefix = "/_fn", endpoint = "get_totp_enrolment")]
pub async fn get_totp_enrolment() -> Result<TotpEnrolment, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::enrolment(&use_app_state()?, &use_session()?).await
}

/// Confirms the new authenticator with a code from it: a first set-up signs the person in, a new
/// app for a signed-in account replaces the old one.
#[server(prefix = "/_fn", endpoint = "confirm_totp_enrolment")]
pub async fn confirm_totp_enrolment(code: String) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::model::Step, session::store::use_session};
    let step = super::service::confirm_enrolment(
        &use_app_state()?,
        &use_session()?,
        crate::infra::request::request_locale(),
        &code,
    )
    .await?;
    leptos_axum::redirect(if step == Step::SignedIn {
        "/account/security?app_added=1"
    } else {
        "/account"
    });
    Ok(())
}

/// The second sign-in step: a code from the authenticator app.
#[server(prefix = "/_fn", endpoint = "verify_totp")]
pub async fn verify_totp(code: String) -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::service::verify_sign_in_code(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        &code,
    )
    .await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// The second sign-in step with a backup code; sends people low on codes to make new ones.
#[server(prefix = "/_fn", endpoint = "verify_backup_code")]
pub async fn verify_backup_code(code: String) -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    let left = super::service::verify_sign_in_backup_code(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        &code,
    )
    .await?;
    leptos_axum::redirect(if left <= super::backup_codes::LOW_WATERMARK {
        "/account/security"
    } else {
        "/account"
    });
    Ok(())
}

/// The second-step methods of the account signing in, strongest first.
#[server(prefix = "/_fn", endpoint = "get_sign_in_methods")]
pub async fn get_sign_in_methods() -> Result<Vec<AuthMethod>, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::sign_in_methods(&use_app_state()?, &use_session()?).await
}

/// The signed-in account's sign-in methods and backup codes.
#[server(prefix = "/_fn", endpoint = "get_security_overview")]
pub async fn get_security_overview() -> Result<SecurityOverview, AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::service::security_overview(&use_app_state()?, &use_session()?, request_locale()).await
}

/// Makes a new set of backup codes (needs a recent full sign-in), then shows it.
#[server(prefix = "/_fn", endpoint = "generate_backup_codes")]
pub async fn generate_backup_codes() -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::service::generate_backup_codes(&use_app_state()?, &use_session()?, request_locale())
        .await?;
    leptos_axum::redirect("/account/security/backup-codes");
    Ok(())
}

/// The new backup codes waiting to be shown to this session, if any.
#[server(prefix = "/_fn", endpoint = "get_new_backup_codes")]
pub async fn get_new_backup_codes() -> Result<Option<NewBackupCodes>, AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::service::new_backup_codes(&use_app_state()?, &use_session()?, request_locale()).await
}

/// The person saved their new codes: they are not shown again.
#[server(prefix = "/_fn", endpoint = "acknowledge_backup_codes")]
pub async fn acknowledge_backup_codes() -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::acknowledge_backup_codes(&use_app_state()?, &use_session()?).await?;
    leptos_axum::redirect("/account/security?saved=1");
    Ok(())
}

/// Password and a second factor again before a sensitive change; then back to `next` (a path on
/// this site) or the Sign-in and security page.
#[server(prefix = "/_fn", endpoint = "reauthenticate")]
pub async fn reauthenticate(
    password: String,
    code: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        infra::{passwords::secret, request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::service::reauthenticate(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        secret(password),
        &code,
    )
    .await?;
    leptos_axum::redirect(super::model::safe_return_path(next.as_deref()));
    Ok(())
}

/// Sends a code by text (`channel = "sms"`) or email for this session's second step — signing in,
/// confirming it is you (then `next` is kept) or recovering a password — and returns to that page.
#[server(prefix = "/_fn", endpoint = "send_code")]
pub async fn send_code(channel: String, next: Option<String>) -> Result<(), AppError> {
    use super::model::{sent_code_page, CodeChannel};
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    let channel = CodeChannel::parse(&channel).ok_or(AppError::BadRequest)?;
    let step = super::code_factors::send_factor_code(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        channel,
    )
    .await?;
    leptos_axum::redirect(&sent_code_page(step, channel, next.as_deref()));
    Ok(())
}

/// The ways this session can be sent a second-factor code (signing in, confirming it is you, or
/// recovering a password).
#[server(prefix = "/_fn", endpoint = "get_code_channels")]
pub async fn get_code_channels() -> Result<Vec<super::model::CodeChannel>, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::code_factors::code_channels(&use_app_state()?, &use_session()?).await
}

/// The second sign-in step with a code sent by text or email.
#[server(prefix = "/_fn", endpoint = "verify_sent_code")]
pub async fn verify_sent_code(channel: String, code: String) -> Result<(), AppError> {
    use super::model::CodeChannel;
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    let channel = CodeChannel::parse(&channel).ok_or(AppError::BadRequest)?;
    super::code_factors::verify_sign_in(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        channel,
        &code,
    )
    .await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// Starts binding a phone (`channel = "sms"`, with `phone`) or email codes: sends a code to prove
/// it. Needs a first set-up or a recent sign-in.
#[server(prefix = "/_fn", endpoint = "start_code_binding")]
pub async fn start_code_binding(channel: String, phone: Option<String>) -> Result<(), AppError> {
    use super::model::{binding_page, CodeChannel};
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    let channel = CodeChannel::parse(&channel).ok_or(AppError::BadRequest)?;
    let step = super::code_factors::start_binding(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        channel,
        phone.as_deref(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "{}?sent={}",
        binding_page(step, channel),
        channel.as_str()
    ));
    Ok(())
}

/// Binds the phone or email codes with the code that was sent to it.
#[server(prefix = "/_fn", endpoint = "confirm_code_binding")]
pub async fn confirm_code_binding(channel: String, code: String) -> Result<(), AppError> {
    use super::model::CodeChannel;
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::{model::Step, store::use_session},
    };
    let channel = CodeChannel::parse(&channel).ok_or(AppError::BadRequest)?;
    let step = super::code_factors::confirm_binding(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        channel,
        &code,
    )
    .await?;
    leptos_axum::redirect(if step == Step::SignedIn {
        "/account/security?added=1"
    } else {
        "/account"
    });
    Ok(())
}

/// Removes a sign-in method (`authenticator_app`, `text_message`, `email_code`, or `passkey` with
/// the passkey's `id`); needs a recent full sign-in, and never removes the last one.
#[server(prefix = "/_fn", endpoint = "remove_factor")]
pub async fn remove_factor(method: String, id: Option<String>) -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    let method = match AuthMethod::parse(&method) {
        Some(
            method @ (AuthMethod::AuthenticatorApp
            | AuthMethod::TextMessage
            | AuthMethod::EmailCode
            | AuthMethod::Passkey),
        ) => method,
        _ => return Err(AppError::BadRequest),
    };
    let passkey_id = match (method, id.as_deref()) {
        (AuthMethod::Passkey, None) => return Err(AppError::BadRequest),
        (AuthMethod::Passkey, id) => id,
        _ => None,
    };
    super::service::remove_factor(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        method,
        passkey_id,
    )
    .await?;
    leptos_axum::redirect("/account/security?removed=1");
    Ok(())
}

/// Starts adding a passkey named `name` (needs a recent full sign-in): the options for the
/// browser, as JSON.
#[server(prefix = "/_fn", endpoint = "start_passkey_registration")]
pub async fn start_passkey_registration(name: String) -> Result<String, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::passkeys::start_registration(&use_app_state()?, &use_session()?, &name).await
}

/// Adds the passkey the browser made (its `toJSON()` answer) to the signed-in account.
#[server(prefix = "/_fn", endpoint = "finish_passkey_registration")]
pub async fn finish_passkey_registration(answer: String) -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::passkeys::finish_registration(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        &answer,
    )
    .await
}

/// Starts the second sign-in step with a passkey: the options for the browser, as JSON.
#[server(prefix = "/_fn", endpoint = "start_passkey_sign_in")]
pub async fn start_passkey_sign_in() -> Result<String, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::passkeys::start_sign_in(&use_app_state()?, &use_session()?).await
}

/// The second sign-in step with the passkey's answer (its `toJSON()`); signs the person in.
#[server(prefix = "/_fn", endpoint = "finish_passkey_sign_in")]
pub async fn finish_passkey_sign_in(answer: String) -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::passkeys::finish_sign_in(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        &answer,
    )
    .await
}

/// Renames one of the signed-in account's passkeys.
#[server(prefix = "/_fn", endpoint = "rename_passkey")]
pub async fn rename_passkey(id: String, name: String) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::passkeys::rename(&use_app_state()?, &use_session()?, &id, &name).await?;
    leptos_axum::redirect("/account/security?renamed=1");
    Ok(())
}
