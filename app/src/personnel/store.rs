//! SQL for staff invitations. Nothing else reads or writes `staff_invitations`.

use crate::{error::AppError, infra::db::Db};
use sqlx::{Any, Transaction};

/// An invitation as the service needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRow {
    /// Random id (what the withdraw form carries; never the token).
    pub id: String,
    /// The invited address (normalised).
    pub email: String,
    /// `officer`, `supervisor` or `support`.
    pub role: String,
    /// The language the invitation was sent in.
    pub locale: String,
    /// When the link stops working.
    pub expires_at: i64,
    /// When it was used, if it was.
    pub accepted_at: Option<i64>,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<i64>,
}

const COLUMNS: &str = "id, email, role, locale, expires_at, accepted_at, withdrawn_at";

/// A new invitation.
#[derive(Debug)]
pub struct NewInvitation<'a> {
    /// Random id.
    pub id: &'a str,
    /// SHA-256 of the link's token.
    pub token_hash: &'a str,
    /// The invited address (normalised).
    pub email: &'a str,
    /// The role.
    pub role: &'a str,
    /// The supervisor who sent it.
    pub invited_by: &'a str,
    /// The language of the email.
    pub locale: &'a str,
    /// When the link stops working.
    pub expires_at: i64,
}

/// Withdraws any pending invitation to `email`; returns how many.
pub async fn withdraw_pending_for(
    tx: &mut Transaction<'static, Any>,
    email: &str,
    now: i64,
) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE staff_invitations SET withdrawn_at = $1
         WHERE email = $2 AND accepted_at IS NULL AND withdrawn_at IS NULL",
    )
    .bind(now)
    .bind(email)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Inserts an invitation.
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    invitation: &NewInvitation<'_>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO staff_invitations (id, token_hash, email, role, invited_by, locale, expires_at,
                                        created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(invitation.id)
    .bind(invitation.token_hash)
    .bind(invitation.email)
    .bind(invitation.role)
    .bind(invitation.invited_by)
    .bind(invitation.locale)
    .bind(invitation.expires_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The invitation whose token hashes to `token_hash`, whatever its state.
/// `lock` is `Db::for_update()` inside the transaction that uses it, else empty.
pub async fn find_by_token<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    token_hash: &str,
    lock: &str,
) -> Result<Option<InvitationRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM staff_invitations WHERE token_hash = $1{lock}"
    ))
    .bind(token_hash)
    .fetch_optional(executor)
    .await?)
}

/// Marks a pending invitation used by `account_id`; false if it was no longer pending.
pub async fn accept(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    account_id: &str,
    now: i64,
) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "UPDATE staff_invitations SET accepted_at = $1, account_id = $2
         WHERE id = $3 AND accepted_at IS NULL AND withdrawn_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(account_id)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Withdraws the pending invitation `id`; returns it, or `None` if there is no such pending one.
pub async fn withdraw(db: &Db, id: &str, now: i64) -> Result<Option<InvitationRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE staff_invitations SET withdrawn_at = $1
         WHERE id = $2 AND accepted_at IS NULL AND withdrawn_at IS NULL
         RETURNING {COLUMNS}"
    ))
    .bind(now)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Invitations still usable at `now`, newest first.
pub async fn pending(db: &Db, now: i64) -> Result<Vec<InvitationRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM staff_invitations
         WHERE accepted_at IS NULL AND withdrawn_at IS NULL AND expires_at > $1
         ORDER BY created_at DESC LIMIT 500"
    ))
    .bind(now)
    .fetch_all(&db.pool)
    .await?)
}
