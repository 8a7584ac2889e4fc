//! Thin server functions of the notification centre: each requires a signed-in account and calls
//! one service function.

use super::model::{NotificationCentre, SettingsForm};
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in account's notification centre.
#[server(prefix = "/_fn", endpoint = "get_notifications")]
pub async fn get_notifications() -> Result<NotificationCentre, AppError> {
    use crate::{
        accounts::access::require_principal,
        i18n::long_date,
        infra::{request::request_locale, state::use_app_state},
    };
    let principal = require_principal().await?;
    super::service::centre(
        &use_app_state()?,
        &principal.account_id,
        long_date,
        request_locale(),
    )
    .await
}

/// How many notifications the signed-in account has not read.
#[server(prefix = "/_fn", endpoint = "get_unread_count")]
pub async fn get_unread_count() -> Result<i64, AppError> {
    use crate::{accounts::access::require_principal, infra::state::use_app_state};
    let principal = require_principal().await?;
    super::service::unread_count(&use_app_state()?, &principal.account_id).await
}

/// Marks every notification read; then back to the centre.
#[server(prefix = "/_fn", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    use crate::{accounts::access::require_principal, infra::state::use_app_state};
    let principal = require_principal().await?;
    super::service::mark_all_read(&use_app_state()?, &principal.account_id).await?;
    leptos_axum::redirect("/notifications?done=read");
    Ok(())
}

/// Saves the delivery settings; then back to the centre.
#[server(prefix = "/_fn", endpoint = "save_notification_settings")]
pub async fn save_notification_settings(
    #[server(flatten)] form: SettingsForm,
) -> Result<(), AppError> {
    use crate::{accounts::access::require_principal, infra::state::use_app_state};
    let principal = require_principal().await?;
    super::service::save_settings(&use_app_state()?, &principal.account_id, &form).await?;
    leptos_axum::redirect("/notifications?done=saved");
    Ok(())
}
