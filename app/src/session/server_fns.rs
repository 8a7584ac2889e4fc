//! Thin server functions about the session itself.

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
