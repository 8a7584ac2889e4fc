//! "New sign-in to your account" alerts: a full sign-in from a browser the account has not seen
//! before emails the owner when and on what device it happened, and from which address, with a
//! "This wasn't me" link. The link's token is stored as a keyed hash, works once and for a week;
//! recovery follows it to secure the account.

use super::{devices, history::Origin, store};
use crate::{
    error::AppError,
    i18n::long_date_time,
    infra::{
        crypto::{self, Keys},
        outbox,
        state::AppState,
    },
};
use sqlx::{Any, Transaction};

/// How long a "This wasn't me" link works.
pub const REPORT_LINK_TTL_SECS: i64 = 7 * 24 * 60 * 60;

/// The stored form of a link's token.
pub fn token_hash(keys: &Keys, token: &str) -> String {
    keys.mac_hex(format!("sign-in-alert|{token}").as_bytes())
}

/// Whether the browser's known-device token (its cookie, if it sent one) was issued to this
/// account by an earlier full sign-in.
pub fn known_browser(keys: &Keys, account_id: &str, device_token: Option<&str>) -> bool {
    device_token.is_some_and(|token| devices::recognise(keys, account_id, token).is_some())
}

/// Emails the owner of `account_id` about a full sign-in just made from an unknown browser, in
/// their own language, and stores the token of its "This wasn't me" link.
pub async fn alert_owner(
    state: &AppState,
    account_id: &str,
    origin: &Origin,
    now: i64,
) -> Result<(), AppError> {
    let account = store::find_by_id(&state.db, account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let locale = store::locale_of(&state.db, account_id).await?;
    let token = crypto::random_token();
    let link = format!(
        "{}/sign-in-alert?token={token}",
        state.policy.base_url.trim_end_matches('/')
    );
    let place = origin
        .ip
        .map(|ip| crate::infra::geo::describe(&ip.to_string()));
    let notice = super::emails::new_sign_in(
        locale,
        &account.email,
        &long_date_time(now, locale),
        origin.device.as_deref(),
        place.as_deref(),
        &link,
    );
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO sign_in_alerts (id, account_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(crypto::random_hex(16))
    .bind(account_id)
    .bind(token_hash(&state.keys, &token))
    .bind(now)
    .bind(now + REPORT_LINK_TTL_SECS)
    .execute(&mut *tx)
    .await?;
    outbox::enqueue(&mut *tx, &state.keys, &notice, now).await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Uses up the alert whose link token hashes to `token_hash`, if it is unused and unexpired, in
/// one conditional write inside `tx`; returns its account. Every other open alert of the account
/// is used up with it (one report secures the account once).
pub async fn claim(
    tx: &mut Transaction<'static, Any>,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    let account_id: Option<String> = sqlx::query_scalar(
        "UPDATE sign_in_alerts SET reported_at = $1
         WHERE token_hash = $2 AND reported_at IS NULL AND expires_at > $1
         RETURNING account_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(account_id) = &account_id {
        sqlx::query(
            "UPDATE sign_in_alerts SET reported_at = $1 WHERE account_id = $2 AND reported_at IS NULL",
        )
        .bind(now)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(account_id)
}
