//! Account resets in the database: at most one open request per account, cancelled by its
//! emailed link or a full sign-in, and carried out through its finish link in one transaction that
//! removes every second factor and ends every session.

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
};
use sqlx::{Any, Transaction};

/// An open reset request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenReset {
    /// Row id.
    pub id: String,
    /// The account.
    pub account_id: String,
    /// When it takes effect.
    pub effective_at: i64,
}

/// A sign-in with a factor after the request proves the owner still has one. Such a request is
/// cancelled whenever it is looked at ([`cancel_if_signed_in_since`]) and can never be carried
/// out, so the sign-in itself need not know about resets.
const SIGNED_IN_SINCE: &str = "EXISTS (SELECT 1 FROM account_events e
     WHERE e.account_id = account_resets.account_id AND e.kind = 'signed_in'
       AND e.occurred_at >= account_resets.requested_at)";

/// Cancels the account's open request if the owner signed in with a factor since it was made,
/// and records that. True if it did.
pub async fn cancel_if_signed_in_since(
    db: &Db,
    account_id: &str,
    origin: &Origin,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    let cancelled: Option<String> = sqlx::query_scalar(&format!(
        "UPDATE account_resets SET cancelled_at = $1
         WHERE account_id = $2 AND cancelled_at IS NULL AND completed_at IS NULL AND {SIGNED_IN_SINCE}
         RETURNING id"
    ))
    .bind(now)
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    if cancelled.is_none() {
        tx.rollback().await?;
        return Ok(false);
    }
    record(
        &mut tx,
        account_id,
        AccountEventKind::AccountResetCancelled,
        origin,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The account's open reset request, if it has one.
pub async fn open_for(db: &Db, account_id: &str) -> Result<Option<OpenReset>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, account_id, effective_at FROM account_resets
         WHERE account_id = $1 AND cancelled_at IS NULL AND completed_at IS NULL",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A new reset request with the notices that announce it.
pub struct NewReset<'a> {
    /// The account.
    pub account_id: &'a str,
    /// Keyed hash of the cancel link's token.
    pub cancel_token_hash: &'a str,
    /// When it takes effect.
    pub effective_at: i64,
    /// The email to the account's address (with the cancel link).
    pub notice: &'a OutgoingEmail,
    /// The text to the account's phone, if it has one.
    pub text: Option<&'a OutgoingSms>,
    /// Where the request came from.
    pub origin: &'a Origin,
}

/// Records a reset request unless the account has one open already (then returns that one's
/// time and sends nothing): under the account's lock, with its notices and history entry.
pub async fn request(db: &Db, keys: &Keys, reset: NewReset<'_>, now: i64) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    accounts::store::lock(db, &mut tx, reset.account_id).await?;
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT effective_at FROM account_resets
         WHERE account_id = $1 AND cancelled_at IS NULL AND completed_at IS NULL",
    )
    .bind(reset.account_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(effective_at) = open {
        tx.rollback().await?;
        return Ok(effective_at);
    }
    sqlx::query(
        "INSERT INTO account_resets (id, account_id, cancel_token_hash, requested_at, effective_at, cancelled_at, completed_at)
         VALUES ($1, $2, $3, $4, $5, NULL, NULL)",
    )
    .bind(crypto::random_hex(16))
    .bind(reset.account_id)
    .bind(reset.cancel_token_hash)
    .bind(now)
    .bind(reset.effective_at)
    .execute(&mut *tx)
    .await?;
    outbox::enqueue(&mut *tx, keys, reset.notice, now).await?;
    if let Some(text) = reset.text {
        let key = format!("account-reset:{}", crypto::random_hex(16));
        outbox::enqueue_for_event(&mut *tx, keys, "sms", text, &key, now).await?;
    }
    record(
        &mut tx,
        reset.account_id,
        AccountEventKind::AccountResetRequested,
        reset.origin,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(reset.effective_at)
}

async fn record(
    tx: &mut Transaction<'static, Any>,
    account_id: &str,
    kind: AccountEventKind,
    origin: &Origin,
    now: i64,
) -> Result<(), AppError> {
    let event = NewEvent {
        account_id,
        kind,
        method: None,
        origin,
    };
    history::record(&mut **tx, &event, now).await
}

/// How an open request ends without taking effect.
pub enum Cancel<'a> {
    /// Through the emailed link: the token's keyed hash.
    ByLink(&'a str),
    /// The owner signed in with a second factor meanwhile.
    BySignIn(&'a str),
}

/// The open request (due or not: until it is carried out it can be cancelled) whose cancel link
/// has the token hash `hash`.
pub async fn open_by_link(db: &Db, hash: &str) -> Result<Option<OpenReset>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, account_id, effective_at FROM account_resets
         WHERE cancel_token_hash = $1 AND cancelled_at IS NULL AND completed_at IS NULL",
    )
    .bind(hash)
    .fetch_optional(&db.pool)
    .await?)
}

