//! Authenticator rows: the TOTP secret encrypted at rest and the last step used.

use crate::{
    error::AppError,
    infra::{crypto, db::Db},
};
use sqlx::Row;

/// A confirmed authenticator as needed to check a code.
#[derive(Debug, Clone)]
pub struct Authenticator {
    /// Row id.
    pub id: String,
    /// XChaCha20-Poly1305 ciphertext of the secret (associated data: the account id).
    pub secret_ciphertext: Vec<u8>,
    /// The last step accepted, if any.
    pub last_used_step: Option<i64>,
}

/// The unconfirmed authenticator being set up for an account, creating it with `new_ciphertext` if
/// there is none yet (so reloading the set-up page shows the same QR code).
pub async fn pending_or_create(
    db: &Db,
    account_id: &str,
    new_ciphertext: Vec<u8>,
    now: i64,
) -> Result<Authenticator, AppError> {
    let mut tx = db.begin_write().await?;
    let existing = sqlx::query(
        "SELECT id, secret_ciphertext FROM totp_authenticators
         WHERE account_id = $1 AND confirmed_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    let authenticator = match existing {
        Some(row) => Authenticator {
            id: row.try_get(0)?,
            secret_ciphertext: row.try_get(1)?,
            last_used_step: None,
        },
        None => {
            let id = crypto::random_hex(16);
            sqlx::query(
                "INSERT INTO totp_authenticators (id, account_id, secret_ciphertext, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(&id)
            .bind(account_id)
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

/// The account's pending (unconfirmed) authenticator, if set-up has started.
pub async fn pending(db: &Db, account_id: &str) -> Result<Option<Authenticator>, AppError> {
    let row = sqlx::query(
        "SELECT id, secret_ciphertext FROM totp_authenticators
         WHERE account_id = $1 AND confirmed_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(Authenticator {
            id: row.try_get(0)?,
            secret_ciphertext: row.try_get(1)?,
            last_used_step: None,
        })
    })
    .transpose()
}

/// The account's confirmed authenticator, if it has one.
pub async fn confirmed(db: &Db, account_id: &str) -> Result<Option<Authenticator>, AppError> {
    let row = sqlx::query(
        "SELECT id, secret_ciphertext, last_used_step FROM totp_authenticators
         WHERE account_id = $1 AND confirmed_at IS NOT NULL ORDER BY confirmed_at LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(Authenticator {
            id: row.try_get(0)?,
            secret_ciphertext: row.try_get(1)?,
            last_used_step: row.try_get(2)?,
        })
    })
    .transpose()
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

/// Marks the pending authenticator confirmed with its first used step, and removes other pending ones.
pub async fn confirm(
    db: &Db,
    account_id: &str,
    authenticator_id: &str,
    step: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE totp_authenticators SET confirmed_at = $1, last_used_step = $2, updated_at = $1
         WHERE id = $3 AND account_id = $4 AND confirmed_at IS NULL",
    )
    .bind(now)
    .bind(step)
    .bind(authenticator_id)
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM totp_authenticators WHERE account_id = $1 AND confirmed_at IS NULL")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Inserts an already-confirmed authenticator (admin seeding of demo and benchmark accounts).
pub async fn insert_confirmed(
    db: &Db,
    account_id: &str,
    ciphertext: Vec<u8>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO totp_authenticators (id, account_id, secret_ciphertext, confirmed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4, $4)",
    )
    .bind(crypto::random_hex(16))
    .bind(account_id)
    .bind(ciphertext)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}
