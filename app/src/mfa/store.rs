//! Authenticator rows: the TOTP secret encrypted at rest and the last step used. Binding a factor
//! also locks the account, marks it enrolled and ends its other sessions, through those domains'
//! stores.

use crate::{
    accounts,
    error::AppError,
    infra::{
        crypto::{self, Keys},
        db::Db,
        outbox::{self, OutgoingEmail},
    },
    session,
};

/// An authenticator as needed to check a code.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Authenticator {
    /// Row id.
    pub id: String,
    /// XChaCha20-Poly1305 ciphertext of the secret (associated data: the account id).
    pub secret_ciphertext: Vec<u8>,
    /// The last step accepted, if any.
    pub last_used_step: Option<i64>,
}

const PENDING: &str = "SELECT id, secret_ciphertext, last_used_step FROM totp_authenticators
     WHERE account_id = $1 AND session_id_hash = $2 AND confirmed_at IS NULL
     ORDER BY created_at DESC LIMIT 1";

/// The authenticator this session is setting up for the account, if it started one. A pending
/// secret belongs to the session that created it: another session (even of the same account)
/// never sees or confirms it, and it disappears with its session.
pub async fn pending(
    db: &Db,
    account_id: &str,
    session_id_hash: &str,
) -> Result<Option<Authenticator>, AppError> {
    Ok(sqlx::query_as(PENDING)
        .bind(account_id)
        .bind(session_id_hash)
        .fetch_optional(&db.pool)
        .await?)
}

/// [`pending`], creating it with `new_ciphertext` if this session has none yet (so reloading the
/// set-up page shows the same QR code).
pub async fn pending_or_create(
    db: &Db,
    account_id: &str,
    session_id_hash: &str,
    new_ciphertext: Vec<u8>,
    now: i64,
) -> Result<Authenticator, AppError> {
    let mut tx = db.begin_write().await?;
    // Lock the account row: two loads of the set-up page at once (on PostgreSQL, where writers
    // run side by side) must not each create a secret, or the page could show one and the
    // confirmation check the other.
    accounts::store::lock(db, &mut tx, account_id).await?;
    let existing: Option<Authenticator> = sqlx::query_as(PENDING)
        .bind(account_id)
        .bind(session_id_hash)
        .fetch_optional(&mut *tx)
        .await?;
    let authenticator = match existing {
        Some(authenticator) => authenticator,
        None => {
            let id = crypto::random_hex(16);
            sqlx::query(
                "INSERT INTO totp_authenticators
                     (id, account_id, session_id_hash, secret_ciphertext, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)",
            )
            .bind(&id)
            .bind(account_id)
            .bind(session_id_hash)
            .bind(&new_ciphertext)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Authenticator {
                id,
                secret_ciphertext: new_ciphertext,
                last_used_step: None,
            }
        }
    };
    tx.commit().await?;
    Ok(authenticator)
}

/// The account's confirmed authenticator, if it has one.
pub async fn confirmed(db: &Db, account_id: &str) -> Result<Option<Authenticator>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, secret_ciphertext, last_used_step FROM totp_authenticators
         WHERE account_id = $1 AND confirmed_at IS NOT NULL ORDER BY confirmed_at LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Records `step` as used, only if it is later than the last one: two concurrent requests with
/// the same code cannot both succeed. Returns false when the step was already used.
pub async fn claim_step(
    db: &Db,
    authenticator_id: &str,
    step: i64,
    now: i64,
) -> Result<bool, AppError> {
    let result = sqlx::query(
        "UPDATE totp_authenticators SET last_used_step = $1, updated_at = $2
         WHERE id = $3 AND (last_used_step IS NULL OR last_used_step < $1)",
    )
    .bind(step)
    .bind(now)
    .bind(authenticator_id)
    .execute(&db.pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Why a set-up could not be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmRefusal {
    /// The account already has an authenticator (another session bound one first).
    AlreadyHasFactor,
    /// The pending authenticator is gone (its session ended).
    NoPending,
}

/// What binding a pending authenticator needs.
pub struct Binding<'a> {
    /// The account.
    pub account_id: &'a str,
    /// The pending authenticator to bind.
    pub authenticator_id: &'a str,
    /// The session doing it (the only one of the account that survives).
    pub keep_session: &'a str,
    /// The step of the confirming code (the first one used).
    pub step: i64,
    /// The "new sign-in method" notice, queued with the binding.
    pub notice: &'a OutgoingEmail,
}

/// Binds the pending authenticator to the account with its first used step, in one transaction
/// that refuses if the account already has a confirmed factor, removes every other pending set-up,
/// ends the account's other sessions (binding a factor is a credential change) and queues the
/// notice to the account's address.
pub async fn confirm(
    db: &Db,
    keys: &Keys,
    binding: &Binding<'_>,
    now: i64,
) -> Result<Result<(), ConfirmRefusal>, AppError> {
    let Binding {
        account_id,
        authenticator_id,
        keep_session,
        step,
        notice,
    } = *binding;
    let mut tx = db.begin_write().await?;
    // Lock the account row so two sessions confirming at once are decided one after the other.
    accounts::store::lock(db, &mut tx, account_id).await?;
    let has_factor: Option<String> = sqlx::query_scalar(
        "SELECT id FROM totp_authenticators WHERE account_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    if has_factor.is_some() {
        tx.rollback().await?;
        return Ok(Err(ConfirmRefusal::AlreadyHasFactor));
    }
    let bound = sqlx::query(
        "UPDATE totp_authenticators
         SET confirmed_at = $1, last_used_step = $2, session_id_hash = NULL, updated_at = $1
         WHERE id = $3 AND account_id = $4 AND confirmed_at IS NULL",
    )
    .bind(now)
    .bind(step)
    .bind(authenticator_id)
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    if bound.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(Err(ConfirmRefusal::NoPending));
    }
    sqlx::query("DELETE FROM totp_authenticators WHERE account_id = $1 AND confirmed_at IS NULL")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    session::store::end_other_sessions(&mut tx, account_id, keep_session).await?;
    accounts::store::mark_enrolled(&mut tx, account_id, now).await?;
    outbox::enqueue(&mut *tx, keys, notice, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Inserts an already-confirmed authenticator and marks the account enrolled (admin seeding of
/// demo and benchmark accounts).
pub async fn insert_confirmed(
    db: &Db,
    account_id: &str,
    ciphertext: Vec<u8>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO totp_authenticators (id, account_id, secret_ciphertext, confirmed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4, $4)",
    )
    .bind(crypto::random_hex(16))
    .bind(account_id)
    .bind(ciphertext)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    accounts::store::mark_enrolled(&mut tx, account_id, now).await?;
    tx.commit().await?;
    Ok(())
}
