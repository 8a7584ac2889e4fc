//! Authenticator rows: the TOTP secret encrypted at rest and the last step used. Binding a factor
//! also locks the account, marks it enrolled and ends its other sessions, through those domains'
//! stores.

use crate::{
    accounts::{
        self,
        history::{self, NewEvent, Origin},
        model::{AccountEventKind, AuthMethod},
    },
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
    /// Whether the new app replaces one the account has (a signed-in person's new app) rather
    /// than being refused next to it (a first set-up racing another session's).
    pub replace: bool,
    /// The "new sign-in method" notice, queued with the binding.
    pub notice: &'a OutgoingEmail,
    /// Where the request came from, for the account history.
    pub origin: &'a Origin,
}

/// Binds the pending authenticator to the account with its first used step, in one transaction
/// that refuses if the account already has a confirmed app (or, when `replace`, removes it),
/// removes every other pending set-up,
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
        replace,
        notice,
        origin,
    } = *binding;
    let mut tx = db.begin_write().await?;
    // Lock the account row so two sessions confirming at once are decided one after the other.
    accounts::store::lock(db, &mut tx, account_id).await?;
    if replace {
        sqlx::query(
            "DELETE FROM totp_authenticators WHERE account_id = $1 AND confirmed_at IS NOT NULL",
        )
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    }
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
    accounts::factor_lockout::lift(&mut *tx, account_id, AuthMethod::AuthenticatorApp).await?;
    outbox::enqueue(&mut *tx, keys, notice, now).await?;
    let event = NewEvent {
        account_id,
        kind: AccountEventKind::FactorAdded,
        method: Some(AuthMethod::AuthenticatorApp),
        origin,
    };
    history::record(&mut *tx, &event, now).await?;
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

/// When the account's authenticator app was bound, if it has one.
pub async fn authenticator_confirmed_at(
    db: &Db,
    account_id: &str,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT confirmed_at FROM totp_authenticators
         WHERE account_id = $1 AND confirmed_at IS NOT NULL ORDER BY confirmed_at LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A stored backup code, as needed to check one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BackupCodeRow {
    /// Row id.
    pub id: String,
    /// The argon2id PHC string of the code.
    pub code_hash: String,
    /// When it was used, if it was.
    pub used_at: Option<i64>,
}

/// The account's backup codes whose lookup tag is `lookup` (normally one, or none).
pub async fn backup_code_candidates(
    db: &Db,
    account_id: &str,
    lookup: &str,
) -> Result<Vec<BackupCodeRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, code_hash, used_at FROM backup_codes WHERE account_id = $1 AND lookup = $2",
    )
    .bind(account_id)
    .bind(lookup)
    .fetch_all(&db.pool)
    .await?)
}

/// The state of an account's backup codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupCodeCounts {
    /// Codes in the current set (0 when there is none).
    pub total: i64,
    /// Codes not used yet.
    pub unused: i64,
    /// When the current set was made.
    pub made_at: Option<i64>,
}

/// How many backup codes the account has, and how many are unused.
pub async fn backup_code_counts(db: &Db, account_id: &str) -> Result<BackupCodeCounts, AppError> {
    let (total, unused, made_at): (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN used_at IS NULL THEN 1 ELSE 0 END), 0), MAX(created_at)
         FROM backup_codes WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(BackupCodeCounts {
        total,
        unused,
        made_at,
    })
}

/// A new set of backup codes and everything stored with it.
pub struct NewBackupSet<'a> {
    /// The account.
    pub account_id: &'a str,
    /// The session that made it: it alone may see the codes, and it alone stays signed in.
    pub session_id_hash: &'a str,
    /// (lookup tag, argon2id hash) per code.
    pub codes: &'a [(String, String)],
    /// The codes, encrypted for showing once.
    pub reveal_ciphertext: Vec<u8>,
    /// Until when they may be shown.
    pub reveal_until: i64,
    /// The notice to the account's address.
    pub notice: &'a OutgoingEmail,
    /// Where the request came from.
    pub origin: &'a Origin,
}

