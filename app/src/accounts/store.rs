//! SQL for accounts, security answers and registrations. Other domains reach the `accounts` table
//! only through these functions.

use super::model::{AccountNumber, Role};
use crate::{error::AppError, i18n::Locale, infra::db::Db};
use sqlx::{Any, Transaction};

/// An account as the sign-in flow needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
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
    /// When the account bound its first second factor (`None`: set-up not finished).
    pub enrolled_at: Option<i64>,
}

const ACCOUNT_COLUMNS: &str =
    "id, email, password_hash, account_number, email_verified_at, enrolled_at";

/// The account with this online account number (12 digits).
pub async fn find_by_number(db: &Db, digits: &str) -> Result<Option<AccountRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE account_number = $1"
    ))
    .bind(digits)
    .fetch_optional(&db.pool)
    .await?)
}

/// The account with this (normalised) email address.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<AccountRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(&db.pool)
    .await?)
}

/// The account with this id.
pub async fn find_by_id(db: &Db, id: &str) -> Result<Option<AccountRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The role stored for an account; `None` when the account no longer exists.
pub async fn role_of(db: &Db, account_id: &str) -> Result<Option<Role>, AppError> {
    let stored: Option<String> = sqlx::query_scalar("SELECT role FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    match stored {
        None => Ok(None),
        Some(text) => Role::parse(&text)
            .map(Some)
            .ok_or_else(|| AppError::internal(format_args!("unknown stored role {text:?}"))),
    }
}

