//! Where a person is in the sign-in and enrolment flow.
//!
//! | from                          | event                               | to                       |
//! |-------------------------------|-------------------------------------|--------------------------|
//! | (none)                        | registration submitted              | `VerifyingEmail`         |
//! | `VerifyingEmail`              | correct email code (account created)| `EnrollingTotp`          |
//! | `EnrollingTotp`               | correct code from the new app       | `SignedIn`               |
//! | (none)                        | correct password, no authenticator  | `EnrollingTotp`          |
//! | (none)                        | correct password                    | `AwaitingSecondFactor`   |
//! | `AwaitingSecondFactor`        | correct, unused authenticator code  | `SignedIn`               |
//! | `SignedIn`                    | password and second factor again    | `SignedIn` (recent)      |
//! | (any)                         | unused password-reset link opened   | `Recovering(Questions)`  |
//! |                               |   (no security answers on file)     | `Recovering(SecondFactor)`|
//! | `Recovering(Questions)`       | every security answer right         | `Recovering(SecondFactor)`|
//! | `Recovering(SecondFactor)`    | app code or backup code right       | `Recovering(NewPassword)`|
//! | `Recovering(NewPassword)`     | new password set (every session ends)| (none)                  |
//! | any                           | sign out, idle or absolute timeout  | (none)                   |
//!
//! Every arrow starts a new session id (no fixation).

use serde::{Deserialize, Serialize};

/// The step of the flow a session is at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum AuthState {
    /// An emailed code is awaited for a registration. Registrations for an address that already
    /// has an account look exactly the same (their code is never sent), so nobody learns that the
    /// address is known.
    VerifyingEmail {
        /// The registration waiting for its code.
        registration_id: String,
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
    /// Recovering a forgotten password, after opening the emailed link: never signed in.
    Recovering {
        /// The account.
        account_id: String,
        /// What the person must prove next.
        stage: RecoveryStage,
    },
}

/// The steps of password recovery after the emailed link, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryStage {
    /// Answer the security questions (an extra check, never enough alone).
    Questions,
    /// Enter a code from a second factor or a backup code.
    SecondFactor,
    /// Choose the new password.
    NewPassword,
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
            AuthState::Recovering { stage, .. } => Step::Recovering(*stage).path(),
        }
    }

    /// The account the session belongs to, if it has one yet.
    pub fn account_id(&self) -> Option<&str> {
        match self {
            AuthState::VerifyingEmail { .. } => None,
            AuthState::EnrollingTotp { account_id }
            | AuthState::AwaitingSecondFactor { account_id }
            | AuthState::SignedIn { account_id }
            | AuthState::Recovering { account_id, .. } => Some(account_id),
        }
    }
}

/// Where the current session is in the flow, without any identifiers (what the browser may know).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// No session.
    SignedOut,
    /// A session timed out on this request.
    Expired,
    /// Waiting for the emailed code.
    VerifyingEmail,
    /// Must set up an authenticator.
    EnrollingTotp,
    /// Waiting for the authenticator code.
    AwaitingSecondFactor,
    /// Fully signed in.
    SignedIn,
    /// Recovering a forgotten password, at this stage.
    Recovering(RecoveryStage),
}

impl Step {
    /// The step of a session state.
    pub fn of(state: Option<&AuthState>) -> Self {
        match state {
            None => Step::SignedOut,
            Some(AuthState::VerifyingEmail { .. }) => Step::VerifyingEmail,
            Some(AuthState::EnrollingTotp { .. }) => Step::EnrollingTotp,
            Some(AuthState::AwaitingSecondFactor { .. }) => Step::AwaitingSecondFactor,
            Some(AuthState::SignedIn { .. }) => Step::SignedIn,
            Some(AuthState::Recovering { stage, .. }) => Step::Recovering(*stage),
        }
    }

    /// The page where this step is completed.
    pub fn path(self) -> &'static str {
        match self {
            Step::SignedOut | Step::Expired => "/sign-in",
            Step::VerifyingEmail => "/verify-email",
            Step::EnrollingTotp => "/setup-authenticator",
            Step::AwaitingSecondFactor => "/sign-in/code",
            Step::SignedIn => "/account",
            Step::Recovering(RecoveryStage::Questions) => "/reset-password/questions",
            Step::Recovering(RecoveryStage::SecondFactor) => "/reset-password/verify",
            Step::Recovering(RecoveryStage::NewPassword) => "/reset-password/new",
        }
    }
}
