//! Where a person is in the sign-in and enrolment flow.
//!
//! | from                          | event                               | to                       |
//! |-------------------------------|-------------------------------------|--------------------------|
//! | (none)                        | registration submitted              | `VerifyingEmail`         |
//! | `VerifyingEmail`              | correct email code                  | `EnrollingTotp`          |
//! | `EnrollingTotp`               | correct code from the new app       | `SignedIn`               |
//! | (none)                        | correct password, email unverified  | `VerifyingEmail`         |
//! | (none)                        | correct password, no authenticator  | `EnrollingTotp`          |
//! | (none)                        | correct password                    | `AwaitingSecondFactor`   |
//! | `AwaitingSecondFactor`        | correct, unused authenticator code  | `SignedIn`               |
//! | any                           | sign out, idle or absolute timeout  | (none)                   |
//!
//! Every arrow starts a new session id (no fixation).

use serde::{Deserialize, Serialize};

/// The step of the flow a session is at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum AuthState {
    /// An email code is awaited. `account_id` is `None` when the registration was for an address that
    /// already has an account: the page looks the same, so nobody learns that the address is known.
    VerifyingEmail {
        /// The account being verified, if any.
        account_id: Option<String>,
    },
    /// The email is verified; an authenticator app must be set up before anything else.
    EnrollingTotp {
        /// The account.
        account_id: String,
    },
    /// The password was right; the authenticator code is awaited.
    AwaitingSecondFactor {
        /// The account.
        account_id: String,
    },
    /// Signed in with both factors.
    SignedIn {
        /// The account.
        account_id: String,
    },
}

/// The page each state belongs on; used to send people to the right step.
impl AuthState {
    /// The path of the page where this step is completed.
    pub fn home_path(&self) -> &'static str {
        match self {
            AuthState::VerifyingEmail { .. } => "/verify-email",
            AuthState::EnrollingTotp { .. } => "/setup-authenticator",
            AuthState::AwaitingSecondFactor { .. } => "/sign-in/code",
            AuthState::SignedIn { .. } => "/account",
        }
    }

    /// The account the session belongs to, if known.
    pub fn account_id(&self) -> Option<&str> {
        match self {
            AuthState::VerifyingEmail { account_id } => account_id.as_deref(),
            AuthState::EnrollingTotp { account_id }
            | AuthState::AwaitingSecondFactor { account_id }
            | AuthState::SignedIn { account_id } => Some(account_id),
        }
    }
}
