//! Thin server functions of the support desk: each requires support or a supervisor, calls one
//! service function and answers (or redirects back to the search with a notice).

use super::model::SupportResult;
use crate::error::AppError;
use leptos::prelude::*;

/// Finds an account or a paper filing.
#[server(prefix = "/_fn", endpoint = "support_search")]
pub async fn support_search(q: String) -> Result<SupportResult, AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{
            request::{client_ip, request_locale},
            state::use_app_state,
        },
    };
    let principal = require_role(&[Role::Support, Role::Supervisor]).await?;
    super::service::search(
        &use_app_state()?,
        &principal,
        &q,
        client_ip()?,
        request_locale(),
    )
    .await
}

#[cfg(feature = "ssr")]
fn back_to(query: &str, done: &str) -> String {
    let q: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("/support?q={q}&done={done}")
}

/// Lifts an account's sign-in pause; then back to the account.
#[server(prefix = "/_fn", endpoint = "unlock_account")]
pub async fn unlock_account(id: String) -> Result<(), AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::client_ip, state::use_app_state},
    };
    let principal = require_role(&[Role::Support, Role::Supervisor]).await?;
    let email = super::service::unlock(&use_app_state()?, &principal, &id, client_ip()?).await?;
    leptos_axum::redirect(&back_to(&email, "unlocked"));
    Ok(())
}

/// Issues a paper filing's access code again; then back to the filing.
#[server(prefix = "/_fn", endpoint = "reissue_access_notice")]
pub async fn reissue_access_notice(id: String) -> Result<(), AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::client_ip, state::use_app_state},
    };
    let principal = require_role(&[Role::Support, Role::Supervisor]).await?;
    let receipt =
        super::service::reissue_notice(&use_app_state()?, &principal, &id, client_ip()?).await?;
    leptos_axum::redirect(&back_to(&receipt, "reissued"));
    Ok(())
}
