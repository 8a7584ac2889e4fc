//! Texted and emailed codes as second factors: which of them an account may use (email only while
//! nothing stronger is bound, and only if the operator allows it), sending them (throttled against
//! text and mail bombing), checking them at sign-in, and binding a new phone or email codes.

use super::{
    emails,
    model::{phone_ending, CodeChannel},
    sent_codes::{self, CodeBinding, CodeMessage, NewCode, Purpose, Wanted},
    service::{
        complete_sign_in, ensure_on, finish_first_set_up, record_failure, throttle, FactorBudget,
    },
    store,
    texts::{texts, MfaMsg},
};
use crate::{
    accounts::{self, history::Origin, model::OneTimeCode},
    error::AppError,
    i18n::{fill, Locale},
    infra::{
        rate_limit::{self, Limit},
        request::client_ip,
        sms::{normalise_phone, OutgoingSms},
        state::AppState,
    },
    session::{
        access::{recently_signed_in, require_step},
        model::{RecoveryStage, Step},
        store::SessionHandle,
    },
};
use rand::{rngs::OsRng, Rng};

/// Codes one account may be sent within ten seconds (a third request is refused: item 20).
pub const SENDS_SHORT_TERM: Limit = Limit {
    max: 2,
    window_secs: 10,
};
/// Codes one account may be sent in an hour.
pub const SENDS_PER_HOUR: Limit = Limit {
    max: 10,
    window_secs: 3600,
};
/// Codes sent at the request of one client address in five minutes, across accounts.
pub const SENDS_PER_IP: Limit = Limit {
    max: 25,
    window_secs: 300,
};

/// The account's second factors, as sign-in and the security page need them.
#[derive(Debug, Clone, Default)]
pub struct AccountFactors {
    /// When the authentication app was bound.
    pub app_added: Option<i64>,
    /// The phone for texts and when it was bound.
    pub phone: Option<(String, i64)>,
    /// When email codes were turned on.
    pub email_added: Option<i64>,
    /// How many passkeys and security keys the account has.
    pub passkeys: i64,
}

impl AccountFactors {
    /// Whether the account has a factor stronger than email codes.
    pub fn has_strong_factor(&self) -> bool {
        self.app_added.is_some() || self.phone.is_some() || self.passkeys > 0
    }

    /// Whether codes on `channel` can be used by this account on this service now.
    pub fn offers(&self, state: &AppState, channel: CodeChannel) -> bool {
        match channel {
            CodeChannel::Text => self.phone.is_some() && state.sms.enabled(),
            // The `email_codes` switch stops new set-ups only: an account that already relies on
            // email codes keeps them (else it could never sign in again).
            CodeChannel::Email => self.email_added.is_some() && !self.has_strong_factor(),
        }
    }
}

/// Reads the account's factors.
pub async fn account_factors(
    state: &AppState,
    account_id: &str,
) -> Result<AccountFactors, AppError> {
    let mut factors = AccountFactors {
        app_added: store::authenticator_confirmed_at(&state.db, account_id).await?,
        // Passkeys count only where this service can check them (its address has a domain
        // name); elsewhere the account's other methods stay in use.
        passkeys: if super::passkeys::relying_party(state).is_some() {
            super::passkey_store::count(&state.db, account_id).await?
        } else {
            0
        },
        ..AccountFactors::default()
    };
    for factor in sent_codes::factors(&state.db, account_id).await? {
        match (factor.channel, factor.phone) {
            (CodeChannel::Text, Some(phone)) => factors.phone = Some((phone, factor.confirmed_at)),
            (CodeChannel::Email, _) => factors.email_added = Some(factor.confirmed_at),
            (CodeChannel::Text, None) => {}
        }
    }
    Ok(factors)
}

fn new_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// Counts one code sent for `account_id` (to `phone`, for texts) against the per-address,
/// per-account and per-number limits. `hour_scope` names the hourly allowance: the account's, or a
/// recovery session's own, so that someone who knows the password and uses up the account's
/// cannot keep the owner's recovery from getting codes.
async fn throttle_sends(
    state: &AppState,
    account_id: &str,
    hour_scope: &str,
    phone: Option<&str>,
) -> Result<(), AppError> {
    let ip = client_ip()?;
    rate_limit::hit(
        state,
        &format!("code_send:ip:{}", rate_limit::ip_key(ip)),
        SENDS_PER_IP,
    )
    .await?;
    rate_limit::hit(state, &format!("code_send:{account_id}"), SENDS_SHORT_TERM).await?;
    rate_limit::hit(
        state,
        &format!("code_send_hour:{hour_scope}"),
        SENDS_PER_HOUR,
    )
    .await?;
    if let Some(phone) = phone {
        // One number, whichever accounts and addresses ask (text bombing, SMS pumping).
        let number = state.keys.mac_hex(format!("phone|{phone}").as_bytes());
        rate_limit::hit(
            state,
            &format!("code_send:phone:{number}"),
            SENDS_SHORT_TERM,
        )
        .await?;
        rate_limit::hit(
            state,
            &format!("code_send_hour:phone:{number}"),
            SENDS_PER_HOUR,
        )
        .await?;
    }
    Ok(())
}

