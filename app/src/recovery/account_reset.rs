//! "I can't use any of my sign-in methods": a person who still knows the password asks for the
//! account's second factors to be reset. It happens only after a waiting period announced by email
//! and text, with a link to cancel; signing in with a factor meanwhile cancels it too. Then the
//! next sign-in sets up a factor again; the account number and cases stay.

use super::{
    account_reset_store::{self as store, Cancel, NewReset},
    emails,
    texts::{texts, RecoveryMsg},
};
use crate::{
    accounts::{self, history::Origin},
    error::AppError,
    i18n::{long_date_time, Locale},
    infra::{crypto, rate_limit, sms::OutgoingSms, state::AppState},
    mfa::sent_codes,
    session::{access::require_step, model::Step, store::SessionHandle},
};
use std::net::IpAddr;

/// Where the emailed link to cancel a reset leads.
pub const CANCEL_PATH: &str = "/account-reset/cancel";

/// Openings of cancel links per client address per hour.
const CANCELS_PER_IP: rate_limit::Limit = rate_limit::Limit {
    max: 20,
    window_secs: 3600,
};

fn token_hash(state: &AppState, token: &str) -> String {
    state
        .keys
        .mac_hex(format!("account-reset|{token}").as_bytes())
}

fn wait_hours(state: &AppState) -> i64 {
    state.policy.account_reset_wait_secs / 3600
}

/// Asks for the reset of the second factors of the account whose password this session proved;
/// returns when it takes effect, in words. Asking again while one is open changes nothing.
pub async fn request(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<String, AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let now = state.now();
    let effective_at = now + state.policy.account_reset_wait_secs;
    let token = crypto::random_token();
    let link = format!(
        "{}{CANCEL_PATH}?token={token}",
        state.policy.base_url.trim_end_matches('/')
    );
    let when = long_date_time(effective_at, locale);
    let notice = emails::account_reset_requested(locale, &account.email, &link, &when);
    let phone = sent_codes::factors(&state.db, &account_id)
        .await?
        .into_iter()
        .find_map(|factor| factor.phone);
    let text = phone.map(|to| OutgoingSms {
        to,
        body: crate::i18n::fill(texts(locale).account_reset_sms, &[("when", &when)]),
    });
    let reset = NewReset {
        account_id: &account_id,
        cancel_token_hash: &token_hash(state, &token),
        effective_at,
        notice: &notice,
        text: text.as_ref(),
        origin: &Origin::current(),
    };
    let effective_at = store::request(&state.db, &state.keys, reset, now).await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, effective_at, "account reset requested");
    Ok(long_date_time(effective_at, locale))
}

/// When the open reset of the account signing in takes effect, in words, if one is open.
pub async fn pending(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<Option<String>, AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    Ok(store::open_for(&state.db, &account_id)
        .await?
        .map(|reset| long_date_time(reset.effective_at, locale)))
}

/// Cancels the open reset whose emailed link carried `token`; the owner is told.
pub async fn cancel_by_link(
    state: &AppState,
    ip: IpAddr,
    locale: Locale,
    token: &str,
) -> Result<(), AppError> {
    rate_limit::hit(
        state,
        &format!("account_reset_cancel:ip:{}", rate_limit::ip_key(ip)),
        CANCELS_PER_IP,
    )
    .await?;
    let dead = || AppError::field("token", RecoveryMsg::CancelLinkInvalid.into());
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(dead());
    }
    let now = state.now();
    let hash = token_hash(state, token);
    let open = store::open_by_link(&state.db, &hash, now)
        .await?
        .ok_or_else(dead)?;
    let account = accounts::store::find_by_id(&state.db, &open.account_id)
        .await?
        .ok_or_else(dead)?;
    let notice = emails::account_reset_cancelled(locale, &account.email);
    store::cancel(
        &state.db,
        &state.keys,
        Cancel::ByLink(&hash),
        &notice,
        &Origin::current(),
        now,
    )
    .await?
    .ok_or_else(dead)?;
    state.wake_outbox();
    tracing::info!(account_id = %account.id, "account reset cancelled by its link");
    Ok(())
}

/// A full sign-in proves the owner still has a factor: an open reset is cancelled and they are
/// told. Errors are logged; the sign-in goes on.
pub async fn cancel_on_sign_in(state: &AppState, account_id: &str, locale: Locale) {
    let result = async {
        if store::open_for(&state.db, account_id).await?.is_none() {
            return Ok(false);
        }
        let Some(account) = accounts::store::find_by_id(&state.db, account_id).await? else {
            return Ok(false);
        };
        let notice = emails::account_reset_cancelled(locale, &account.email);
        let cancelled = store::cancel(
            &state.db,
            &state.keys,
            Cancel::BySignIn(account_id),
            &notice,
            &Origin::current(),
            state.now(),
        )
        .await?;
        Ok::<_, AppError>(cancelled.is_some())
    }
    .await;
    match result {
        Ok(true) => {
            state.wake_outbox();
            tracing::info!(account_id = %account_id, "account reset cancelled by a full sign-in");
        }
        Ok(false) => {}
        Err(error) => tracing::error!(%error, "could not cancel an account reset"),
    }
}

/// After the password: carries out the account's reset if it is due (its factors go, so the
/// sign-in continues with setting one up). True if it did.
pub async fn carry_out_if_due(
    state: &AppState,
    session: &SessionHandle,
    account: &accounts::store::AccountRow,
    locale: Locale,
) -> Result<bool, AppError> {
    let now = state.now();
    match store::open_for(&state.db, &account.id).await? {
        Some(reset) if reset.effective_at <= now => {}
        _ => return Ok(false),
    }
    let keep = session.id_hash().unwrap_or_default();
    let notice = emails::account_reset_done(locale, &account.email, &state.policy.base_url);
    let done = store::carry_out_if_due(
        &state.db,
        &state.keys,
        &account.id,
        &keep,
        &notice,
        &Origin::current(),
        now,
    )
    .await?;
    if done {
        state.wake_outbox();
        tracing::warn!(account_id = %account.id, wait_hours = wait_hours(state), "account reset carried out: every second factor removed");
    }
    Ok(done)
}
