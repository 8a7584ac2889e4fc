//! Thin server functions of password recovery. Each requires its stage of the flow, except the
//! two that start it (public: anyone may ask for a link or open one).

use crate::error::AppError;
use leptos::prelude::*;

/// "Forgot your password?": queues a link if the address has an account; the same answer either way.
#[server(prefix = "/_fn", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::infra::{
        request::{client_ip, request_locale},
        state::use_app_state,
    };
    super::service::request_reset(&use_app_state()?, client_ip()?, request_locale(), &email)
        .await?;
    leptos_axum::redirect("/forgot-password?sent=1");
    Ok(())
}

/// Opens the emailed link (the token travels in the form, not the URL) and starts recovery. A dead
/// link leads to "Forgot your password?" with the reason: the link's page sends no `Referer`, so
/// the usual way back to the form with the error is not open.
#[server(prefix = "/_fn", endpoint = "start_password_reset")]
pub async fn start_password_reset(token: String) -> Result<(), AppError> {
    use crate::{
        infra::{request::client_ip, state::use_app_state},
        session::store::use_session,
    };
    let session = use_session()?;
    match super::service::start_recovery(&use_app_state()?, &session, client_ip()?, &token).await {
        Ok(()) => {
            let next = session
                .state()
                .map_or("/sign-in", |state| state.home_path());
            leptos_axum::redirect(next);
            Ok(())
        }
        Err(error) if error.field_message("token").is_some() => {
            leptos_axum::redirect("/forgot-password?expired=1");
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// The recovering account's security questions (ids, in order).
#[server(prefix = "/_fn", endpoint = "get_recovery_questions")]
pub async fn get_recovery_questions() -> Result<Vec<String>, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::recovery_questions(&use_app_state()?, &use_session()?).await
}

/// The answers to the security questions.
#[server(prefix = "/_fn", endpoint = "answer_recovery_questions")]
pub async fn answer_recovery_questions(
    answer1: String,
    #[server(default)] answer2: String,
    #[server(default)] answer3: String,
) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::answer_questions(
        &use_app_state()?,
        &use_session()?,
        &[answer1, answer2, answer3],
    )
    .await?;
    leptos_axum::redirect("/reset-password/verify");
    Ok(())
}

/// A second factor (app code or backup code) during recovery.
#[server(prefix = "/_fn", endpoint = "verify_recovery_code")]
pub async fn verify_recovery_code(code: String) -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::service::verify_second_factor(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        &code,
    )
    .await?;
    leptos_axum::redirect("/reset-password/new");
    Ok(())
}

/// The address of the account whose new password is being chosen.
#[server(prefix = "/_fn", endpoint = "get_recovering_email")]
pub async fn get_recovering_email() -> Result<String, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::recovering_email(&use_app_state()?, &use_session()?).await
}

/// The new password; every session ends and the person signs in again.
#[server(prefix = "/_fn", endpoint = "set_new_password")]
pub async fn set_new_password(
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::service::set_new_password(
        &use_app_state()?,
        &use_session()?,
        request_locale(),
        &password,
        &password_confirmation,
    )
    .await?;
    leptos_axum::redirect("/sign-in?reset=1");
    Ok(())
}

/// "I cannot use any of these": asks for the reset of the second factors of the account whose
/// password this session proved (it takes effect after the waiting period).
#[server(prefix = "/_fn", endpoint = "request_account_reset")]
pub async fn request_account_reset() -> Result<(), AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::account_reset::request(&use_app_state()?, &use_session()?, request_locale()).await?;
    leptos_axum::redirect("/sign-in/reset-methods");
    Ok(())
}

/// Where the account reset of the person signing in stands.
#[server(prefix = "/_fn", endpoint = "get_account_reset_status")]
pub async fn get_account_reset_status() -> Result<super::model::AccountResetStatus, AppError> {
    use crate::{
        infra::{request::request_locale, state::use_app_state},
        session::store::use_session,
    };
    super::account_reset::status(&use_app_state()?, &use_session()?, request_locale()).await
}

/// Once the waiting period is over: emails the link that finishes the reset.
#[server(prefix = "/_fn", endpoint = "send_account_reset_finish")]
pub async fn send_account_reset_finish() -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::account_reset::send_finish_link(&use_app_state()?, &use_session()?).await?;
    leptos_axum::redirect("/sign-in/reset-methods?sent=1");
    Ok(())
}

/// The emailed link's "Finish the reset" (public: the token is the authority).
#[server(prefix = "/_fn", endpoint = "finish_account_reset")]
pub async fn finish_account_reset(token: String) -> Result<(), AppError> {
    use crate::infra::{
        request::{client_ip, request_locale},
        state::use_app_state,
    };
    let outcome = super::account_reset::finish_by_link(
        &use_app_state()?,
        client_ip()?,
        request_locale(),
        &token,
    )
    .await;
    answer_link(outcome, super::account_reset::FINISH_PATH, "done")
}

/// The emailed link's "Cancel the reset" (public: the token is the authority).
#[server(prefix = "/_fn", endpoint = "cancel_account_reset")]
pub async fn cancel_account_reset(token: String) -> Result<(), AppError> {
    use crate::infra::{
        request::{client_ip, request_locale},
        state::use_app_state,
    };
    let outcome = super::account_reset::cancel_by_link(
        &use_app_state()?,
        client_ip()?,
        request_locale(),
        &token,
    )
    .await;
    answer_link(outcome, super::account_reset::CANCEL_PATH, "cancelled")
}

/// The new-sign-in email's "This wasn't me", confirmed on its page (public: the token is the
/// authority).
#[server(prefix = "/_fn", endpoint = "report_sign_in")]
pub async fn report_sign_in(token: String) -> Result<(), AppError> {
    use crate::infra::{request::client_ip, state::use_app_state};
    let outcome = super::sign_in_reports::report(&use_app_state()?, client_ip()?, &token).await;
    answer_link(outcome, super::sign_in_reports::REPORT_PATH, "done")
}

/// The answer to an emailed link page's button: the page again, saying it is done (`?{done}=1`),
/// or, for a dead link, saying so (`?invalid=1`). Such a page sends no Referer (its address holds
/// the token), so the framework's way back to a form with its error would land on the home page;
/// no token is put back in an address either way.
#[cfg(feature = "ssr")]
fn answer_link(outcome: Result<(), AppError>, path: &str, done: &str) -> Result<(), AppError> {
    match outcome {
        Ok(()) => {
            leptos_axum::redirect(&format!("{path}?{done}=1"));
            Ok(())
        }
        Err(error) if error.field_message("token").is_some() => {
            leptos_axum::redirect(&format!("{path}?invalid=1"));
            Ok(())
        }
        Err(error) => Err(error),
    }
}
