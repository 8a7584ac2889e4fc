//! Thin server functions for staff accounts: the staff page's are for supervisors only; the
//! invitation link's two are public (listed in `PUBLIC_SERVER_FNS`), throttled per address, and
//! answer only to a valid token.

use super::model::{InvitationForm, InvitationView, JoinForm, StaffOverview};
use crate::error::AppError;
use leptos::prelude::*;

/// The staff accounts and pending invitations.
#[server(prefix = "/_fn", endpoint = "get_staff_overview")]
pub async fn get_staff_overview() -> Result<StaffOverview, AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::request_locale, state::use_app_state},
    };
    require_role(&[Role::Supervisor]).await?;
    super::service::overview(&use_app_state()?, request_locale()).await
}

/// Invites someone as staff; then back to the staff page.
#[server(prefix = "/_fn", endpoint = "invite_staff")]
pub async fn invite_staff(#[server(flatten)] form: InvitationForm) -> Result<(), AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{
            request::{client_ip, request_locale},
            state::use_app_state,
        },
    };
    let principal = require_role(&[Role::Supervisor]).await?;
    super::service::invite(
        &use_app_state()?,
        &principal,
        &form,
        client_ip()?,
        request_locale(),
    )
    .await?;
    leptos_axum::redirect("/officer/staff?done=invited");
    Ok(())
}

/// Withdraws a pending invitation; then back to the staff page.
#[server(prefix = "/_fn", endpoint = "withdraw_staff_invitation")]
pub async fn withdraw_staff_invitation(id: String) -> Result<(), AppError> {
    use crate::{
        accounts::{access::require_role, model::Role},
        infra::{request::client_ip, state::use_app_state},
    };
    let principal = require_role(&[Role::Supervisor]).await?;
    super::service::withdraw(&use_app_state()?, &principal, &id, client_ip()?).await?;
    leptos_axum::redirect("/officer/staff?done=withdrawn");
    Ok(())
}

/// What an invitation link is for (public: the token is the credential).
#[server(prefix = "/_fn", endpoint = "get_staff_invitation")]
pub async fn get_staff_invitation(token: String) -> Result<InvitationView, AppError> {
    use crate::infra::{request::client_ip, state::use_app_state};
    super::service::invitation(&use_app_state()?, &token, client_ip()?).await
}

/// Creates the invited staff account (public: the token is the credential); then the page says
/// to sign in.
#[server(prefix = "/_fn", endpoint = "join_staff")]
pub async fn join_staff(#[server(flatten)] form: JoinForm) -> Result<(), AppError> {
    use crate::infra::{request::client_ip, state::use_app_state};
    super::service::join(&use_app_state()?, &form, client_ip()?).await?;
    leptos_axum::redirect("/staff/join?done=1");
    Ok(())
}
