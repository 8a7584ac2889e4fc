//! Thin server functions for accounts: each authorises, validates, calls one service and answers.

use super::model::{PasswordFeedback, Profile};
use crate::{error::AppError, session::model::AuthState};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the current session is in the flow, without any identifiers.
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
        }
    }
}

/// The current session's step (pages use it to send people to the right place).
#[server(prefix = "/api", endpoint = "current_step")]
pub async fn current_step() -> Result<Step, AppError> {
    use crate::session::store::use_session;
    let session = use_session()?;
    let state = session.state();
    Ok(if state.is_none() && session.expired() {
        Step::Expired
    } else {
        Step::of(state.as_ref())
    })
}

/// Creates an account and emails a verification code; then redirects to the code page.
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    email: String,
    password: String,
    password_confirmation: String,
    question1: String,
    answer1: String,
    question2: String,
    answer2: String,
    question3: String,
    answer3: String,
) -> Result<(), AppError> {
    use super::service::{self, RegistrationForm};
    use crate::{
        infra::{
            request::{client_ip, finish, request_locale},
            state::use_app_state,
        },
        session::store::use_session,
    };
    finish(
        async move {
            let state = use_app_state()?;
            let session = use_session()?;
            let form = RegistrationForm {
                email,
                password,
                password_confirmation,
                questions: [
                    (question1, answer1),
                    (question2, answer2),
                    (question3, answer3),
                ],
            };
            let registration = service::validate_registration(
                form,
                &state.policy.password,
                state.policy.security_questions,
            )?;
            service::register(
                &state,
                &session,
                client_ip()?,
                request_locale(),
                registration,
            )
            .await?;
            leptos_axum::redirect("/verify-email");
            Ok(())
        }
        .await,
    )
}

/// Live feedback on a password being typed: the server-side rules and a strength estimate.
#[server(prefix = "/api", endpoint = "check_password")]
pub async fn check_password(password: String, email: String) -> Result<PasswordFeedback, AppError> {
    use super::model::Email;
    use crate::infra::{
        passwords, rate_limit,
        request::{client_ip, finish},
        state::use_app_state,
    };
    finish(
        async move {
            let state = use_app_state()?;
            if state.policy.rate_limits {
                let bucket = format!("password_check:ip:{}", client_ip()?);
                rate_limit::hit(
                    &state.db,
                    &bucket,
                    rate_limit::PASSWORD_CHECKS_PER_IP,
                    state.now(),
                )
                .await?;
            }
            let email = Email::parse(&email).ok();
            let problem =
                passwords::check_password(&state.policy.password, &password, email.as_ref()).err();
            let score = if problem.is_some() {
                0
            } else {
                passwords::strength(&password, email.as_ref())
            };
            Ok(PasswordFeedback { problem, score })
        }
        .await,
    )
}

/// Checks the emailed code; then redirects to authenticator set-up.
#[server(prefix = "/api", endpoint = "verify_email")]
pub async fn verify_email(code: String) -> Result<(), AppError> {
    use crate::{
        infra::{request::finish, state::use_app_state},
        session::store::use_session,
    };
    finish(
        async move {
            let state = use_app_state()?;
            let next = super::service::verify_email(&state, &use_session()?, &code).await?;
            leptos_axum::redirect(next.home_path());
            Ok(())
        }
        .await,
    )
}

/// Sends a new verification code.
#[server(prefix = "/api", endpoint = "resend_verification_code")]
pub async fn resend_verification_code() -> Result<(), AppError> {
    use crate::{
        infra::{
            request::{finish, request_locale},
            state::use_app_state,
        },
        session::store::use_session,
    };
    finish(
        async move {
            let state = use_app_state()?;
            super::service::resend_verification_code(&state, &use_session()?, request_locale())
                .await?;
            leptos_axum::redirect("/verify-email?sent=1");
            Ok(())
        }
        .await,
    )
}

/// Checks email and password; redirects to the next step (normally the authenticator code).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::{
        infra::{
            passwords::secret,
            request::{client_ip, finish, request_locale},
            state::use_app_state,
        },
        session::store::use_session,
    };
    finish(
        async move {
            let state = use_app_state()?;
            let next = super::service::sign_in(
                &state,
                &use_session()?,
                client_ip()?,
                request_locale(),
                &email,
                secret(password),
            )
            .await?;
            leptos_axum::redirect(next.home_path());
            Ok(())
        }
        .await,
    )
}

/// Ends the session on the server and in the browser.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::{
        infra::{request::finish, state::use_app_state},
        session::store::use_session,
    };
    finish(
        async move {
            let state = use_app_state()?;
            let session = use_session()?;
            if let Some(account_id) = session
                .state()
                .as_ref()
                .and_then(|s| s.account_id().map(str::to_owned))
            {
                tracing::info!(account_id = %account_id, "signed out");
            }
            session.destroy(&state.db).await?;
            leptos_axum::redirect("/sign-in?signed_out=1");
            Ok(())
        }
        .await,
    )
}

/// The signed-in account's Profile.
#[server(prefix = "/api", endpoint = "get_profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    use super::{model::AccountNumber, service::signed_in_account, store};
    use crate::{
        infra::{request::finish, state::use_app_state},
        session::store::use_session,
    };
    finish(
        async move {
            let state = use_app_state()?;
            let account_id = signed_in_account(&use_session()?)?;
            let account = store::find_by_id(&state.db, &account_id)
                .await?
                .ok_or(AppError::Unauthorized)?;
            let account_number = AccountNumber::parse(&account.account_number)
                .ok_or_else(|| AppError::internal("stored account number fails its check digit"))?;
            Ok(Profile {
                email: account.email,
                account_number,
            })
        }
        .await,
    )
}

/// What the registration form needs to know about this server's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RegistrationSettings {
    /// Password length rules.
    pub password: super::model::PasswordRules,
    /// Whether security questions are asked.
    pub security_questions: bool,
}

/// This server's registration policy (password lengths, whether security questions are asked).
#[server(prefix = "/api", endpoint = "get_registration_settings")]
pub async fn get_registration_settings() -> Result<RegistrationSettings, AppError> {
    use crate::infra::{request::finish, state::use_app_state};
    finish(use_app_state().map(|state| RegistrationSettings {
        password: state.policy.password,
        security_questions: state.policy.security_questions,
    }))
}
