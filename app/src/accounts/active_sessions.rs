//! The Devices page: every live session of the account with its browser, address and last use,
//! and signing out one of them or all the others (SECURITY.md item 32).

use super::{
    history::{self, NewEvent, Origin},
    model::{AccountEventKind, DeviceSession, DevicesPage},
};
use crate::{
    error::AppError,
    i18n::{long_date_time, Locale},
    infra::state::AppState,
    session::{
        access::{recently_signed_in, signed_in_account},
        model::AuthState,
        store::{self as sessions, SessionHandle},
    },
};

/// Sessions per page.
pub const PAGE_SIZE: i64 = 20;

/// Reads a `<last_seen_at>.<public_id>` cursor; `None` for anything malformed.
fn parse_cursor(text: &str) -> Option<(i64, String)> {
    let (seen, id) = text.split_once('.')?;
    let valid = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| Some((seen.parse().ok()?, id.to_owned())))?
}

/// A page of the signed-in account's live sessions after `cursor`.
pub async fn devices_page(
    state: &AppState,
    session: &SessionHandle,
    cursor: Option<&str>,
    locale: Locale,
) -> Result<DevicesPage, AppError> {
    let account_id = signed_in_account(session)?;
    let after = match cursor.filter(|c| !c.is_empty()) {
        Some(text) => Some(parse_cursor(text).ok_or(AppError::BadRequest)?),
        None => None,
    };
    let now = state.now();
    let current = match session.id_hash() {
        Some(id_hash) => sessions::public_id_of(&state.db, &id_hash).await?,
        None => None,
    };
    let mut rows = sessions::active_sessions(
        &state.db,
        &state.policy,
        &account_id,
        after.as_ref().map(|(seen, id)| (*seen, id.as_str())),
        PAGE_SIZE + 1,
        now,
    )
    .await?;
    let more = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last()
            .map(|last| format!("{}.{}", last.last_seen_at, last.public_id))
    });
    let sessions = rows
        .into_iter()
        .map(|row| DeviceSession {
            current: current.as_deref() == Some(row.public_id.as_str()),
            signed_in: matches!(
                serde_json::from_str::<AuthState>(&row.state),
                Ok(AuthState::SignedIn { .. })
            ),
            recovering: matches!(
                serde_json::from_str::<AuthState>(&row.state),
                Ok(AuthState::Recovering { .. })
            ),
            id: row.public_id,
            device: row.device,
            ip: row.ip.as_deref().map(crate::infra::geo::describe),
            started: long_date_time(row.created_at, locale),
            last_seen: long_date_time(row.last_seen_at, locale),
        })
        .collect();
    Ok(DevicesPage {
        sessions,
        more: more.flatten(),
    })
}

/// Records in the account history that sessions were signed out.
async fn record_revocation(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let event = NewEvent {
        account_id,
        kind: AccountEventKind::SessionsRevoked,
        method: None,
        origin: &Origin::current(),
    };
    history::record(&mut **tx, &event, now).await
}

/// Signs out the account's session `public_id` (404 if the account has none by that id); the
/// caller's own session is signed out like "Sign out". Signing out another session needs a recent
/// full sign-in (item 33): an old stolen cookie must not be able to throw the owner out again and
/// again. Sessions recovering a password are never ended from here.
pub async fn sign_out_session(
    state: &AppState,
    session: &SessionHandle,
    public_id: &str,
) -> Result<(), AppError> {
    let account_id = signed_in_account(session)?;
    let now = state.now();
    let own = match session.id_hash() {
        Some(id_hash) => sessions::public_id_of(&state.db, &id_hash).await?,
        None => None,
    };
    if own.as_deref() != Some(public_id) {
        recently_signed_in(session, now)?;
    }
    let mut tx = state.db.begin_write().await?;
    if !sessions::end_session_by_public_id(&mut tx, &account_id, public_id).await? {
        tx.rollback().await?;
        return Err(AppError::NotFound);
    }
    record_revocation(&mut tx, &account_id, now).await?;
    tx.commit().await?;
    tracing::info!(account_id = %account_id, "a session was signed out from the Devices page");
    if own.as_deref() == Some(public_id) {
        session.destroy(&state.db).await?;
    }
    Ok(())
}

/// Signs out every other session of the account (not those recovering a password); needs a
/// recent full sign-in, like [`sign_out_session`].
pub async fn sign_out_other_sessions(
    state: &AppState,
    session: &SessionHandle,
) -> Result<(), AppError> {
    let now = state.now();
    let account_id = recently_signed_in(session, now)?;
    let keep = session.id_hash().ok_or(AppError::Unauthorized)?;
    let mut tx = state.db.begin_write().await?;
    sessions::end_other_signed_in_sessions(&mut tx, &account_id, &keep).await?;
    record_revocation(&mut tx, &account_id, now).await?;
    tx.commit().await?;
    tracing::info!(account_id = %account_id, "every other session signed out");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_cursors_are_a_time_and_a_public_id() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(parse_cursor(&format!("17.{id}")), Some((17, id.to_owned())));
        for bad in [
            "",
            "17",
            "x.abc",
            "17.short",
            "17.0123456789abcdef0123456789abcdeg",
        ] {
            assert_eq!(parse_cursor(bad), None, "{bad}");
        }
    }
}
