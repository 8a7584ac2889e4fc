//! Deny by default: every server function starts by asking this module who is calling. A function
//! either requires a principal (optionally with a role), requires a step of the sign-in flow
//! (`session::access::require_step`), or is on [`PUBLIC_SERVER_FNS`]; a test calls every
//! registered server function anonymously and proves that only the listed ones answer.

use super::{model::Role, store};
use crate::{
    error::AppError,
    infra::state::{use_app_state, AppState},
    session::{
        access::signed_in_account,
        store::{use_session, SessionHandle},
    },
};

/// Server functions that answer callers without a session (by endpoint path). Everything else
/// refuses an anonymous call with 401 before it reads its input.
pub const PUBLIC_SERVER_FNS: [&str; 14] = [
    "/_fn/current_step",
    "/_fn/get_registration_settings",
    "/_fn/check_password",
    "/_fn/register",
    "/_fn/sign_in",
    "/_fn/sign_out",
    "/_fn/get_public_case_status",
    "/_fn/get_staff_invitation",
    "/_fn/join_staff",
    "/_fn/request_password_reset",
    "/_fn/start_password_reset",
    "/_fn/cancel_account_reset",
    "/_fn/finish_account_reset",
    "/_fn/report_sign_in",
];

/// Who is calling: a fully signed-in account and its current role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The account.
    pub account_id: String,
    /// The role, as stored now (not as it was at sign-in).
    pub role: Role,
}

/// The signed-in principal of the current request, with its role read from the database now.
pub async fn require_principal() -> Result<Principal, AppError> {
    principal_of(&use_app_state()?, &use_session()?).await
}

/// The signed-in principal of `session` (for plain axum handlers, e.g. downloads).
pub async fn principal_of(
    state: &AppState,
    session: &SessionHandle,
) -> Result<Principal, AppError> {
    let account_id = signed_in_account(session)?;
    let role = store::role_of(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(Principal { account_id, role })
}

/// The signed-in principal if its role is one of `allowed`; otherwise `Forbidden`.
pub async fn require_role(allowed: &[Role]) -> Result<Principal, AppError> {
    let principal = require_principal().await?;
    if allowed.contains(&principal.role) {
        Ok(principal)
    } else {
        tracing::warn!(account_id = %principal.account_id, role = principal.role.as_str(), "role refused");
        Err(AppError::Forbidden)
    }
}
