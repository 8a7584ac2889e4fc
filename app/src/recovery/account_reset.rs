//! "I can't use any of my sign-in methods": a person who still knows the password asks for the
//! account's second factors to be reset. After a waiting period announced by email and text, with
//! a link to cancel (signing in with a factor meanwhile cancels it too), they ask again after the
//! password for a link to finish it, sent to the account's address: the password alone never
//! resets anything. Then the next sign-in sets up a factor again; the account number and cases
//! stay.

use super::{
    account_reset_store::{self as store, Cancel, NewReset},
    emails,
    model::AccountResetStatus,
    texts::{texts, RecoveryMsg},
};
use crate::{
    accounts::{self, history::Origin, model::Role},
    error::AppError,
    i18n::{long_date_time, Locale},
    infra::{crypto, rate_limit, sms::OutgoingSms, state::AppState},
    mfa::sent_codes,
    session::{access::require_step, model::Step, store::SessionHandle},
};
use std::net::IpAddr;

/// Where the emailed link to cancel a reset leads.
pub const CANCEL_PATH: &str = "/account-reset/cancel";
/// Where the emailed link to finish a reset leads.
pub const FINISH_PATH: &str = "/account-reset/finish";
/// How long a finish link works.
const FINISH_LINK_SECS: i64 = 60 * 60;
/// Finish links sent per account per hour.
const FINISH_LINKS_PER_ACCOUNT: rate_limit::Limit = rate_limit::Limit {
    max: 3,
    window_secs: 3600,
};

/// Reset requests per account per week (each sends an email and a text).
const REQUESTS_PER_ACCOUNT: rate_limit::Limit = rate_limit::Limit {
    max: 3,
    window_secs: 7 * 24 * 3600,
};
/// Cancel and finish links followed per client address per hour.
const LINKS_PER_IP: rate_limit::Limit = rate_limit::Limit {
    max: 20,
    window_secs: 3600,
};

fn token_hash(state: &AppState, token: &str) -> String {
    state
        .keys
        .mac_hex(format!("account-reset|{token}").as_bytes())
}

fn link(state: &AppState, path: &str, token: &str) -> String {
    format!(
        "{}{path}?token={token}",
        state.policy.base_url.trim_end_matches('/')
    )
}

/// A token from a link's form: trimmed, or `None` when it cannot be one of ours.
fn plausible_token(token: &str) -> Option<&str> {
    let token = token.trim();
    (!token.is_empty() && token.len() <= 100).then_some(token)
}

/// Cancels the account's open request if the owner signed in with a factor since it was made.
async fn settle(state: &AppState, account_id: &str) -> Result<(), AppError> {
    if store::cancel_if_signed_in_since(&state.db, account_id, &Origin::current(), state.now())
        .await?
    {
        tracing::info!(account_id = %account_id, "account reset cancelled by a full sign-in since");
    }
    Ok(())
}

/// Asks for the reset of the second factors of the account whose password this session proved;
/// returns when it takes effect, in words. Asking again while one is open changes nothing.
pub async fn request(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<String, AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    settle(state, &account_id).await?;
    if accounts::store::role_of(&state.db, &account_id).await? != Some(Role::Applicant) {
        return Err(AppError::field("reset", RecoveryMsg::StaffReset.into()));
    }
    rate_limit::hit(
        state,
        &format!("account_reset_request:{account_id}"),
        REQUESTS_PER_ACCOUNT,
    )
    .await?;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    // The owner is told in their own language, whatever the asker's browser says.
    let owner = accounts::store::locale_of(&state.db, &account_id).await?;
    let now = state.now();
    let effective_at = now + state.policy.account_reset_wait_secs;
    let token = crypto::random_token();
    let when = long_date_time(effective_at, owner);
    let cancel_link = link(state, CANCEL_PATH, &token);
    let notice = emails::account_reset_requested(owner, &account.email, &cancel_link, &when);
    let phone = sent_codes::factors(&state.db, &account_id)
        .await?
        .into_iter()
        .find_map(|factor| factor.phone);
    let text = phone.map(|to| OutgoingSms {
        to,
        body: crate::i18n::fill(texts(owner).account_reset_sms, &[("when", &when)]),
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

/// Where the reset of the account signing in stands.
pub async fn status(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<AccountResetStatus, AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    settle(state, &account_id).await?;
    let open = store::open_for(&state.db, &account_id).await?;
    Ok(AccountResetStatus {
        effective: open
            .as_ref()
            .map(|reset| long_date_time(reset.effective_at, locale)),
        ready: open.is_some_and(|reset| reset.effective_at <= state.now()),
        wait_hours: state.policy.account_reset_wait_secs / 3600,
    })
}

/// Once the waiting period is over: emails the account's address a link that finishes the reset
/// (a new link replaces the last one; it works for an hour), in the owner's language.
pub async fn send_finish_link(state: &AppState, session: &SessionHandle) -> Result<(), AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    settle(state, &account_id).await?;
    rate_limit::hit(
        state,
        &format!("account_reset_finish:{account_id}"),
        FINISH_LINKS_PER_ACCOUNT,
    )
    .await?;
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let now = state.now();
    let token = crypto::random_token();
    let finish_link = link(state, FINISH_PATH, &token);
    let owner = accounts::store::locale_of(&state.db, &account_id).await?;
    let email =
        emails::account_reset_finish(owner, &account.email, &finish_link, FINISH_LINK_SECS / 60);
    let sent = store::set_finish_link(
        &state.db,
        &state.keys,
        &account_id,
        &token_hash(state, &token),
        now + FINISH_LINK_SECS,
        &email,
        now,
    )
    .await?;
    if !sent {
        return Err(AppError::field("reset", RecoveryMsg::ResetNotReady.into()));
    }
    state.wake_outbox();
    tracing::info!(account_id = %account_id, "account reset finish link sent");
    Ok(())
}

/// Follows the emailed finish link: carries the reset out (every second factor and session goes;
/// the owner is told). Signs nobody in.
pub async fn finish_by_link(
    state: &AppState,
    ip: IpAddr,
    locale: Locale,
    token: &str,
) -> Result<(), AppError> {
    rate_limit::hit(
        state,
        &format!("account_reset_link:ip:{}", rate_limit::ip_key(ip)),
        LINKS_PER_IP,
    )
    .await?;
    let dead = || AppError::field("token", RecoveryMsg::FinishLinkInvalid.into());
    let token = plausible_token(token).ok_or_else(dead)?;
    let base_url = state.policy.base_url.clone();
    let account_id = store::carry_out(
        &state.db,
        &state.keys,
        &token_hash(state, token),
        |address| emails::account_reset_done(locale, address, &base_url),
        &Origin::current(),
        state.now(),
    )
    .await?
    .ok_or_else(dead)?;
    state.wake_outbox();
    tracing::warn!(account_id = %account_id, "account reset carried out: every second factor removed");
    Ok(())
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
        &format!("account_reset_link:ip:{}", rate_limit::ip_key(ip)),
        LINKS_PER_IP,
    )
    .await?;
    let dead = || AppError::field("token", RecoveryMsg::CancelLinkInvalid.into());
    let token = plausible_token(token).ok_or_else(dead)?;
    let now = state.now();
    let hash = token_hash(state, token);
    let open = store::open_by_link(&state.db, &hash)
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

/// Recovery proved a factor: an open reset is cancelled and the owner told. Errors are logged;
/// the recovery goes on.
pub async fn cancel_after_recovery(state: &AppState, account_id: &str, locale: Locale) {
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
