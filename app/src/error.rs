//! The one error type every server function returns, safe to send to the browser.

use crate::i18n::{CommonMsg, Msg};
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A message about one form field, shown under that field and in the error summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The `name` of the form input the message belongs to.
    pub field: String,
    /// What is wrong, as a translatable message.
    pub message: Msg,
}

impl FieldError {
    /// A message for the field named `field`.
    pub fn new(field: &str, message: Msg) -> Self {
        Self {
            field: field.to_owned(),
            message,
        }
    }
}

/// Everything that can go wrong in a server function, as the browser may see it.
///
/// No variant carries internal detail: database, mail and I/O failures are logged on the server with a
/// correlation id and reach the browser only as [`AppError::Internal`] with that id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No signed-in session (or the sign-in step this page needs has not been reached).
    #[error("sign-in required")]
    Unauthorized,
    /// The session ended because of inactivity or its absolute lifetime.
    #[error("session expired")]
    SessionExpired,
    /// Signed in, but not allowed to do this (including cross-site requests).
    #[error("forbidden")]
    Forbidden,
    /// Signed in, but the last full sign-in is too old for this sensitive change: the person must
    /// confirm it is them (password and second factor) first. Sent as `reauth_required`.
    #[serde(rename = "reauth_required")]
    #[error("re-authentication required")]
    ReauthRequired,
    /// The current password given to confirm a change (e.g. of the password) is wrong; nothing
    /// changed.
    #[error("current password wrong")]
    CurrentPasswordWrong,
    /// The thing asked for does not exist or is not the caller's.
    #[error("not found")]
    NotFound,
    /// The input was understood but breaks a rule; each message names its field.
    #[error("invalid input")]
    Validation {
        /// One entry per broken rule.
        field_errors: Vec<FieldError>,
    },
    /// The thing to create already exists (admin commands; never used where it would reveal an account).
    #[error("already exists")]
    Conflict,
    /// Email and password did not match an account (deliberately says no more).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many attempts; try again after this many seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until another attempt is allowed.
        retry_after: u64,
    },
    /// The request itself was malformed (arguments missing or of the wrong type, a body that is not
    /// valid UTF-8 or carries NUL bytes, a repeated field).
    #[error("bad request")]
    BadRequest,
    /// The request body is larger than the endpoint accepts.
    #[error("request too large")]
    TooLarge,
    /// The server is too busy to take this request now (e.g. every password-hashing slot stayed
    /// taken for the whole waiting time); try again after this many seconds.
    #[error("temporarily unavailable")]
    Unavailable {
        /// Seconds until the request is worth trying again.
        retry_after: u64,
    },
    /// Something failed on the server; the id finds the details in the server log.
    #[error("internal error {correlation_id}")]
    Internal {
        /// Random id that appears in the server log next to the real error.
        correlation_id: String,
    },
}

impl AppError {
    /// A validation error about a single field.
    pub fn field(field: &str, message: Msg) -> Self {
        AppError::Validation {
            field_errors: vec![FieldError::new(field, message)],
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::SessionExpired => 401,
            AppError::Forbidden | AppError::ReauthRequired | AppError::CurrentPasswordWrong => 403,
            AppError::NotFound => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict => 409,
            AppError::InvalidCredentials => 401,
            AppError::RateLimited { .. } => 429,
            AppError::BadRequest => 400,
            AppError::TooLarge => 413,
            AppError::Unavailable { .. } => 503,
            AppError::Internal { .. } => 500,
        }
    }

    /// The messages to list in an error summary, with the field each belongs to (if any).
    pub fn messages(&self) -> Vec<(Option<String>, Msg)> {
        match self {
            AppError::Validation { field_errors } => field_errors
                .iter()
                .map(|e| (Some(e.field.clone()), e.message.clone()))
                .collect(),
            AppError::Unauthorized => vec![(None, CommonMsg::SignInRequired.into())],
            AppError::SessionExpired => vec![(None, CommonMsg::SessionExpired.into())],
            AppError::Forbidden => vec![(None, CommonMsg::Forbidden.into())],
            AppError::ReauthRequired => vec![(None, CommonMsg::ReauthRequired.into())],
            AppError::CurrentPasswordWrong => vec![(
                Some("current_password".to_owned()),
                CommonMsg::CurrentPasswordWrong.into(),
            )],
            AppError::NotFound => vec![(None, CommonMsg::NotFound.into())],
            AppError::Conflict => vec![(None, CommonMsg::Conflict.into())],
            AppError::InvalidCredentials => vec![(None, CommonMsg::InvalidCredentials.into())],
            AppError::RateLimited { retry_after } => vec![(
                None,
                CommonMsg::RateLimited {
                    retry_after: *retry_after,
                }
                .into(),
            )],
            AppError::BadRequest => vec![(None, CommonMsg::BadRequest.into())],
            AppError::TooLarge => vec![(None, CommonMsg::TooLarge.into())],
            AppError::Unavailable { retry_after } => vec![(
                None,
                CommonMsg::Unavailable {
                    retry_after: *retry_after,
                }
                .into(),
            )],
            AppError::Internal { correlation_id } => vec![(
                None,
                CommonMsg::Internal {
                    correlation_id: correlation_id.clone(),
                }
                .into(),
            )],
        }
    }

    /// Seconds the client should wait before trying again (`Retry-After`), for throttled and
    /// overloaded answers.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after } | AppError::Unavailable { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }

    /// The message for one field, if this error has one.
    pub fn field_message(&self, field: &str) -> Option<Msg> {
        match self {
            AppError::CurrentPasswordWrong if field == "current_password" => {
                Some(CommonMsg::CurrentPasswordWrong.into())
            }
            AppError::Validation { field_errors } => field_errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            // On the server a decoding failure can only be the request's arguments (the browser
            // sent something malformed); in the browser it is the server's answer that failed.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            other => AppError::Internal {
                correlation_id: format!("client-{}", short_kind(&other)),
            },
        }
    }
}

fn short_kind(error: &ServerFnErrorErr) -> &'static str {
    match error {
        ServerFnErrorErr::Request(_) => "network",
        ServerFnErrorErr::Response(_) => "response",
        ServerFnErrorErr::Deserialization(_) => "decode",
        ServerFnErrorErr::Serialization(_) => "encode",
        _ => "other",
    }
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;

    impl AppError {
        /// Logs `detail` with a fresh correlation id and returns the browser-safe error carrying that id.
        pub fn internal(detail: impl std::fmt::Display) -> Self {
            let correlation_id = crate::infra::crypto::random_hex(8);
            tracing::error!(correlation_id = %correlation_id, error = %detail, "internal error");
            AppError::Internal { correlation_id }
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(error: sqlx::Error) -> Self {
            AppError::internal(format_args!("database: {error}"))
        }
    }

    impl From<sqlx::migrate::MigrateError> for AppError {
        fn from(error: sqlx::migrate::MigrateError) -> Self {
            AppError::internal(format_args!("migration: {error}"))
        }
    }

    impl From<tokio::task::JoinError> for AppError {
        fn from(error: tokio::task::JoinError) -> Self {
            AppError::internal(format_args!("blocking task: {error}"))
        }
    }
}
