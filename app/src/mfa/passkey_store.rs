//! Passkey rows and the ceremonies in progress: a credential id belongs to one account, a
//! ceremony to the session that started it and is used up by the first answer.

use crate::{
    accounts::{
        self, factor_lockout,
        history::{self, NewEvent, Origin},
        model::{AccountEventKind, AuthMethod},
    },
    error::AppError,
    infra::{
        crypto::{self, Keys},
        db::Db,
        outbox::{self, OutgoingEmail},
    },
};

/// A stored passkey.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    /// Row id.
    pub id: String,
    /// The credential id (base64url, no padding).
    pub credential_id: String,
    /// The name its owner gave it.
    pub name: String,
    /// The verified credential (public key and signature counter) as webauthn-rs JSON.
    pub credential: String,
    /// When it was added.
    pub created_at: i64,
    /// When it last signed in.
    pub last_used_at: Option<i64>,
}

/// What a ceremony is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Adding a passkey to a signed-in account.
    Register,
    /// The second sign-in step.
    SignIn,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::SignIn => "sign_in",
        }
    }
}

/// A ceremony taken back from the database.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ceremony {
    /// The account it was started for.
    pub account_id: String,
    /// The name for the passkey being added.
    pub name: Option<String>,
    /// webauthn-rs's ceremony state as JSON (never sent to the browser).
    pub state: String,
    /// When it stops being accepted.
    pub expires_at: i64,
}

/// The account's passkeys, oldest first.
pub async fn list(db: &Db, account_id: &str) -> Result<Vec<PasskeyRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, credential_id, name, credential, created_at, last_used_at FROM passkeys
         WHERE account_id = $1 ORDER BY created_at, id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?)
}

/// How many passkeys the account has.
pub async fn count(db: &Db, account_id: &str) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(&db.pool)
            .await?,
    )
}

/// Keeps a ceremony for the session, replacing one it had for the same purpose.
pub async fn save_ceremony(
    db: &Db,
    session_id_hash: &str,
    purpose: Purpose,
    ceremony: &Ceremony,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO passkey_ceremonies (session_id_hash, purpose, account_id, name, state, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (session_id_hash, purpose) DO UPDATE SET account_id = excluded.account_id,
             name = excluded.name, state = excluded.state, expires_at = excluded.expires_at",
    )
    .bind(session_id_hash)
    .bind(purpose.as_str())
    .bind(&ceremony.account_id)
    .bind(&ceremony.name)
    .bind(&ceremony.state)
    .bind(ceremony.expires_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Takes the session's ceremony for `purpose` out of the database (it answers once) if it has
/// not expired.
pub async fn take_ceremony(
    db: &Db,
    session_id_hash: &str,
    purpose: Purpose,
    now: i64,
) -> Result<Option<Ceremony>, AppError> {
    let taken: Option<Ceremony> = sqlx::query_as(
        "DELETE FROM passkey_ceremonies WHERE session_id_hash = $1 AND purpose = $2
         RETURNING account_id, name, state, expires_at",
    )
    .bind(session_id_hash)
    .bind(purpose.as_str())
    .fetch_optional(&db.pool)
    .await?;
    Ok(taken.filter(|ceremony| ceremony.expires_at > now))
}

/// A passkey to add, with the notice to its owner.
pub struct NewPasskey<'a> {
    /// The account it signs in to.
    pub account_id: &'a str,
    /// Its credential id (base64url, no padding).
    pub credential_id: &'a str,
    /// The name its owner gave it.
    pub name: &'a str,
    /// The verified credential as webauthn-rs JSON.
    pub credential: &'a str,
    /// The email to the account's address.
    pub notice: &'a OutgoingEmail,
    /// Where the request came from, for the history.
    pub origin: &'a Origin,
}

/// Why a passkey was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddRefusal {
    /// The credential is registered to this account already.
    Taken,
    /// The credential is registered to another account (not said to the asker).
    Foreign,
    /// The account has [`crate::mfa::model::MAX_PASSKEYS`] already.
    Limit,
}

/// Adds a passkey: counts the account's keys under its lock, lifts a hard stop on passkeys,
/// queues the notice and records the history entry, in one transaction.
pub async fn add(
    db: &Db,
    keys: &Keys,
    passkey: NewPasskey<'_>,
    now: i64,
) -> Result<Result<(), AddRefusal>, AppError> {
    let mut tx = db.begin_write().await?;
    accounts::store::lock(db, &mut tx, passkey.account_id).await?;
    let taken: Option<String> =
        sqlx::query_scalar("SELECT account_id FROM passkeys WHERE credential_id = $1")
            .bind(passkey.credential_id)
            .fetch_optional(&mut *tx)
            .await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE account_id = $1")
        .bind(passkey.account_id)
        .fetch_one(&mut *tx)
        .await?;
    let refusal = if let Some(owner) = taken {
        Some(if owner == passkey.account_id {
            AddRefusal::Taken
        } else {
            AddRefusal::Foreign
        })
    } else if existing >= crate::mfa::model::MAX_PASSKEYS as i64 {
        Some(AddRefusal::Limit)
    } else {
        None
    };
    if let Some(refusal) = refusal {
        tx.rollback().await?;
        return Ok(Err(refusal));
    }
    sqlx::query(
        "INSERT INTO passkeys (id, account_id, credential_id, name, credential, created_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL)",
    )
    .bind(crypto::random_hex(16))
    .bind(passkey.account_id)
    .bind(passkey.credential_id)
    .bind(passkey.name)
    .bind(passkey.credential)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    factor_lockout::lift(&mut *tx, passkey.account_id, AuthMethod::Passkey).await?;
    outbox::enqueue(&mut *tx, keys, passkey.notice, now).await?;
    let event = NewEvent {
        account_id: passkey.account_id,
        kind: AccountEventKind::FactorAdded,
        method: Some(AuthMethod::Passkey),
        origin: passkey.origin,
    };
    history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Saves the credential's new signature counter after a sign-in with it.
pub async fn record_use(
    db: &Db,
    account_id: &str,
    id: &str,
    credential: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE passkeys SET credential = $1, last_used_at = $2 WHERE id = $3 AND account_id = $4",
    )
    .bind(credential)
    .bind(now)
    .bind(id)
    .bind(account_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Renames one of the account's passkeys; false if it has no such passkey.
pub async fn rename(db: &Db, account_id: &str, id: &str, name: &str) -> Result<bool, AppError> {
    let renamed = sqlx::query("UPDATE passkeys SET name = $1 WHERE id = $2 AND account_id = $3")
        .bind(name)
        .bind(id)
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(renamed.rows_affected() == 1)
}