/// Locks the account's row until the transaction ends (on PostgreSQL; SQLite's write
/// transactions are already exclusive), so changes to what the account owns are decided one
/// after the other. Returns false when the account does not exist.
pub async fn lock(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    account_id: &str,
) -> Result<bool, AppError> {
    let found: Option<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM accounts WHERE id = $1{}",
        db.for_update()
    ))
    .bind(account_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Records that the account finished enrolment (bound its first second factor); later calls keep
/// the first time.
pub async fn mark_enrolled(
    tx: &mut Transaction<'static, Any>,
    account_id: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE accounts SET enrolled_at = COALESCE(enrolled_at, $1), updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(account_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// True when an account uses this email (inside a write transaction, so the answer holds).
pub async fn email_taken(
    tx: &mut Transaction<'static, Any>,
    email: &str,
) -> Result<bool, AppError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&mut **tx)
        .await?;
    Ok(count > 0)
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
    /// The language the person reads.
    pub locale: Locale,
}

/// Inserts an account; fails with a unique violation if the email or account number is taken.
pub async fn insert_account(
    tx: &mut Transaction<'static, Any>,
    account: &NewAccount<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO accounts (id, email, password_hash, account_number, email_verified_at, role,
                               locale, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(account.id)
    .bind(account.email)
    .bind(account.password_hash)
    .bind(account.account_number.digits())
    .bind(account.email_verified_at)
    .bind(account.role.as_str())
    .bind(account.locale.tag())
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

/// Replaces the account's password hash through `executor`: the pool when a weak hash is upgraded
/// at sign-in, the caller's transaction for a change or a reset.
pub async fn update_password_hash<'c, E>(
    executor: E,
    account_id: &str,
    hash: &str,
    now: i64,
) -> Result<(), AppError>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    sqlx::query("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(account_id)
        .execute(executor)
        .await?;
    Ok(())
}

/// Makes every unused password-reset link of the account dead (the password was just changed, so
/// a link asked for before is stale). The table belongs to `recovery`, which cannot be named here.
pub async fn expire_password_resets(
    tx: &mut Transaction<'static, Any>,
    account_id: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A registration waiting for its emailed code.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegistrationRow {
    /// Random id (kept in the registrant's session).
    pub id: String,
    /// The normalised address.
    pub email: String,
    /// Argon2id PHC string of the chosen password.
    pub password_hash: String,
    /// JSON list of `[question id, answer hash]`.
    pub answers: String,
    /// HMAC of the current code; `None` once it died after too many wrong tries.
    pub code_hash: Option<String>,
    /// When the current code stops working.
    pub code_expires_at: i64,
    /// Wrong codes entered so far (a resend does not reset it).
    pub wrong_codes: i64,
    /// The number of the Account Access Notice the registration was started with, if any.
    pub reserved_account_number: Option<String>,
    /// The language tag of the page it was started on.
    pub locale: String,
}

/// A new registration.
#[derive(Debug)]
pub struct NewRegistration<'a> {
    /// Random id.
    pub id: &'a str,
    /// Normalised email.
    pub email: &'a str,
    /// Argon2id PHC string.
    pub password_hash: &'a str,
    /// JSON list of `[question id, answer hash]`.
    pub answers: &'a str,
    /// HMAC of the code sent.
    pub code_hash: &'a str,
    /// When the code stops working.
    pub code_expires_at: i64,
    /// The Account Access Notice's number to claim, if the registration came with one.
    pub reserved_account_number: Option<&'a str>,
    /// The page's language at registration: the account's language.
    pub locale: Locale,
}

/// Inserts a registration.
pub async fn insert_registration(
    tx: &mut Transaction<'static, Any>,
    registration: &NewRegistration<'_>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO registrations (id, email, password_hash, answers, code_hash, code_expires_at,
                                    wrong_codes, reserved_account_number, locale, created_at,
                                    updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $9)",
    )
    .bind(registration.id)
    .bind(registration.email)
    .bind(registration.password_hash)
    .bind(registration.answers)
    .bind(registration.code_hash)
    .bind(registration.code_expires_at)
    .bind(registration.reserved_account_number)
    .bind(registration.locale.tag())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The registration with this id, if it still exists.
pub async fn find_registration(db: &Db, id: &str) -> Result<Option<RegistrationRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, email, password_hash, answers, code_hash, code_expires_at, wrong_codes,
                reserved_account_number, locale
         FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Gives the registration a new code (the old one stops working); the wrong-code count stays.
pub async fn replace_registration_code(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    code_hash: &str,
    expires_at: i64,
    now: i64,
) -> Result<bool, AppError> {
    let result = sqlx::query(
        "UPDATE registrations SET code_hash = $1, code_expires_at = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(code_hash)
    .bind(expires_at)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Counts one wrong code in one statement; at `max` wrong codes the current code dies.
pub async fn count_wrong_code(db: &Db, id: &str, max: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE registrations SET wrong_codes = wrong_codes + 1,
                code_hash = CASE WHEN wrong_codes + 1 >= $1 THEN NULL ELSE code_hash END,
                updated_at = $2
         WHERE id = $3",
    )
    .bind(max)
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Deletes every registration for an address (the address now has its account).
pub async fn delete_registrations_for(
    tx: &mut Transaction<'static, Any>,
    email: &str,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM registrations WHERE email = $1")
        .bind(email)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An account that works cases: its id, email and role.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffRow {
    /// The account id.
    pub id: String,
    /// Its email address (how staff know each other).
    pub email: String,
    /// `officer`, `supervisor` or `support`.
    pub role: String,
}

/// Every officer and supervisor, by email.
pub async fn list_case_workers(db: &Db) -> Result<Vec<StaffRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, email, role FROM accounts WHERE role IN ('officer', 'supervisor')
         ORDER BY email LIMIT 1000",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// Every officer, supervisor and support account, by email.
pub async fn list_staff(db: &Db) -> Result<Vec<StaffRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, email, role FROM accounts WHERE role IN ('officer', 'supervisor', 'support')
         ORDER BY email LIMIT 1000",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// The language an account reads (English when the stored tag is unknown).
pub async fn locale_of(db: &Db, account_id: &str) -> Result<Locale, AppError> {
    let tag: Option<String> = sqlx::query_scalar("SELECT locale FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(tag.and_then(|t| Locale::from_tag(&t)).unwrap_or_default())
}
