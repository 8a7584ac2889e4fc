//! Downloads of a case's notices (`/documents/notices/{id}`): only for the account the case
//! belongs to (anyone else: 404), sent as attachments under the rules of `infra::download`.

use super::notices;
use crate::{
    accounts::access::principal_of,
    error::AppError,
    i18n::Locale,
    infra::{download, state::AppState},
    session::store::SessionHandle,
};
use axum::{
    extract::{Path, State},
    response::Response,
    routing::get,
    Extension, Router,
};

/// The routes of case documents.
pub fn router() -> Router<AppState> {
    Router::new().route("/documents/notices/{id}", get(notice))
}

async fn notice(
    State(state): State<AppState>,
    Extension(session): Extension<SessionHandle>,
    Extension(locale): Extension<Locale>,
    Path(id): Path<String>,
) -> Response {
    download::pdf_or_refusal(notice_pdf(&state, &session, &id).await, locale)
}

async fn notice_pdf(
    state: &AppState,
    session: &SessionHandle,
    id: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let principal = principal_of(state, session).await?;
    let row = notices::find_for_account(&state.db, id, &principal.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    notices::render(&row, &state.policy.base_url)
}
