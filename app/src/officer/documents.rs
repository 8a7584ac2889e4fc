//! The printable Account Access Notice of a paper filing (`/documents/access-notices/{case_id}`):
//! for officers and supervisors who may see the case and for support (who send notices again),
//! while the notice is unused; each printing is audited.

use crate::{
    accounts::{access::principal_of, model::Role},
    error::AppError,
    i18n::Locale,
    infra::{download, request::ClientIp, state::AppState},
    session::store::SessionHandle,
};
use axum::{
    extract::{Path, State},
    response::Response,
    routing::get,
    Extension, Router,
};

/// The routes of staff documents.
pub fn router() -> Router<AppState> {
    Router::new().route("/documents/access-notices/{case_id}", get(access_notice))
}

async fn access_notice(
    State(state): State<AppState>,
    Extension(session): Extension<SessionHandle>,
    Extension(locale): Extension<Locale>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(case_id): Path<String>,
) -> Response {
    let pdf = async {
        let principal = principal_of(&state, &session).await?;
        if !matches!(
            principal.role,
            Role::Officer | Role::Supervisor | Role::Support
        ) {
            return Err(AppError::NotFound);
        }
        super::service::access_notice_pdf(&state, &principal, &case_id, ip).await
    };
    download::pdf_or_refusal(pdf.await, locale)
}
