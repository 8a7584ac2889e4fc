//! SQL for accounts, security answers and emailed codes.

use super::model::AccountNumber;
use crate::session::model::Role;
use crate::{error::AppError, infra::db::Db};
use sqlx::{any::AnyRow, Any, Row, Transaction};

/// An account as the sign-in flow needs it.
#[derive(Debug, Clone)]
pub struct AccountRow {
    /// Random 128-bit id.
    pub id: String,
    /// Normalised email address.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// The online account number (12 digits).
    pub account_number: String,
    /// When the email was verified.
    pub email_verified_at: Option<i64>,
}

fn account_from_row(row: AnyRow) -> Result<AccountRow, sqlx::Error> {
    Ok(AccountRow {
        id: row.try_get(0)?,
        email: row.try_get(1)?,
        password_hash: row.try_get(2)?,
        account_number: row.try_get(3)?,
        email_verified_at: row.try_get(4)?,
    })
}

const ACCOUNT_COLUMNS: &str = "id, email, password_hash, account_number, email_verified_at";

/// The account with this (normalised) email address.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<AccountRow>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(account_from_row).transpose()?)
}

/// The account with this id.
pub async fn find_by_id(db: &Db, id: &str) -> Result<Option<AccountRow>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(account_from_row).transpose()?)
}

/// True when an account uses this email (inside a write transaction, so the answer holds).
pub async fn email_taken(
    tx: &mut Transaction<'static, Any>,
    email: &str,
) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT COUNT(*) FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// A new account to insert.
#[derive(Debug)]
pub struct NewAccount<'a> {
    /// Random id.
    pub id: &'a str,
    /// Normalised email.
    pub email: &'a str,
    /// Argon2id PHC string.
    pub password_hash: &'a str,
    /// The assigned account number.
    pub account_number: &'a AccountNumber,
    /// Set when the email is already known to be verified (admin seeding).
    pub email_verified_at: Option<i64>,
    /// What the account may do.
    pub role: Role,
}

/// Inserts an account; fails with a unique violation if the email or account number is taken.
pub async fn insert_account(
    tx: &mut Transaction<'static, Any>,
    account: &NewAccount<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO accounts (id, email, password_hash, account_number, email_verified_at, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(account.id)
    .bind(account.email)
    .bind(account.password_hash)
    .bind(account.account_number.digits())
    .bind(account.email_verified_at)
    .bind(account.role.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores the hashed answers to the account's security questions.
pub async fn insert_security_answers(
    tx: &mut Transaction<'static, Any>,
    account_id: &str,
    answers: &[(String, String)],
    now: i64,
) -> Result<(), AppError> {
    for (question_id, answer_hash) in answers {
        sqlx::query(
            "INSERT INTO security_answers (account_id, question_id, answer_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(account_id)
        .bind(question_id)
        .bind(answer_hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Marks the email verified.
pub async fn mark_email_verified(db: &Db, account_id: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET email_verified_at = $1, updated_at = $1 WHERE id = $2 AND email_verified_at IS NULL")
        .bind(now)
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Replaces the password hash (used when upgrading weak parameters at sign-in).
pub async fn update_password_hash(
    db: &Db,
    account_id: &str,
    hash: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Email code purposes.
pub const PURPOSE_VERIFY_EMAIL: &str = "verify_email";

/// Replaces any unused code for this purpose with a new one (a resend makes the old code useless).
pub async fn replace_email_code(
    db: &Db,
    account_id: &str,
    purpose: &str,
    code_hash: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "DELETE FROM email_codes WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(purpose)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO email_codes (id, account_id, purpose, code_hash, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(crate::infra::crypto::random_hex(16))
    .bind(account_id)
    .bind(purpose)
    .bind(code_hash)
    .bind(expires_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Uses the code if it matches, is unused and unexpired; true when it was consumed now.
pub async fn consume_email_code(
    db: &Db,
    account_id: &str,
    purpose: &str,
    code_hash: &str,
    now: i64,
) -> Result<bool, AppError> {
    let result = sqlx::query(
        "UPDATE email_codes SET used_at = $1, updated_at = $1
         WHERE account_id = $2 AND purpose = $3 AND code_hash = $4 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(account_id)
    .bind(purpose)
    .bind(code_hash)
    .execute(&db.pool)
    .await?;
    Ok(result.rows_affected() == 1)
}
