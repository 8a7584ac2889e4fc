//! The hard stop after 100 failures in a row of one sign-in method (SECURITY.md item 10).
//! Throttling slows guessing down; this ends it: at the 100th consecutive failure the method is
//! turned off for the account, the history records it and the owner is told. A success clears the
//! count. Only recovery (for the password) or setting the method up again lifts the stop, so the
//! owner is never locked out for good while an attacker's guessing is.

use super::{
    history::{self, NewEvent, Origin},
    model::{AccountEventKind, AuthMethod},
};
use crate::{
    error::AppError,
    i18n::Locale,
    infra::{crypto::Keys, db::Db, outbox, state::AppState},
};
use sqlx::{Any, Executor};

/// Consecutive failures of one method that turn it off.
pub const HARD_STOP_FAILURES: i64 = 100;

/// Whether `method` is turned off for the account; when it is not, a success clears its count
/// (call this once the method's secret was verified).
pub async fn passed(db: &Db, account_id: &str, method: AuthMethod) -> Result<bool, AppError> {
    let row: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT disabled_at FROM factor_failures WHERE account_id = $1 AND method = $2",
    )
    .bind(account_id)
    .bind(method.as_str())
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(Some(_)) => Ok(false),
        Some(None) => {
            sqlx::query(
                "DELETE FROM factor_failures
                 WHERE account_id = $1 AND method = $2 AND disabled_at IS NULL",
            )
            .bind(account_id)
            .bind(method.as_str())
            .execute(&db.pool)
            .await?;
            Ok(true)
        }
        None => Ok(true),
    }
}

/// Whether `method` is turned off for the account.
pub async fn is_off(db: &Db, account_id: &str, method: AuthMethod) -> Result<bool, AppError> {
    let disabled: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT disabled_at FROM factor_failures WHERE account_id = $1 AND method = $2",
    )
    .bind(account_id)
    .bind(method.as_str())
    .fetch_optional(&db.pool)
    .await?;
    Ok(matches!(disabled, Some(Some(_))))
}

/// The methods turned off for the account.
pub async fn turned_off(db: &Db, account_id: &str) -> Result<Vec<AuthMethod>, AppError> {
    let methods: Vec<String> = sqlx::query_scalar(
        "SELECT method FROM factor_failures WHERE account_id = $1 AND disabled_at IS NOT NULL",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(methods
        .iter()
        .filter_map(|m| AuthMethod::parse(m))
        .collect())
}

/// Who failed, with what, for [`count_failure`].
pub struct Failure<'a> {
    /// The account.
    pub account_id: &'a str,
    /// The method that failed.
    pub method: AuthMethod,
    /// The language of the notice.
    pub locale: Locale,
    /// Where the attempt came from, for the history.
    pub origin: &'a Origin,
}

/// Counts one failure of the method; at the 100th in a row turns it off, records it and queues
/// the notice to the account's address, all in one transaction. Returns whether this failure
/// turned it off.
pub async fn count_failure(
    db: &Db,
    keys: &Keys,
    failure: Failure<'_>,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    let (consecutive, disabled_at): (i64, Option<i64>) = sqlx::query_as(
        "INSERT INTO factor_failures (account_id, method, consecutive, updated_at)
         VALUES ($1, $2, 1, $3)
         ON CONFLICT (account_id, method) DO UPDATE
           SET consecutive = factor_failures.consecutive + 1, updated_at = $3
         RETURNING consecutive, disabled_at",
    )
    .bind(failure.account_id)
    .bind(failure.method.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if consecutive < HARD_STOP_FAILURES || disabled_at.is_some() {
        tx.commit().await?;
        return Ok(false);
    }
    sqlx::query(
        "UPDATE factor_failures SET disabled_at = $1 WHERE account_id = $2 AND method = $3",
    )
    .bind(now)
    .bind(failure.account_id)
    .bind(failure.method.as_str())
    .execute(&mut *tx)
    .await?;
    let email: String = sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1")
        .bind(failure.account_id)
        .fetch_one(&mut *tx)
        .await?;
    let notice = super::emails::method_turned_off(failure.locale, &email, failure.method);
    outbox::enqueue(&mut *tx, keys, &notice, now).await?;
    let event = NewEvent {
        account_id: failure.account_id,
        kind: AccountEventKind::FactorDisabled,
        method: Some(failure.method),
        origin: failure.origin,
    };
    history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    tracing::warn!(account_id = %failure.account_id, method = failure.method.as_str(), "sign-in method turned off after {HARD_STOP_FAILURES} failures in a row");
    Ok(true)
}

/// [`count_failure`] after the answer has gone (for the password step, whose answer must take the
/// same time whether or not the address has an account); problems are logged.
pub fn count_failure_after_answer(state: &AppState, failure: Failure<'_>, now: i64) {
    let state = state.clone();
    let (account_id, method, locale, origin) = (
        failure.account_id.to_owned(),
        failure.method,
        failure.locale,
        failure.origin.clone(),
    );
    tokio::spawn(async move {
        let failure = Failure {
            account_id: &account_id,
            method,
            locale,
            origin: &origin,
        };
        if let Err(error) = count_failure(&state.db, &state.keys, failure, now).await {
            tracing::error!(%error, "could not count a sign-in failure");
        }
    });
}

/// Turns `method` off for the account at once, inside the caller's transaction: its owner said a
/// sign-in was not theirs, so whoever knows it must not use it again. Lifted like the hard stop.
pub async fn turn_off<'c, E>(
    executor: E,
    account_id: &str,
    method: AuthMethod,
    now: i64,
) -> Result<(), AppError>
where
    E: Executor<'c, Database = Any>,
{
    sqlx::query(
        "INSERT INTO factor_failures (account_id, method, consecutive, disabled_at, updated_at)
         VALUES ($1, $2, 0, $3, $3)
         ON CONFLICT (account_id, method) DO UPDATE
           SET disabled_at = COALESCE(factor_failures.disabled_at, $3), updated_at = $3",
    )
    .bind(account_id)
    .bind(method.as_str())
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// Lifts the stop (and the count) of `method`: the method was set up again, or (the password)
/// replaced through recovery.
pub async fn lift<'c, E>(executor: E, account_id: &str, method: AuthMethod) -> Result<(), AppError>
where
    E: Executor<'c, Database = Any>,
{
    sqlx::query("DELETE FROM factor_failures WHERE account_id = $1 AND method = $2")
        .bind(account_id)
        .bind(method.as_str())
        .execute(executor)
        .await?;
    Ok(())
}

/// Lifts the stops (and counts) of every method of the account: support staff unlocked it after
/// checking who the person is.
pub async fn lift_all(db: &Db, account_id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM factor_failures WHERE account_id = $1")
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
