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
            | AuthState::SignedIn { account_id }
            | AuthState::Recovering { account_id, .. } => account_id,
        }),
        _ if session.expired() => Err(AppError::SessionExpired),
        _ => Err(AppError::Unauthorized),
    }
}

/// The account of a signed-in session, from the session alone (no database read).
pub fn signed_in_account(session: &SessionHandle) -> Result<String, AppError> {
    require_step(session, Step::SignedIn)
}

/// How long a full sign-in counts as recent for sensitive changes (SECURITY.md item 33; Login.gov's
/// `reauthn_window` of 1,200 s).
pub const REAUTH_WINDOW_SECS: i64 = 20 * 60;

/// The account of a signed-in session that proved every factor within [`REAUTH_WINDOW_SECS`] of
/// `now`; `ReauthRequired` when it is signed in but not recently enough.
pub fn recently_signed_in(session: &SessionHandle, now: i64) -> Result<String, AppError> {
    let account_id = signed_in_account(session)?;
    match session.authenticated_at() {
        Some(at) if now - at <= REAUTH_WINDOW_SECS => Ok(account_id),
        _ => Err(AppError::ReauthRequired),
    }
}
