//! Rows behind codes sent by text message or email: the phones and email-code factors bound to
//! accounts, and every code sent — bound to the session that asked for it, stored only as a keyed
//! MAC, single use, ten minutes, replaced by the next one of its kind.

use super::model::CodeChannel;
use crate::{
    accounts::{
        self,
        history::{self, NewEvent, Origin},
        model::AccountEventKind,
    },
    error::AppError,
    infra::{
        crypto::{self, Keys},
        db::Db,
        outbox::{self, OutgoingEmail},
        sms::OutgoingSms,
    },
    session,
};

/// How long a sent code works.
pub const CODE_TTL_SECS: i64 = 10 * 60;

/// What a sent code proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A second factor for the session that asked (sign-in, confirming it is you, recovery).
    Factor,
    /// That the person holds a new phone (or address) they want to bind.
    Bind,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Factor => "factor",
            Purpose::Bind => "bind",
        }
    }
}

/// A phone or email-code factor bound to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFactor {
    /// Where its codes go.
    pub channel: CodeChannel,
    /// The phone in E.164 form, for texts.
    pub phone: Option<String>,
    /// When it was bound.
    pub confirmed_at: i64,
}

/// The account's verified phone (bound as its text-message factor), if it has one: the only
/// number anything else of the account may text.
pub async fn verified_phone<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    account_id: &str,
) -> Result<Option<String>, AppError> {
    let phone: Option<Option<String>> =
        sqlx::query_scalar("SELECT phone FROM code_factors WHERE account_id = $1 AND channel = $2")
            .bind(account_id)
            .bind(CodeChannel::Text.as_str())
            .fetch_optional(executor)
            .await?;
    Ok(phone.flatten())
}

/// The account's phone and email-code factors.
pub async fn factors(db: &Db, account_id: &str) -> Result<Vec<CodeFactor>, AppError> {
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT channel, phone, confirmed_at FROM code_factors WHERE account_id = $1 ORDER BY channel DESC",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(channel, phone, confirmed_at)| {
            let channel = CodeChannel::parse(&channel)
                .ok_or_else(|| AppError::internal("stored code channel unknown"))?;
            Ok(CodeFactor {
                channel,
                phone,
                confirmed_at,
            })
        })
        .collect()
}

/// A code about to be sent.
#[derive(Debug, Clone, Copy)]
pub struct NewCode<'a> {
    /// The account it is for.
    pub account_id: &'a str,
    /// The session that asked for it (the only one that can use it).
    pub session_id_hash: &'a str,
    /// Where it goes.
    pub channel: CodeChannel,
    /// What it proves.
    pub purpose: Purpose,
    /// The phone it goes to, for texts.
    pub phone: Option<&'a str>,
}

/// The message carrying a code, as its channel sends it.
pub enum CodeMessage {
    /// An email to the account's address.
    Email(OutgoingEmail),
    /// A text message.
    Text(OutgoingSms),
}

fn code_hash(keys: &Keys, id: &str, code: &str) -> String {
    keys.mac_hex(format!("sent-code|{id}|{code}").as_bytes())
}

