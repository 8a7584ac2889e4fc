//! Editing personal details and changing the sign-in address. A new address counts only once a
//! code sent to it comes back; the old address is told, every other session ends and reset links
//! sent to the old address stop working.

use super::{
    emails,
    model::{Date, DetailsForm, EmailChangeStatus, PersonalDetails},
    store::{self, NewChange},
    texts::ProfileMsg,
};
use crate::{
    accounts::{
        history::{self, NewEvent, Origin},
        model::{AccountEventKind, Email, OneTimeCode},
        service as accounts_service, store as accounts,
        texts::AccountsMsg,
    },
    error::AppError,
    infra::{
        crypto,
        db::is_unique_violation,
        outbox,
        rate_limit::{self, Limit},
        request::client_ip,
        state::AppState,
    },
    mfa::code_factors::{SENDS_PER_IP, SENDS_SHORT_TERM},
    session::{
        access::{recently_signed_in, signed_in_account},
        store::{end_other_sessions, SessionHandle},
    },
};

/// How long an emailed code for a new address works.
pub const CODE_TTL_SECS: i64 = 10 * 60;

/// Codes tried after which a change dies (the address must be entered again).
pub const TRIES_BEFORE_CHANGE_DIES: i64 = 5;

/// Codes one account may try in a day, and that may be tried for one new address, across
/// restarted changes: starting again gives a change five new tries, not a guesser new days.
pub const TRIES_PER_DAY: Limit = Limit {
    max: 10,
    window_secs: 86_400,
};

/// Codes and notices one new address may be sent in a day, whichever accounts ask.
pub const SENDS_TO_ONE_ADDRESS_PER_DAY: Limit = Limit {
    max: 10,
    window_secs: 86_400,
};

/// The latest date of birth accepted at `now`: today where the day begins first (UTC+14), so
/// nobody born today anywhere is refused.
pub fn latest_birth_date(now: i64) -> Date {
    Date::from_unix(now + 14 * 3600)
}

fn code_hash(state: &AppState, change_id: &str, code: &str) -> String {
    state
        .keys
        .mac_hex(format!("email-change-code|{change_id}|{code}").as_bytes())
}

/// Names a new address in rate-limit buckets without storing it.
fn destination_key(state: &AppState, email: &str) -> String {
    state
        .keys
        .mac_hex(format!("email-change-to|{email}").as_bytes())
}

/// The signed-in account's personal details.
pub async fn details(
    state: &AppState,
    session: &SessionHandle,
) -> Result<PersonalDetails, AppError> {
    let account_id = signed_in_account(session)?;
    store::details(&state.db, &account_id).await
}

/// Saves the signed-in account's personal details (every field checked first), records it in
/// the history and tells the account's address (paper notices follow the mailing address).
pub async fn save_details(
    state: &AppState,
    session: &SessionHandle,
    form: &DetailsForm,
) -> Result<(), AppError> {
    let account_id = signed_in_account(session)?;
    let now = state.now();
    let details = form.parse(latest_birth_date(now))?;
    let account = accounts::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let locale = accounts::locale_of(&state.db, &account_id).await?;
    let notice = emails::details_changed(locale, &account.email);
    let mut tx = state.db.begin_write().await?;
    if !accounts::lock(&state.db, &mut tx, &account_id).await? {
        return Err(AppError::Unauthorized);
    }
    store::save_details(&mut *tx, &account_id, &details, now).await?;
    let event = NewEvent {
        account_id: &account_id,
        kind: AccountEventKind::DetailsChanged,
        method: None,
        origin: &Origin::current(),
    };
    history::record(&mut *tx, &event, now).await?;
    outbox::enqueue(&mut *tx, &state.keys, &notice, now).await?;
    tx.commit().await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, "personal details saved");
    Ok(())
}

/// The sign-in address and the new one waiting for its code, if its code still works.
pub async fn email_change_status(
    state: &AppState,
    session: &SessionHandle,
) -> Result<EmailChangeStatus, AppError> {
    let account_id = signed_in_account(session)?;
    let account = accounts::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let now = state.now();
    let pending = store::pending_change(&state.db, &account_id)
        .await?
        .filter(|c| c.expires_at > now && c.tries < TRIES_BEFORE_CHANGE_DIES)
        .map(|c| c.new_email);
    Ok(EmailChangeStatus {
        current: account.email,
        pending,
    })
}