fn unavailable() -> AppError {
    AppError::field("code", MfaMsg::MethodUnavailable.into())
}

fn invalid_code() -> AppError {
    AppError::field("code", MfaMsg::SentCodeInvalid.into())
}

/// Sends the code `new` describes to the phone or the account's address and keeps it for the
/// session; `hour_scope` as for [`throttle_sends`].
async fn send(
    state: &AppState,
    new: NewCode<'_>,
    locale: Locale,
    hour_scope: &str,
) -> Result<(), AppError> {
    let NewCode {
        account_id,
        channel,
        phone,
        ..
    } = new;
    throttle_sends(state, account_id, hour_scope, phone).await?;
    let code = new_code();
    let message = match (channel, phone) {
        (CodeChannel::Text, Some(phone)) => CodeMessage::Text(OutgoingSms {
            to: phone.to_owned(),
            body: fill(texts(locale).code_sms, &[("code", &code)]),
        }),
        (CodeChannel::Text, None) => return Err(unavailable()),
        (CodeChannel::Email, _) => {
            let account = accounts::store::find_by_id(&state.db, account_id)
                .await?
                .ok_or(AppError::Unauthorized)?;
            CodeMessage::Email(emails::code(locale, &account.email, &code))
        }
    };
    sent_codes::insert(&state.db, &state.keys, &new, &code, &message, state.now()).await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, channel = channel.as_str(), "one-time code sent");
    Ok(())
}

/// The account and step of a session that may be sent a second-factor code: signing in,
/// signed in (to confirm it is them), or at the second-factor step of a recovery.
fn second_step_account(session: &SessionHandle) -> Result<(String, Step), AppError> {
    let state = session.state().ok_or(AppError::Unauthorized)?;
    let step = Step::of(Some(&state));
    match (step, state.account_id()) {
        (
            Step::AwaitingSecondFactor
            | Step::SignedIn
            | Step::Recovering(RecoveryStage::SecondFactor),
            Some(account_id),
        ) => Ok((account_id.to_owned(), step)),
        _ => Err(AppError::Unauthorized),
    }
}

/// Whether a second-factor code on `channel` may be sent at `step`. Recovery starts from an
/// emailed link, so an emailed code would prove the same mailbox twice: it needs another factor.
fn usable(state: &AppState, factors: &AccountFactors, step: Step, channel: CodeChannel) -> bool {
    factors.offers(state, channel)
        && !(matches!(step, Step::Recovering(_)) && channel == CodeChannel::Email)
}

/// The channels this session's account can be sent a second-factor code on.
pub async fn code_channels(
    state: &AppState,
    session: &SessionHandle,
) -> Result<Vec<CodeChannel>, AppError> {
    let (account_id, step) = second_step_account(session)?;
    let factors = account_factors(state, &account_id).await?;
    Ok([CodeChannel::Text, CodeChannel::Email]
        .into_iter()
        .filter(|channel| usable(state, &factors, step, *channel))
        .collect())
}

/// Sends a second-factor code for this session — while signing in, confirming it is them, or
/// recovering a password — to the account's phone or address. Returns the session's step.
pub async fn send_factor_code(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    channel: CodeChannel,
) -> Result<Step, AppError> {
    let (account_id, step) = second_step_account(session)?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let factors = account_factors(state, &account_id).await?;
    if !usable(state, &factors, step, channel) {
        return Err(unavailable());
    }
    let phone = factors.phone.as_ref().map(|(phone, _)| phone.as_str());
    let new = NewCode {
        account_id: &account_id,
        session_id_hash: &session_id,
        channel,
        purpose: Purpose::Factor,
        phone: phone.filter(|_| channel == CodeChannel::Text),
    };
    let hour_scope = match step {
        Step::Recovering(_) => format!("recovery:{session_id}"),
        _ => account_id.clone(),
    };
    send(state, new, locale, &hour_scope).await?;
    Ok(step)
}

