//! Side effects leave the request: a message is written to the `outbox` table in the same
//! transaction as the change that causes it, and a background worker delivers it with retries and
//! backoff. A request never waits for (or fails because of) the mail relay, a message survives a
//! restart, and a lease on each claimed row keeps two workers — or two server instances — from
//! sending the same message twice. If a worker dies after the relay accepted a message but before
//! recording it, the message goes out again after the lease: at least once, always with the same
//! `Message-ID`, so the receiving side can drop the copy.
//!
//! Text messages (`channel = 'sms'`) take the same path to the state's `SmsSender`. A message
//! queued for an event carries the event's key, unique in the table, so one event is queued once.
//!
//! The payload (recipient, subject, body) is encrypted with the row id as associated data, since
//! bodies carry one-time codes; it is wiped once the message is sent.

use super::{crypto::Keys, db::DbKind, sms::OutgoingSms, state::AppState};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use sqlx::{Any, Executor};
use std::time::Duration;

/// An email ready to be sent, as its domain's template rendered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// How long a worker may hold a claimed message before another worker may take it over. Longer
/// than any SMTP exchange (lettre gives up after a minute).
pub const LEASE_SECS: i64 = 120;

/// After this many failed deliveries a message is abandoned (and logged as an error): with the
/// backoff below that is about a day of trying.
pub const MAX_ATTEMPTS: i64 = 30;

/// Seconds to wait before delivery attempt `attempts + 1`: 5 s doubling to at most an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exponent = (attempts - 1).clamp(0, 10) as u32;
    (5i64 << exponent).min(3600)
}

/// Queues `email` for delivery as part of the caller's transaction (or connection), so the
/// message exists exactly when the change that caused it is committed.
pub async fn enqueue<'c, E>(
    executor: E,
    keys: &Keys,
    email: &OutgoingEmail,
    now: i64,
) -> Result<String, AppError>
where
    E: Executor<'c, Database = Any>,
{
    let payload = serde_json::to_vec(email).map_err(AppError::internal)?;
    insert(executor, keys, "email", &payload, None, now)
        .await
        .map(|id| id.unwrap_or_default())
}

/// Queues a message for the event named `event_key` on `channel` (`email` or `sms`) unless one was
/// queued for it already: a repeated event sends nothing twice. `Ok(None)` when it was a repeat.
pub async fn enqueue_for_event<'c, E, T: Serialize>(
    executor: E,
    keys: &Keys,
    channel: &'static str,
    message: &T,
    event_key: &str,
    now: i64,
) -> Result<Option<String>, AppError>
where
    E: Executor<'c, Database = Any>,
{
    let payload = serde_json::to_vec(message).map_err(AppError::internal)?;
    insert(executor, keys, channel, &payload, Some(event_key), now).await
}

async fn insert<'c, E>(
    executor: E,
    keys: &Keys,
    channel: &'static str,
    payload: &[u8],
    event_key: Option<&str>,
    now: i64,
) -> Result<Option<String>, AppError>
where
    E: Executor<'c, Database = Any>,
{
    let id = super::crypto::random_hex(16);
    let ciphertext = keys.encrypt(payload, &format!("outbox|{id}"));
    let done = sqlx::query(
        "INSERT INTO outbox (id, channel, payload, attempts, next_attempt_at, event_key, created_at,
                             updated_at)
         VALUES ($1, $2, $3, 0, $4, $5, $4, $4)
         ON CONFLICT (event_key) DO NOTHING",
    )
    .bind(&id)
    .bind(channel)
    .bind(ciphertext)
    .bind(now)
    .bind(event_key)
    .execute(executor)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

/// A message a worker has claimed.
struct Claimed {
    id: String,
    channel: String,
    payload: Vec<u8>,
    attempts: i64,
}

async fn claim_next(state: &AppState, now: i64) -> Result<Option<Claimed>, AppError> {
    // PostgreSQL: rows another instance is claiming right now are skipped, not waited for.
    let lock = match state.db.kind {
        DbKind::Postgres => "FOR UPDATE SKIP LOCKED",
        DbKind::Sqlite => "",
    };
    let row: Option<(String, String, Vec<u8>, i64)> = sqlx::query_as(&format!(
        "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1, updated_at = $2
         WHERE id = (
             SELECT id FROM outbox
             WHERE sent_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= $2
               AND (claimed_until IS NULL OR claimed_until <= $2)
             ORDER BY next_attempt_at, created_at
             LIMIT 1 {lock})
           AND (claimed_until IS NULL OR claimed_until <= $2)
         RETURNING id, channel, payload, attempts"
    ))
    .bind(now + LEASE_SECS)
    .bind(now)
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(row.map(|(id, channel, payload, attempts)| Claimed {
        id,
        channel,
        payload,
        attempts,
    }))
}