/// Stores `code` (as a keyed MAC) for `new` and queues `message` with it, in one transaction that
/// first removes the session's unused code of the same channel and purpose (a resend replaces).
pub async fn insert(
    db: &Db,
    keys: &Keys,
    new: &NewCode<'_>,
    code: &str,
    message: &CodeMessage,
    now: i64,
) -> Result<(), AppError> {
    let id = crypto::random_hex(16);
    let mut tx = db.begin_write().await?;
    // Two sends at once (PostgreSQL runs writers side by side) must not both leave a live code.
    accounts::store::lock(db, &mut tx, new.account_id).await?;
    sqlx::query(
        "DELETE FROM sent_codes
         WHERE session_id_hash = $1 AND channel = $2 AND purpose = $3 AND used_at IS NULL",
    )
    .bind(new.session_id_hash)
    .bind(new.channel.as_str())
    .bind(new.purpose.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO sent_codes (id, account_id, session_id_hash, channel, purpose, phone, code_hash,
                                 expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(new.account_id)
    .bind(new.session_id_hash)
    .bind(new.channel.as_str())
    .bind(new.purpose.as_str())
    .bind(new.phone)
    .bind(code_hash(keys, &id, code))
    .bind(now + CODE_TTL_SECS)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    match message {
        CodeMessage::Email(email) => {
            outbox::enqueue(&mut *tx, keys, email, now).await?;
        }
        CodeMessage::Text(sms) => {
            let key = format!("sent-code:{id}");
            outbox::enqueue_for_event(&mut *tx, keys, "sms", sms, &key, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A code that matched and is now used up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    /// Where it was sent.
    pub channel: CodeChannel,
    /// The phone it was sent to, for texts.
    pub phone: Option<String>,
}

/// Which sent code a typed one is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// The session that must have asked for it.
    pub session_id_hash: &'a str,
    /// The account it was sent for.
    pub account_id: &'a str,
    /// Its channel, or `None` for either.
    pub channel: Option<CodeChannel>,
    /// What it proves.
    pub purpose: Purpose,
}

/// Uses up the session's unused, unexpired code that is `wanted` and equals `code`; `None` when
/// there is none. Marking it used is conditional, so two requests with one code cannot both pass.
pub async fn redeem(
    db: &Db,
    keys: &Keys,
    wanted: Wanted<'_>,
    code: &str,
    now: i64,
) -> Result<Option<Redeemed>, AppError> {
    let Wanted {
        session_id_hash,
        account_id,
        channel,
        purpose,
    } = wanted;
    let rows: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, channel, phone, code_hash FROM sent_codes
         WHERE session_id_hash = $1 AND account_id = $2 AND purpose = $3 AND used_at IS NULL
           AND expires_at > $4",
    )
    .bind(session_id_hash)
    .bind(account_id)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    for (id, stored_channel, phone, stored_hash) in rows {
        let stored_channel = CodeChannel::parse(&stored_channel)
            .ok_or_else(|| AppError::internal("stored code channel unknown"))?;
        if channel.is_some_and(|wanted| wanted != stored_channel) {
            continue;
        }
        let expected = code_hash(keys, &id, code);
        if !crypto::constant_time_eq(expected.as_bytes(), stored_hash.as_bytes()) {
            continue;
        }
        let used =
            sqlx::query("UPDATE sent_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(now)
                .bind(&id)
                .execute(&db.pool)
                .await?;
        if used.rows_affected() == 1 {
            return Ok(Some(Redeemed {
                channel: stored_channel,
                phone,
            }));
        }
    }
    Ok(None)
}

/// The channel of the session's latest unused, unexpired second-factor code, if one is waiting.
pub async fn waiting_channel(
    db: &Db,
    session_id_hash: &str,
    now: i64,
) -> Result<Option<CodeChannel>, AppError> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT channel FROM sent_codes
         WHERE session_id_hash = $1 AND purpose = 'factor' AND used_at IS NULL AND expires_at > $2
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(session_id_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.as_deref().and_then(CodeChannel::parse))
}

/// Binding a proven phone or email-code factor to an account.
pub struct CodeBinding<'a> {
    /// The account.
    pub account_id: &'a str,
    /// The factor's channel.
    pub channel: CodeChannel,
    /// The proven phone, for texts.
    pub phone: Option<&'a str>,
    /// The session doing it (the only one of the account that survives).
    pub keep_session: &'a str,
    /// The notice to the account's address.
    pub notice: &'a OutgoingEmail,
    /// The text for the phone being replaced, if a phone is.
    pub old_phone_text: &'a str,
    /// Where the request came from, for the account history.
    pub origin: &'a Origin,
}

/// Binds (or, for a phone, replaces) the factor in one transaction that also ends the account's
/// other sessions, marks it enrolled, queues the notices (to the old phone too) and records the
/// history entry. Refused (`Unauthorized`) if the binding session was ended meanwhile, so a
/// session that another change signed out cannot undo it.
pub async fn bind(
    db: &Db,
    keys: &Keys,
    binding: CodeBinding<'_>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    accounts::store::lock(db, &mut tx, binding.account_id).await?;
    let alive: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM sessions WHERE id_hash = $1 AND account_id = $2")
            .bind(binding.keep_session)
            .bind(binding.account_id)
            .fetch_optional(&mut *tx)
            .await?;
    if alive.is_none() {
        tx.rollback().await?;
        return Err(AppError::Unauthorized);
    }
    let old_phone: Option<String> =
        sqlx::query_scalar("SELECT phone FROM code_factors WHERE account_id = $1 AND channel = $2")
            .bind(binding.account_id)
            .bind(binding.channel.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .flatten()
            .filter(|old: &String| Some(old.as_str()) != binding.phone);
    sqlx::query(
        "INSERT INTO code_factors (account_id, channel, phone, confirmed_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (account_id, channel) DO UPDATE SET phone = $3, confirmed_at = $4, updated_at = $4",
    )
    .bind(binding.account_id)
    .bind(binding.channel.as_str())
    .bind(binding.phone)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    session::store::end_other_sessions(&mut tx, binding.account_id, binding.keep_session).await?;
    accounts::store::mark_enrolled(&mut tx, binding.account_id, now).await?;
    accounts::factor_lockout::lift(&mut *tx, binding.account_id, binding.channel.method()).await?;
    outbox::enqueue(&mut *tx, keys, binding.notice, now).await?;
    if let Some(old_phone) = old_phone {
        let sms = OutgoingSms {
            to: old_phone,
            body: binding.old_phone_text.to_owned(),
        };
        let key = format!("phone-replaced:{}", crypto::random_hex(16));
        outbox::enqueue_for_event(&mut *tx, keys, "sms", &sms, &key, now).await?;
    }
    let event = NewEvent {
        account_id: binding.account_id,
        kind: AccountEventKind::FactorAdded,
        method: Some(binding.channel.method()),
        origin: binding.origin,
    };
    history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}