/// Replaces the account's backup codes with `set` in one transaction: the old codes stop working,
/// the new ones wait to be shown to this session, the account's other sessions end (a factor
/// changed), the notice is queued and the history records it.
pub async fn replace_backup_codes(
    db: &Db,
    keys: &Keys,
    set: NewBackupSet<'_>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    accounts::store::lock(db, &mut tx, set.account_id).await?;
    accounts::factor_lockout::lift(&mut *tx, set.account_id, AuthMethod::BackupCode).await?;
    sqlx::query("DELETE FROM backup_codes WHERE account_id = $1")
        .bind(set.account_id)
        .execute(&mut *tx)
        .await?;
    for (lookup, code_hash) in set.codes {
        sqlx::query(
            "INSERT INTO backup_codes (id, account_id, lookup, code_hash, used_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, NULL, $5, $5)",
        )
        .bind(crypto::random_hex(16))
        .bind(set.account_id)
        .bind(lookup)
        .bind(code_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM backup_code_reveals WHERE account_id = $1")
        .bind(set.account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO backup_code_reveals (session_id_hash, account_id, ciphertext, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(set.session_id_hash)
    .bind(set.account_id)
    .bind(set.reveal_ciphertext)
    .bind(set.reveal_until)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    session::store::end_other_sessions(&mut tx, set.account_id, set.session_id_hash).await?;
    outbox::enqueue(&mut *tx, keys, set.notice, now).await?;
    let event = NewEvent {
        account_id: set.account_id,
        kind: AccountEventKind::BackupCodesGenerated,
        method: None,
        origin: set.origin,
    };
    history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The encrypted new codes waiting for this session, if they have not expired.
pub async fn backup_code_reveal(
    db: &Db,
    session_id_hash: &str,
    account_id: &str,
    now: i64,
) -> Result<Option<Vec<u8>>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT ciphertext FROM backup_code_reveals
         WHERE session_id_hash = $1 AND account_id = $2 AND expires_at > $3",
    )
    .bind(session_id_hash)
    .bind(account_id)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?)
}

/// Forgets the new codes waiting for this session (they were saved, or must not be shown again).
pub async fn forget_backup_code_reveal(db: &Db, session_id_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM backup_code_reveals WHERE session_id_hash = $1")
        .bind(session_id_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// What using a backup code records.
pub struct BackupCodeUse<'a> {
    /// The account.
    pub account_id: &'a str,
    /// The code's row.
    pub code_id: &'a str,
    /// Where the request came from.
    pub origin: &'a Origin,
}

/// Marks the code used, only if it was unused (two requests with one code cannot both pass), and
/// records that in the history and with a notice built from the number of codes left, all in one
/// transaction. Returns the codes left, or `None` when the code was already used.
pub async fn use_backup_code(
    db: &Db,
    keys: &Keys,
    used: BackupCodeUse<'_>,
    notice: impl FnOnce(i64) -> OutgoingEmail,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let mut tx = db.begin_write().await?;
    let claimed = sqlx::query(
        "UPDATE backup_codes SET used_at = $1, updated_at = $1
         WHERE id = $2 AND account_id = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(used.code_id)
    .bind(used.account_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM backup_codes WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(used.account_id)
    .fetch_one(&mut *tx)
    .await?;
    outbox::enqueue(&mut *tx, keys, &notice(left), now).await?;
    let event = NewEvent {
        account_id: used.account_id,
        kind: AccountEventKind::BackupCodeUsed,
        method: Some(AuthMethod::BackupCode),
        origin: used.origin,
    };
    history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    Ok(Some(left))
}

/// Removing a factor from an account.
pub struct Removal<'a> {
    /// The account.
    pub account_id: &'a str,
    /// The factor: the app, the phone, email codes, or the passkey `passkey_id`.
    pub method: AuthMethod,
    /// Which passkey, when `method` is [`AuthMethod::Passkey`].
    pub passkey_id: Option<&'a str>,
    /// The session doing it (the only one of the account that survives).
    pub keep_session: &'a str,
    /// The notice to the account's address.
    pub notice: &'a OutgoingEmail,
    /// Where the request came from, for the account history.
    pub origin: &'a Origin,
}

/// Why a factor was not removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalRefusal {
    /// The account does not have it.
    NotBound,
    /// It is the account's only factor (backup codes do not count: they are for when one is lost).
    LastFactor,
    /// It is the last factor that gives codes; passkeys alone cannot yet confirm it is the person
    /// or recover the account.
    LastCodeFactor,
}

/// Removes the factor in one transaction that refuses to remove the last one, and otherwise also
/// lifts its hard stop, ends the account's other sessions, queues the notice and records it.
pub async fn remove_factor(
    db: &Db,
    keys: &Keys,
    removal: Removal<'_>,
    now: i64,
) -> Result<Result<(), RemovalRefusal>, AppError> {
    let mut tx = db.begin_write().await?;
    accounts::store::lock(db, &mut tx, removal.account_id).await?;
    let apps: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM totp_authenticators WHERE account_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(removal.account_id)
    .fetch_one(&mut *tx)
    .await?;
    let channels: Vec<String> =
        sqlx::query_scalar("SELECT channel FROM code_factors WHERE account_id = $1")
            .bind(removal.account_id)
            .fetch_all(&mut *tx)
            .await?;
    let passkeys: Vec<String> = sqlx::query_scalar("SELECT id FROM passkeys WHERE account_id = $1")
        .bind(removal.account_id)
        .fetch_all(&mut *tx)
        .await?;
    let channel = match removal.method {
        AuthMethod::TextMessage => Some("sms"),
        AuthMethod::EmailCode => Some("email"),
        _ => None,
    };
    let bound = match (removal.method, channel) {
        (_, Some(channel)) => channels.iter().any(|c| c == channel),
        (AuthMethod::AuthenticatorApp, None) => apps > 0,
        (AuthMethod::Passkey, None) => removal
            .passkey_id
            .is_some_and(|id| passkeys.iter().any(|p| p == id)),
        _ => false,
    };
    let code_factors = i64::from(apps > 0) + channels.len() as i64;
    let factors = code_factors + passkeys.len() as i64;
    let refusal = if !bound {
        Some(RemovalRefusal::NotBound)
    } else if factors <= 1 {
        Some(RemovalRefusal::LastFactor)
    } else if removal.method != AuthMethod::Passkey && code_factors <= 1 {
        Some(RemovalRefusal::LastCodeFactor)
    } else {
        None
    };
    if let Some(refusal) = refusal {
        tx.rollback().await?;
        return Ok(Err(refusal));
    }
    let last_of_its_kind = match (channel, removal.passkey_id) {
        (Some(channel), _) => {
            sqlx::query("DELETE FROM code_factors WHERE account_id = $1 AND channel = $2")
                .bind(removal.account_id)
                .bind(channel)
                .execute(&mut *tx)
                .await?;
            true
        }
        (None, Some(passkey_id)) if removal.method == AuthMethod::Passkey => {
            sqlx::query("DELETE FROM passkeys WHERE account_id = $1 AND id = $2")
                .bind(removal.account_id)
                .bind(passkey_id)
                .execute(&mut *tx)
                .await?;
            passkeys.len() == 1
        }
        _ => {
            sqlx::query("DELETE FROM totp_authenticators WHERE account_id = $1")
                .bind(removal.account_id)
                .execute(&mut *tx)
                .await?;
            true
        }
    };
    // A hard stop on passkeys stays while the account still has one.
    if last_of_its_kind {
        accounts::factor_lockout::lift(&mut *tx, removal.account_id, removal.method).await?;
    }
    session::store::end_other_sessions(&mut tx, removal.account_id, removal.keep_session).await?;
    outbox::enqueue(&mut *tx, keys, removal.notice, now).await?;
    let event = NewEvent {
        account_id: removal.account_id,
        kind: AccountEventKind::FactorRemoved,
        method: Some(removal.method),
        origin: removal.origin,
    };
    history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}
