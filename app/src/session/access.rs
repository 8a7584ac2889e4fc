//! Flow guards: every step of the sign-in and enrolment flow checks the session the same way, here.
//! Who a signed-in caller is (account and role) is `accounts::access`.

use super::{
    model::{AuthState, Step},
    store::SessionHandle,
};
use crate::error::AppError;

/// The id a session at `step` carries: the registration while the email is verified, the account
/// afterwards. A session elsewhere in the flow is refused (`SessionExpired` when it just timed out).
pub fn require_step(session: &SessionHandle, step: Step) -> Result<String, AppError> {
    match session.state() {
        Some(state) if Step::of(Some(&state)) == step => Ok(match state {
            AuthState::VerifyingEmail { registration_id } => registration_id,
            AuthState::EnrollingTotp { account_id }
            | AuthState::AwaitingSecondFactor { account_id }
            | AuthState::SignedIn { account_id } => account_id,
        }),
        _ if session.expired() => Err(AppError::SessionExpired),
        _ => Err(AppError::Unauthorized),
    }
}

/// The account of a signed-in session, from the session alone (no database read).
pub fn signed_in_account(session: &SessionHandle) -> Result<String, AppError> {
    require_step(session, Step::SignedIn)
}