/// Starts moving the account to `new_email` (after a recent full sign-in): emails a code to it.
/// An address that already has an account gets a message saying so instead, and the answer here
/// is the same, so this cannot be used to learn who has an account.
pub async fn start_email_change(
    state: &AppState,
    session: &SessionHandle,
    new_email: &str,
) -> Result<(), AppError> {
    let now = state.now();
    let account_id = recently_signed_in(session, now)?;
    let email = Email::parse(new_email).map_err(|m| AppError::field("new_email", m))?;
    let account = accounts::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if email.as_str() == account.email {
        return Err(AppError::field("new_email", ProfileMsg::SameEmail.into()));
    }
    let ip = client_ip()?;
    let destination = destination_key(state, email.as_str());
    for (bucket, limit) in [
        (
            format!("email_change_send:ip:{}", rate_limit::ip_key(ip)),
            SENDS_PER_IP,
        ),
        (
            format!("email_change_send_now:{account_id}"),
            SENDS_SHORT_TERM,
        ),
        (
            format!("email_change_send:{account_id}"),
            rate_limit::EMAIL_CODE_SENDS,
        ),
        (
            format!("email_change_to:{destination}"),
            rate_limit::EMAIL_CODE_SENDS,
        ),
        (
            format!("email_change_to_day:{destination}"),
            SENDS_TO_ONE_ADDRESS_PER_DAY,
        ),
    ] {
        rate_limit::hit(state, &bucket, limit).await?;
    }
    let locale = accounts::locale_of(&state.db, &account_id).await?;
    let id = crypto::random_hex(16);
    let code = accounts_service::new_email_code();
    let mut tx = state.db.begin_write().await?;
    let (hash, message) = if accounts::email_taken(&mut tx, email.as_str()).await? {
        // A code nobody is sent: the change can never be confirmed.
        let unsent = accounts_service::new_email_code();
        (
            code_hash(state, &crypto::random_hex(16), &unsent),
            emails::address_taken(locale, email.as_str()),
        )
    } else {
        (
            code_hash(state, &id, &code),
            emails::change_code(locale, email.as_str(), &code, CODE_TTL_SECS / 60),
        )
    };
    let change = NewChange {
        account_id: &account_id,
        id: &id,
        new_email: email.as_str(),
        code_hash: &hash,
        expires_at: now + CODE_TTL_SECS,
    };
    store::replace_change(&mut tx, &change, now).await?;
    // The current address hears of it now, while the change can still be stopped by changing
    // the password (which ends the session that asked).
    let warning = emails::change_asked(locale, &account.email, email.as_str());
    for message in [message, warning] {
        outbox::enqueue(&mut *tx, &state.keys, &message, now).await?;
    }
    tx.commit().await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, "email change started");
    Ok(())
}

/// Finishes the change with the emailed `code` (after a recent full sign-in). In one
/// transaction: the address changes, the code is used up, reset links and every other session
/// end, the history records it and both addresses are told.
pub async fn confirm_email_change(
    state: &AppState,
    session: &SessionHandle,
    code: &str,
) -> Result<(), AppError> {
    let now = state.now();
    let account_id = recently_signed_in(session, now)?;
    let code = OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    rate_limit::hit(
        state,
        &format!("email_change_verify:{account_id}"),
        rate_limit::EMAIL_CODE_ATTEMPTS,
    )
    .await?;
    let invalid = || AppError::field("code", AccountsMsg::CodeInvalid.into());
    let change = store::pending_change(&state.db, &account_id)
        .await?
        .ok_or_else(|| AppError::field("code", ProfileMsg::NoChangePending.into()))?;
    let destination = destination_key(state, &change.new_email);
    for bucket in [
        format!("email_change_try:{account_id}"),
        format!("email_change_try_to:{destination}"),
    ] {
        rate_limit::hit(state, &bucket, TRIES_PER_DAY).await?;
    }
    let counted =
        store::count_try(&state.db, &account_id, &change.id, TRIES_BEFORE_CHANGE_DIES).await?;
    let expected = code_hash(state, &change.id, code.as_str());
    if !counted
        || change.expires_at <= now
        || !crypto::constant_time_eq(change.code_hash.as_bytes(), expected.as_bytes())
    {
        tracing::info!(account_id = %account_id, "wrong, expired or dead email-change code");
        return Err(invalid());
    }
    let account = accounts::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let locale = accounts::locale_of(&state.db, &account_id).await?;
    let keep = session.id_hash().ok_or(AppError::Unauthorized)?;
    let mut tx = state.db.begin_write().await?;
    if !accounts::lock(&state.db, &mut tx, &account_id).await? {
        return Err(AppError::Unauthorized);
    }
    if !store::take_change(&mut tx, &account_id, Some(&change.id)).await? {
        return Err(invalid());
    }
    if let Err(error) = store::update_email(&mut tx, &account_id, &change.new_email, now).await {
        if is_unique_violation(&error) {
            // The address got its own account after the code was sent.
            tx.rollback().await?;
            return Err(invalid());
        }
        return Err(error.into());
    }
    accounts::expire_password_resets(&mut tx, &account_id, now).await?;
    end_other_sessions(&mut tx, &account_id, &keep).await?;
    let event = NewEvent {
        account_id: &account_id,
        kind: AccountEventKind::EmailChanged,
        method: None,
        origin: &Origin::current(),
    };
    history::record(&mut *tx, &event, now).await?;
    for message in [
        emails::changed_from(locale, &account.email, &change.new_email),
        emails::changed_to(locale, &change.new_email),
    ] {
        outbox::enqueue(&mut *tx, &state.keys, &message, now).await?;
    }
    tx.commit().await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, "email address changed");
    Ok(())
}

/// Drops the change waiting for a code, if any.
pub async fn cancel_email_change(
    state: &AppState,
    session: &SessionHandle,
) -> Result<(), AppError> {
    let account_id = signed_in_account(session)?;
    let mut tx = state.db.begin_write().await?;
    store::take_change(&mut tx, &account_id, None).await?;
    tx.commit().await?;
    Ok(())
}
