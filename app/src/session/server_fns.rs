//! Thin server functions about the session itself: where it is in the flow, and ending it.

use super::model::Step;
use crate::error::AppError;
use leptos::prelude::*;

/// The current session's step (pages use it to send people to the right place). Public: it tells
/// an anonymous caller only that it is signed out.
#[server(prefix = "/_fn", endpoint = "current_step")]
pub async fn current_step() -> Result<Step, AppError> {
    use super::store::use_session;
    let session = use_session()?;
    let state = session.state();
    Ok(if state.is_none() && session.expired() {
        Step::Expired
    } else {
        Step::of(state.as_ref())
    })
}

/// Ends the session on the server and in the browser.
#[server(prefix = "/_fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::store::use_session;
    use crate::infra::state::use_app_state;
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

/// "Stay signed in": records activity now and answers with the seconds until the session would
/// idle out. Signed-in sessions only.
#[server(prefix = "/_fn", endpoint = "keep_session_alive")]
pub async fn keep_session_alive() -> Result<i64, AppError> {
    use super::{access::signed_in_account, store::use_session};
    use crate::infra::state::use_app_state;
    let state = use_app_state()?;
    let session = use_session()?;
    signed_in_account(&session)?;
    let id_hash = session.id_hash().ok_or(AppError::Unauthorized)?;
    super::store::touch(&state.db, &id_hash, state.now()).await?;
    Ok(state.policy.session_idle_secs)
}
