//! Thin server functions of the officers' console: each requires an officer or supervisor, calls
//! one service function and answers (or redirects back to the case with a notice).

use super::model::{
    EvidenceRequestForm, PaperFilingForm, QueueFilter, QueuePage, StaffCase, StatusChange,
};
use crate::error::AppError;
use leptos::prelude::*;

/// A page of the case queue.
#[server(prefix = "/_fn", endpoint = "get_officer_queue")]
pub async fn get_officer_queue(
    #[server(flatten)] filter: QueueFilter,
) -> Result<QueuePage, AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::request_locale, state::use_app_state},
    };
    let principal = require_role(&[Role::Officer, Role::Supervisor]).await?;
    super::service::queue(&use_app_state()?, &principal, &filter, request_locale()).await
}

/// A case as staff see it (outside the caller's scope: not found).
#[server(prefix = "/_fn", endpoint = "get_staff_case")]
pub async fn get_staff_case(id: String) -> Result<StaffCase, AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{
            request::{client_ip, request_locale},
            state::use_app_state,
        },
    };
    let principal = require_role(&[Role::Officer, Role::Supervisor]).await?;
    super::service::staff_case(
        &use_app_state()?,
        &principal,
        &id,
        client_ip()?,
        request_locale(),
    )
    .await
}

/// Takes, releases or (supervisors) gives a case to an officer; then back to the case.
#[server(prefix = "/_fn", endpoint = "assign_case")]
pub async fn assign_case(id: String, officer: String) -> Result<(), AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::client_ip, state::use_app_state},
    };
    let principal = require_role(&[Role::Officer, Role::Supervisor]).await?;
    super::service::assign(&use_app_state()?, &principal, &id, &officer, client_ip()?).await?;
    leptos_axum::redirect(&format!("/officer/cases/{id}?done=assigned"));
    Ok(())
}

/// Records a new status on a case; then back to the case.
#[server(prefix = "/_fn", endpoint = "change_case_status")]
pub async fn change_case_status(#[server(flatten)] change: StatusChange) -> Result<(), AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::client_ip, state::use_app_state},
    };
    let principal = require_role(&[Role::Officer, Role::Supervisor]).await?;
    super::service::change_status(&use_app_state()?, &principal, &change, client_ip()?).await?;
    leptos_axum::redirect(&format!("/officer/cases/{}?done=status", change.id));
    Ok(())
}

/// Sends a Request for Evidence; then back to the case.
#[server(prefix = "/_fn", endpoint = "request_case_evidence")]
pub async fn request_case_evidence(
    #[server(flatten)] form: EvidenceRequestForm,
) -> Result<(), AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::client_ip, state::use_app_state},
    };
    let principal = require_role(&[Role::Officer, Role::Supervisor]).await?;
    super::service::request_evidence(&use_app_state()?, &principal, &form, client_ip()?).await?;
    leptos_axum::redirect(&format!("/officer/cases/{}?done=evidence", form.id));
    Ok(())
}

/// Records a case filed on paper with its Account Access Notice; then to the new case.
#[server(prefix = "/_fn", endpoint = "record_paper_filing")]
pub async fn record_paper_filing(#[server(flatten)] form: PaperFilingForm) -> Result<(), AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::client_ip, state::use_app_state},
    };
    let principal = require_role(&[Role::Officer, Role::Supervisor]).await?;
    let id =
        super::service::record_paper_filing(&use_app_state()?, &principal, &form, client_ip()?)
            .await?;
    leptos_axum::redirect(&format!("/officer/cases/{id}?done=filed"));
    Ok(())
}
