//! Thin server functions for personal details and the change of address: each requires a
//! signed-in session (the service checks it, and a recent sign-in where the change is sensitive)
//! and calls one service function.

use super::model::{DetailsForm, EmailChangeStatus, PersonalDetails};
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in account's personal details.
#[server(prefix = "/_fn", endpoint = "get_personal_details")]
pub async fn get_personal_details() -> Result<PersonalDetails, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::details(&use_app_state()?, &use_session()?).await
}

/// Saves the personal details; then back to the Profile, which says so.
#[server(prefix = "/_fn", endpoint = "save_personal_details")]
pub async fn save_personal_details(#[server(flatten)] form: DetailsForm) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::save_details(&use_app_state()?, &use_session()?, &form).await?;
    leptos_axum::redirect("/profile?saved=details");
    Ok(())
}

/// The sign-in address and any new one waiting for its code.
#[server(prefix = "/_fn", endpoint = "get_email_change")]
pub async fn get_email_change() -> Result<EmailChangeStatus, AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::email_change_status(&use_app_state()?, &use_session()?).await
}

/// Sends a code to the new address; the page then asks for it.
#[server(prefix = "/_fn", endpoint = "start_email_change")]
pub async fn start_email_change(new_email: String) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::start_email_change(&use_app_state()?, &use_session()?, &new_email).await?;
    leptos_axum::redirect("/account/email?sent=1");
    Ok(())
}

/// Makes the change with the emailed code; then back to the Profile, which says so.
#[server(prefix = "/_fn", endpoint = "confirm_email_change")]
pub async fn confirm_email_change(code: String) -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::confirm_email_change(&use_app_state()?, &use_session()?, &code).await?;
    leptos_axum::redirect("/profile?saved=email");
    Ok(())
}

/// Drops the change waiting for a code, to enter another address.
#[server(prefix = "/_fn", endpoint = "cancel_email_change")]
pub async fn cancel_email_change() -> Result<(), AppError> {
    use crate::{infra::state::use_app_state, session::store::use_session};
    super::service::cancel_email_change(&use_app_state()?, &use_session()?).await?;
    leptos_axum::redirect("/account/email");
    Ok(())
}
