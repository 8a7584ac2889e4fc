//! Public JSON APIs for other programs live under `/api/`: JSON errors, their own body limit, no
//! cookies and no sessions. Each domain mounts its router here (`/api/torch`: the Case Status API,
//! `app::cases::torch`) and authenticates its callers with bearer tokens, never with the browser's
//! session cookie. `GET /api/ping` answers a constant `{"status":"ok"}`: the baseline `bench/`
//! divides the APIs' requests/s by (the same stack, no database, nothing to render).

use app::{error::AppError, infra::state::AppState};
use axum::{
    extract::DefaultBodyLimit,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Serialize;

/// Largest request body any public API accepts.
pub const API_BODY_LIMIT: usize = 64 * 1024;

/// An API error as other programs see it: a stable machine code and an English message.
#[derive(Debug, Serialize)]
pub struct ApiErrorBody {
    /// Stable code, e.g. `not_found`, `rate_limited`.
    pub error: &'static str,
    /// Human-readable text (English; APIs are for programs).
    pub message: String,
}

/// An [`AppError`] answered as JSON with its HTTP status.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

fn code_of(error: &AppError) -> &'static str {
    match error {
        AppError::Unauthorized | AppError::SessionExpired | AppError::InvalidCredentials => {
            "unauthorized"
        }
        AppError::Forbidden => "forbidden",
        AppError::ReauthRequired => "reauth_required",
        AppError::CurrentPasswordWrong => "forbidden",
        AppError::NotFound => "not_found",
        AppError::Validation { .. } => "invalid_request",
        AppError::Conflict => "conflict",
        AppError::RateLimited { .. } => "rate_limited",
        AppError::BadRequest => "bad_request",
        AppError::TooLarge => "too_large",
        AppError::Unavailable { .. } => "unavailable",
        AppError::Internal { .. } => "internal_error",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = self
            .0
            .messages()
            .into_iter()
            .map(|(_, m)| m.text(app::i18n::Locale::En))
            .collect::<Vec<_>>()
            .join(" ");
        let body = ApiErrorBody {
            error: code_of(&self.0),
            message,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = self.0.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The constant answer of `GET /api/ping`.
pub const PING_BODY: &str = r#"{"status":"ok"}"#;

async fn ping() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        PING_BODY,
    )
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

/// Every public API, mounted at `/api`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ping", get(ping))
        .nest("/torch", app::cases::torch::router())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
}
