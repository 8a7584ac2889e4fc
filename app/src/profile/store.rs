//! The personal-details and email-change tables.

use super::model::{Date, MailingAddress, PersonalDetails};
use crate::{error::AppError, infra::db::Db};
use sqlx::{Any, Executor, Transaction};

/// The account's details; empty when none were ever saved.
pub async fn details(db: &Db, account_id: &str) -> Result<PersonalDetails, AppError> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        String,
        String,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT given_name, family_name, date_of_birth, address_line1, address_line2, city,
                state, zip_code
         FROM personal_details WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .map(
            |(given_name, family_name, born, line1, line2, city, state, zip)| PersonalDetails {
                given_name,
                family_name,
                date_of_birth: born.as_deref().and_then(Date::parse_iso),
                address: MailingAddress {
                    line1,
                    line2,
                    city,
                    state,
                    zip,
                },
            },
        )
        .unwrap_or_default())
}

/// Writes the account's details, replacing what was there.
pub async fn save_details<'c, E>(
    executor: E,
    account_id: &str,
    details: &PersonalDetails,
    now: i64,
) -> Result<(), AppError>
where
    E: Executor<'c, Database = Any>,
{
    let address = &details.address;
    sqlx::query(
        "INSERT INTO personal_details (account_id, given_name, family_name, date_of_birth,
                                       address_line1, address_line2, city, state, zip_code,
                                       updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (account_id) DO UPDATE SET
             given_name = $2, family_name = $3, date_of_birth = $4, address_line1 = $5,
             address_line2 = $6, city = $7, state = $8, zip_code = $9, updated_at = $10",
    )
    .bind(account_id)
    .bind(&details.given_name)
    .bind(&details.family_name)
    .bind(details.date_of_birth.map(|d| d.iso()))
    .bind(&address.line1)
    .bind(&address.line2)
    .bind(&address.city)
    .bind(&address.state)
    .bind(&address.zip)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// A change of address waiting for its code.
#[derive(Debug, sqlx::FromRow)]
pub struct PendingChange {
    /// Random id, part of what the code's hash covers.
    pub id: String,
    /// The address the code went to.
    pub new_email: String,
    /// Keyed hash of the code.
    pub code_hash: String,
    /// Codes entered so far.
    pub tries: i64,
    /// When the code stops working.
    pub expires_at: i64,
}

/// The account's change waiting for a code, if any (expired or not).
pub async fn pending_change(db: &Db, account_id: &str) -> Result<Option<PendingChange>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, new_email, code_hash, tries, expires_at
         FROM email_changes WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The new change of address (replacing any earlier one).
pub struct NewChange<'a> {
    /// The account.
    pub account_id: &'a str,
    /// Random id.
    pub id: &'a str,
    /// The address the code goes to.
    pub new_email: &'a str,
    /// Keyed hash of the code.
    pub code_hash: &'a str,
    /// When the code stops working.
    pub expires_at: i64,
}

/// Stores `change`, replacing the account's earlier one (whose code then stops working).
pub async fn replace_change(
    tx: &mut Transaction<'static, Any>,
    change: &NewChange<'_>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO email_changes (account_id, id, new_email, code_hash, tries,
                                    expires_at, created_at)
         VALUES ($1, $2, $3, $4, 0, $5, $6)
         ON CONFLICT (account_id) DO UPDATE SET
             id = $2, new_email = $3, code_hash = $4, tries = 0, expires_at = $5,
             created_at = $6",
    )
    .bind(change.account_id)
    .bind(change.id)
    .bind(change.new_email)
    .bind(change.code_hash)
    .bind(change.expires_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Counts one try of a code against the change `id` before the code is compared, in one
/// statement, so parallel tries cannot pass the limit together. False when the change has had
/// `max` tries already (or is gone).
pub async fn count_try(db: &Db, account_id: &str, id: &str, max: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE email_changes SET tries = tries + 1
         WHERE account_id = $1 AND id = $2 AND tries < $3",
    )
    .bind(account_id)
    .bind(id)
    .bind(max)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the change `id` (or, with `None`, whichever the account has); true when a row went,
/// so two requests with one code cannot both use it.
pub async fn take_change(
    tx: &mut Transaction<'static, Any>,
    account_id: &str,
    id: Option<&str>,
) -> Result<bool, AppError> {
    let done = match id {
        Some(id) => {
            sqlx::query("DELETE FROM email_changes WHERE account_id = $1 AND id = $2")
                .bind(account_id)
                .bind(id)
                .execute(&mut **tx)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM email_changes WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut **tx)
                .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Moves the account to `email`. A unique violation means another account has it.
pub async fn update_email(
    tx: &mut Transaction<'static, Any>,
    account_id: &str,
    email: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE accounts SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(email)
    .bind(now)
    .bind(account_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