/// Cancels the open request named by `cancel` (the link works until the reset is carried out);
/// queues `notice` and records it. Returns the account, or `None` if nothing was open.
pub async fn cancel(
    db: &Db,
    keys: &Keys,
    cancel: Cancel<'_>,
    notice: &OutgoingEmail,
    origin: &Origin,
    now: i64,
) -> Result<Option<String>, AppError> {
    let mut tx = db.begin_write().await?;
    let (sql, value) = match cancel {
        Cancel::ByLink(hash) => (
            "UPDATE account_resets SET cancelled_at = $1
             WHERE cancel_token_hash = $2 AND cancelled_at IS NULL AND completed_at IS NULL
             RETURNING account_id",
            hash,
        ),
        Cancel::BySignIn(account_id) => (
            "UPDATE account_resets SET cancelled_at = $1
             WHERE account_id = $2 AND cancelled_at IS NULL AND completed_at IS NULL
             RETURNING account_id",
            account_id,
        ),
    };
    let cancelled: Option<String> = sqlx::query_scalar(sql)
        .bind(now)
        .bind(value)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(account_id) = cancelled else {
        tx.rollback().await?;
        return Ok(None);
    };
    outbox::enqueue(&mut *tx, keys, notice, now).await?;
    record(
        &mut tx,
        &account_id,
        AccountEventKind::AccountResetCancelled,
        origin,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(account_id))
}

/// Gives the account's due request a finish link (replacing an earlier one) and queues the email
/// that carries it, in one transaction. False if no request of the account is due.
pub async fn set_finish_link(
    db: &Db,
    keys: &Keys,
    account_id: &str,
    finish_token_hash: &str,
    expires_at: i64,
    email: &OutgoingEmail,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    let set = sqlx::query(
        "UPDATE account_resets SET finish_token_hash = $1, finish_expires_at = $2
         WHERE account_id = $3 AND cancelled_at IS NULL AND completed_at IS NULL AND effective_at <= $4",
    )
    .bind(finish_token_hash)
    .bind(expires_at)
    .bind(account_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !set {
        tx.rollback().await?;
        return Ok(false);
    }
    outbox::enqueue(&mut *tx, keys, email, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Carries out the due request whose finish link has the token hash `finish_token_hash`: removes
/// the account's authentication app, phone, email codes, passkeys, backup codes and hard stops,
/// marks it as not enrolled (the next sign-in sets up a factor again), ends every session of it,
/// queues `notice(address)` and records it, in one transaction. Returns the account, or `None`
/// if the link is unknown, expired or used.
pub async fn carry_out(
    db: &Db,
    keys: &Keys,
    finish_token_hash: &str,
    notice: impl FnOnce(&str) -> OutgoingEmail,
    origin: &Origin,
    now: i64,
) -> Result<Option<String>, AppError> {
    let mut tx = db.begin_write().await?;
    let done: Option<String> = sqlx::query_scalar(&format!(
        "UPDATE account_resets SET completed_at = $1
         WHERE finish_token_hash = $2 AND finish_expires_at > $1 AND effective_at <= $1
           AND cancelled_at IS NULL AND completed_at IS NULL AND NOT {SIGNED_IN_SINCE}
         RETURNING account_id"
    ))
    .bind(now)
    .bind(finish_token_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(account_id) = done else {
        tx.rollback().await?;
        return Ok(None);
    };
    accounts::store::lock(db, &mut tx, &account_id).await?;
    for table in [
        "totp_authenticators",
        "code_factors",
        "passkeys",
        "backup_codes",
        "factor_failures",
        "sessions",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE account_id = $1"))
            .bind(&account_id)
            .execute(&mut *tx)
            .await?;
    }
    let address: String =
        sqlx::query_scalar("UPDATE accounts SET enrolled_at = NULL WHERE id = $1 RETURNING email")
            .bind(&account_id)
            .fetch_one(&mut *tx)
            .await?;
    outbox::enqueue(&mut *tx, keys, &notice(&address), now).await?;
    record(
        &mut tx,
        &account_id,
        AccountEventKind::AccountResetDone,
        origin,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(account_id))
}
