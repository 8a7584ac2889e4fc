//! "This wasn't me": the owner follows the link of a new-sign-in email and confirms. In one
//! transaction every session of the account ends, the password is turned off (whoever signed in
//! knows it), the history records the report and a password-reset link goes to the account's
//! address, so the way back in is recovery: the mailbox, the security questions and a factor.

use super::{emails, service, store, texts::RecoveryMsg};
use crate::{
    accounts::{
        self, factor_lockout,
        history::{self, NewEvent, Origin},
        model::{AccountEventKind, AuthMethod},
        sign_in_alerts,
    },
    error::AppError,
    infra::{crypto, outbox, rate_limit, state::AppState},
};
use std::net::IpAddr;

/// Where the email's link leads.
pub const REPORT_PATH: &str = "/sign-in-alert";

/// Secures the account whose new-sign-in email carried `token`; a link that is unknown, used or
/// expired changes nothing.
pub async fn report(state: &AppState, ip: IpAddr, token: &str) -> Result<(), AppError> {
    rate_limit::hit(
        state,
        &format!("sign_in_report:ip:{}", rate_limit::ip_key(ip)),
        service::LINKS_PER_IP,
    )
    .await?;
    let dead = || AppError::field("token", RecoveryMsg::ReportLinkInvalid.into());
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(dead());
    }
    let now = state.now();
    let mut tx = state.db.begin_write().await?;
    let hash = sign_in_alerts::token_hash(&state.keys, token);
    let Some(account_id) = sign_in_alerts::claim(&mut tx, &hash, now).await? else {
        tx.rollback().await?;
        return Err(dead());
    };
    accounts::store::lock(&state.db, &mut tx, &account_id).await?;
    let (email, locale): (String, String) =
        sqlx::query_as("SELECT email, locale FROM accounts WHERE id = $1")
            .bind(&account_id)
            .fetch_one(&mut *tx)
            .await?;
    let locale = crate::i18n::Locale::from_tag(&locale).unwrap_or_default();
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(&account_id)
        .execute(&mut *tx)
        .await?;
    factor_lockout::turn_off(&mut *tx, &account_id, AuthMethod::Password, now).await?;
    let reset_token = crypto::random_token();
    store::insert_reset(
        &mut tx,
        Some(&account_id),
        &service::token_hash(state, &reset_token),
        now + service::RESET_LINK_TTL_SECS,
        now,
    )
    .await?;
    let link = format!(
        "{}/reset-password?token={reset_token}",
        state.policy.base_url.trim_end_matches('/')
    );
    let notice = emails::account_secured(
        locale,
        &email,
        &link,
        service::RESET_LINK_TTL_SECS / 60,
        &state.policy.base_url,
    );
    outbox::enqueue(&mut *tx, &state.keys, &notice, now).await?;
    let event = NewEvent {
        account_id: &account_id,
        kind: AccountEventKind::SignInReported,
        method: None,
        origin: &Origin::current(),
    };
    history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    state.wake_outbox();
    tracing::warn!(account_id = %account_id, ip = %ip, "a sign-in was reported as not the owner's: sessions ended, password turned off");
    Ok(())
}