/// The second sign-in step with a texted or emailed code.
pub async fn verify_sign_in(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    channel: CodeChannel,
    code: &str,
) -> Result<(), AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let code = OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    if !account_factors(state, &account_id)
        .await?
        .offers(state, channel)
    {
        return Err(unavailable());
    }
    throttle(state, &account_id, FactorBudget::Account).await?;
    ensure_on(state, &account_id, channel.method(), FactorBudget::Account).await?;
    let wanted = Wanted {
        session_id_hash: &session_id,
        account_id: &account_id,
        channel: Some(channel),
        purpose: Purpose::Factor,
    };
    let redeemed =
        sent_codes::redeem(&state.db, &state.keys, wanted, code.as_str(), state.now()).await?;
    if redeemed.is_none() {
        tracing::info!(account_id = %account_id, channel = channel.as_str(), "wrong, expired or used sent code");
        let error = invalid_code();
        record_failure(state, &account_id, locale, channel.method(), &error).await;
        return Err(error);
    }
    complete_sign_in(state, session, account_id, channel.method()).await
}

/// Uses up the second-factor code this session was sent on `channel` if `code` is it; for flows
/// that take any second factor (confirming it is you, recovery), after the attempt was counted.
pub async fn redeem_factor_code(
    state: &AppState,
    session_id_hash: &str,
    account_id: &str,
    channel: CodeChannel,
    code: &str,
    budget: FactorBudget<'_>,
) -> Result<(), AppError> {
    ensure_on(state, account_id, channel.method(), budget).await?;
    let wanted = Wanted {
        session_id_hash,
        account_id,
        channel: Some(channel),
        purpose: Purpose::Factor,
    };
    match sent_codes::redeem(&state.db, &state.keys, wanted, code, state.now()).await? {
        Some(_) => Ok(()),
        None => Err(invalid_code()),
    }
}

/// The account of a session that may bind a factor: one setting up its first factor, or one
/// signed in recently; and its step.
pub(super) fn binding_session(
    session: &SessionHandle,
    now: i64,
) -> Result<(String, Step), AppError> {
    match require_step(session, Step::EnrollingTotp) {
        Ok(account_id) => Ok((account_id, Step::EnrollingTotp)),
        Err(_) => recently_signed_in(session, now).map(|account_id| (account_id, Step::SignedIn)),
    }
}

/// Starts binding a phone (`phone` as typed) or email codes: sends a code to prove it.
pub async fn start_binding(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    channel: CodeChannel,
    phone: Option<&str>,
) -> Result<Step, AppError> {
    let (account_id, step) = binding_session(session, state.now())?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let phone = match channel {
        CodeChannel::Text => {
            if !state.sms.enabled() {
                return Err(unavailable());
            }
            let typed = phone.unwrap_or_default();
            Some(
                normalise_phone(typed)
                    .ok_or_else(|| AppError::field("phone", MfaMsg::PhoneInvalid.into()))?,
            )
        }
        CodeChannel::Email => {
            // Only as a first factor: once the account has anything, email codes add nothing.
            if !state.policy.email_codes || step != Step::EnrollingTotp {
                return Err(unavailable());
            }
            None
        }
    };
    let new = NewCode {
        account_id: &account_id,
        session_id_hash: &session_id,
        channel,
        purpose: Purpose::Bind,
        phone: phone.as_deref(),
    };
    send(state, new, locale, &account_id).await?;
    Ok(step)
}

/// Binds the phone or email codes proven by `code` (a binding needs a recent sign-in or a first
/// set-up): the other sessions end, the owner is told, and a first set-up signs the person in.
pub async fn confirm_binding(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    channel: CodeChannel,
    code: &str,
) -> Result<Step, AppError> {
    let now = state.now();
    let (account_id, step) = binding_session(session, now)?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let code = OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    throttle(state, &account_id, FactorBudget::Account).await?;
    let wanted = Wanted {
        session_id_hash: &session_id,
        account_id: &account_id,
        channel: Some(channel),
        purpose: Purpose::Bind,
    };
    let Some(redeemed) =
        sent_codes::redeem(&state.db, &state.keys, wanted, code.as_str(), now).await?
    else {
        tracing::info!(account_id = %account_id, "wrong, expired or used binding code");
        return Err(invalid_code());
    };
    let account = accounts::store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let notice = match &redeemed.phone {
        Some(phone) => emails::phone_added(locale, &account.email, &phone_ending(phone)),
        None => emails::email_codes_added(locale, &account.email),
    };
    let binding = CodeBinding {
        account_id: &account_id,
        channel,
        phone: redeemed.phone.as_deref(),
        keep_session: &session_id,
        notice: &notice,
        old_phone_text: texts(locale).phone_removed_sms,
        origin: &Origin::current(),
    };
    sent_codes::bind(&state.db, &state.keys, binding, now).await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, channel = channel.as_str(), "code factor bound");
    if step == Step::EnrollingTotp {
        finish_first_set_up(state, session, account_id, now).await?;
    }
    Ok(step)
}
