//! Thin server functions for cases: each authorises, calls one service function and answers in
//! the request's language.

use super::model::{AddCaseForm, CaseDetail, CaseStatusView, MyHome};
use crate::error::AppError;
use leptos::prelude::*;

/// Case Status Online: the status and history of the case with this receipt number. Public
/// (listed in `PUBLIC_SERVER_FNS`), throttled per client address.
#[server(prefix = "/_fn", endpoint = "get_public_case_status")]
pub async fn get_public_case_status(receipt: String) -> Result<CaseStatusView, AppError> {
    use crate::infra::{
        request::{client_ip, request_locale},
        state::use_app_state,
    };
    let (state, ip) = (use_app_state()?, client_ip()?);
    super::service::public_status(&state, ip, &receipt, request_locale()).await
}

/// The signed-in account's cases (and whether it works cases).
#[server(prefix = "/_fn", endpoint = "list_my_cases")]
pub async fn list_my_cases() -> Result<MyHome, AppError> {
    use crate::{
        accounts::{access::require_principal, model::Role},
        infra::{request::request_locale, state::use_app_state},
    };
    let principal = require_principal().await?;
    let state = use_app_state()?;
    let cases = super::service::my_cases(&state, &principal.account_id, request_locale()).await?;
    Ok(MyHome {
        cases,
        works_cases: matches!(principal.role, Role::Officer | Role::Supervisor),
        unread_notifications: crate::notifications::service::unread_count(
            &state,
            &principal.account_id,
        )
        .await?,
    })
}

/// One of the signed-in account's cases (anyone else's is not found).
#[server(prefix = "/_fn", endpoint = "get_my_case")]
pub async fn get_my_case(id: String) -> Result<CaseDetail, AppError> {
    use crate::{
        accounts::access::require_principal,
        infra::{request::request_locale, state::use_app_state},
    };
    let principal = require_principal().await?;
    super::service::my_case(
        &use_app_state()?,
        &principal.account_id,
        &id,
        request_locale(),
    )
    .await
}

/// Adds a paper-filed case to the signed-in account with its Account Access Notice's receipt
/// number and access code; then to the case.
#[server(prefix = "/_fn", endpoint = "add_paper_case")]
pub async fn add_paper_case(#[server(flatten)] form: AddCaseForm) -> Result<(), AppError> {
    use crate::{
        accounts::access::require_principal,
        infra::{request::client_ip, state::use_app_state},
    };
    let principal = require_principal().await?;
    let id = super::service::add_paper_case(
        &use_app_state()?,
        &principal.account_id,
        &form,
        client_ip()?,
    )
    .await?;
    leptos_axum::redirect(&format!("/cases/{id}?added=1"));
    Ok(())
}
