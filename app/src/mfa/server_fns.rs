//! Thin server functions for authenticator set-up and the second sign-in step.

use super::model::TotpEnrolment;
use crate::error::AppError;
use leptos::prelude::*;

/// The authenticator being set up (created on first view, the same on reload).
#[server(prefix = "/_fn", endpoint = "get_totp_enrolment")]
pub async fn get_totp_enrolment() -> Result<TotpEnrolment, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::enrolment(&use_app_state()?, &use_session()?).await
}

/// Confirms the new authenticator with a code from it; signs the person in.
#[server(prefix = "/_fn", endpoint = "confirm_totp_enrolment")]
pub async fn confirm_totp_enrolment(code: String) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::confirm_enrolment(
        &use_app_state()?,
        &use_session()?,
        crate::infra::request::request_locale(),
        &code,
    )
    .await?;
    leptos_axum::redirect("/account");
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