async fn mark_sent(state: &AppState, id: &str, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, claimed_until = NULL, payload = $2, last_error = NULL,
                updated_at = $1
         WHERE id = $3",
    )
    .bind(now)
    .bind(Vec::<u8>::new())
    .bind(id)
    .execute(&state.db.pool)
    .await?;
    Ok(())
}

async fn mark_failed(
    state: &AppState,
    claimed: &Claimed,
    error: &str,
    now: i64,
) -> Result<(), AppError> {
    let abandon = claimed.attempts >= MAX_ATTEMPTS;
    sqlx::query(
        "UPDATE outbox SET claimed_until = NULL, next_attempt_at = $1, last_error = $2,
                abandoned_at = $3, updated_at = $4
         WHERE id = $5",
    )
    .bind(now + backoff_secs(claimed.attempts))
    .bind(error.chars().take(500).collect::<String>())
    .bind(abandon.then_some(now))
    .bind(now)
    .bind(&claimed.id)
    .execute(&state.db.pool)
    .await?;
    if abandon {
        tracing::error!(message_id = %claimed.id, attempts = claimed.attempts, "outbox message abandoned");
    } else {
        tracing::warn!(message_id = %claimed.id, attempts = claimed.attempts, "outbox delivery failed; will retry");
    }
    Ok(())
}

/// Claims and delivers one due message; `Ok(false)` when none is due.
pub async fn deliver_one(state: &AppState) -> Result<bool, AppError> {
    let now = state.now();
    let Some(claimed) = claim_next(state, now).await? else {
        return Ok(false);
    };
    let plain = match state
        .keys
        .decrypt(&claimed.payload, &format!("outbox|{}", claimed.id))
    {
        Ok(plain) => plain,
        Err(error) => {
            let error = format!("unreadable payload: {error}");
            mark_failed(state, &claimed, &error, now).await?;
            return Ok(true);
        }
    };
    let sent = match claimed.channel.as_str() {
        "sms" => match serde_json::from_slice::<OutgoingSms>(&plain) {
            Ok(sms) => state
                .sms
                .send(&claimed.id, &sms)
                .await
                .map_err(|e| e.to_string()),
            Err(error) => Err(format!("unreadable payload: {error}")),
        },
        _ => match serde_json::from_slice::<OutgoingEmail>(&plain) {
            Ok(email) => state
                .mailer
                .send_with_id(Some(&claimed.id), &email.to, &email.subject, email.body)
                .await
                .map_err(|e| e.to_string()),
            Err(error) => Err(format!("unreadable payload: {error}")),
        },
    };
    match sent {
        Ok(()) => {
            mark_sent(state, &claimed.id, state.now()).await?;
            tracing::info!(message_id = %claimed.id, channel = %claimed.channel, "outbox message sent");
        }
        Err(error) => mark_failed(state, &claimed, &error, state.now()).await?,
    }
    Ok(true)
}

/// Delivers due messages for as long as it runs: whenever woken by [`AppState::outbox_wakeup`]
/// and at least every `poll` (messages waiting for their retry time, other instances' rows).
pub async fn run_worker(state: AppState, poll: Duration) {
    loop {
        match deliver_one(&state).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::error!(%error, "outbox worker"),
        }
        let _ = tokio::time::timeout(poll, state.outbox_wakeup.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_five_seconds_doubling_to_an_hour() {
        assert_eq!(backoff_secs(1), 5);
        assert_eq!(backoff_secs(2), 10);
        assert_eq!(backoff_secs(3), 20);
        assert_eq!(backoff_secs(10), 2560);
        assert_eq!(backoff_secs(11), 3600);
        assert_eq!(backoff_secs(MAX_ATTEMPTS), 3600);
        let total: i64 = (1..MAX_ATTEMPTS).map(backoff_secs).sum();
        assert!(
            (20 * 3600..48 * 3600).contains(&total),
            "gives up after about a day: {total} s"
        );
    }
}
