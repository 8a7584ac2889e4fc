//! Password-reset rows (keyed token hashes, 30-minute, single use) and the one transaction that
//! replaces a password at the end of recovery.

use crate::{
    accounts::history::{self, NewEvent, Origin},
    accounts::model::{AccountEventKind, AuthMethod},
    error::AppError,
    infra::{
        crypto::{self, Keys},
        db::Db,
        outbox::{self, OutgoingEmail},
    },
};
use sqlx::{Any, Transaction};

/// Records a reset request inside the caller's transaction; `account_id` is `None` for an address
/// with no account (the row makes both cases cost the same and is never usable).
pub async fn insert_reset(
    tx: &mut Transaction<'static, Any>,
    account_id: Option<&str>,
    token_hash: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO password_resets (id, account_id, token_hash, expires_at, used_at, created_at)
         VALUES ($1, $2, $3, $4, NULL, $5)",
    )
    .bind(crypto::random_hex(16))
    .bind(account_id)
    .bind(token_hash)
    .bind(expires_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Uses up the reset named by `token_hash` if it is unused, unexpired and for an account, in one
/// conditional write (two tabs opening one link cannot both start); returns the account.
pub async fn claim_reset(db: &Db, token_hash: &str, now: i64) -> Result<Option<String>, AppError> {
    let claimed: Option<Option<String>> = sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 AND account_id IS NOT NULL
         RETURNING account_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&db.pool)
    .await?;
    Ok(claimed.flatten())
}

/// The account's security questions and answer hashes, in the order they were chosen.
pub async fn security_answers(
    db: &Db,
    account_id: &str,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT question_id, answer_hash FROM security_answers WHERE account_id = $1
         ORDER BY created_at, question_id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The end of recovery.
pub struct Reset<'a> {
    /// The account.
    pub account_id: &'a str,
    /// The new password's hash.
    pub password_hash: &'a str,
    /// The sign-in throttling subject of the account, cleared so the owner can sign in again.
    pub login_subject: &'a str,
    /// The notice to every address of the account.
    pub notices: &'a [OutgoingEmail],
    /// Where the request came from.
    pub origin: &'a Origin,
}

/// Replaces the password in one transaction: the new hash, every session of the account ended
/// (this one too: recovery never signs in), every other reset link of the account dead, the
/// sign-in pause lifted, the notices queued and the history written.
pub async fn complete_reset(
    db: &Db,
    keys: &Keys,
    reset: Reset<'_>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    crate::accounts::store::lock(db, &mut tx, reset.account_id).await?;
    crate::accounts::store::update_password_hash(
        &mut *tx,
        reset.account_id,
        reset.password_hash,
        now,
    )
    .await?;
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(reset.account_id)
        .execute(&mut *tx)
        .await?;
    crate::accounts::store::expire_password_resets(&mut tx, reset.account_id, now).await?;
    sqlx::query("DELETE FROM login_failures WHERE subject = $1")
        .bind(reset.login_subject)
        .execute(&mut *tx)
        .await?;
    // A new password lifts its stop (item 10, or a reported sign-in); the app's stop goes too,
    // since recovery just proved a second factor.
    for method in [AuthMethod::Password, AuthMethod::AuthenticatorApp] {
        crate::accounts::factor_lockout::lift(&mut *tx, reset.account_id, method).await?;
    }
    for notice in reset.notices {
        outbox::enqueue(&mut *tx, keys, notice, now).await?;
    }
    let event = NewEvent {
        account_id: reset.account_id,
        kind: AccountEventKind::PasswordReset,
        method: None,
        origin: reset.origin,
    };
    history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}
