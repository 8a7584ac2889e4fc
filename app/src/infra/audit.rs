//! The audit log: every staff action and security event, recorded append-only and chained by
//! HMAC so that tampering is detectable. A request records its entry in the same transaction as
//! the change it describes ([`record`]), unsealed; [`seal_pending`] (a background task in every
//! server instance) then gives entries their place in the one chain: `seq` counts from 1 and each
//! `hash` is an HMAC, under the master key's MAC key, over the entry and the previous hash. The
//! database refuses updates of sealed entries and every delete (triggers); [`verify`] recomputes
//! the chain and finds an entry that was changed, removed or reordered by someone who got past
//! that. Writers never wait for each other: only the sealers serialise, on the `audit_head` row.

use super::{crypto, db::Db, state::AppState};
use crate::error::AppError;
use sqlx::{Any, Executor};
use std::time::Duration;

/// One thing that happened, as the caller describes it.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    /// Stable name of what happened, e.g. `case.status_changed`, `sign_in.failed`.
    pub action: &'a str,
    /// Who did it (an account id), if anyone signed in did.
    pub actor_id: Option<&'a str>,
    /// What it was done to (a case id, an account id), if anything.
    pub subject: Option<&'a str>,
    /// The client address, when a request caused it.
    pub ip: Option<String>,
    /// Further facts as a JSON object (never secrets).
    pub detail: serde_json::Value,
}

/// An id that sorts in the order entries were recorded by this process (a strictly rising
/// nanosecond count, then 64 random bits), so sealing keeps each instance's order even within one
/// second of the application clock.
pub fn entry_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST: AtomicU64 = AtomicU64::new(0);
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let mut previous = LAST.load(Ordering::Relaxed);
    let stamp = loop {
        let next = wall.max(previous + 1);
        match LAST.compare_exchange(previous, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break next,
            Err(actual) => previous = actual,
        }
    };
    format!("{stamp:016x}{}", crypto::random_hex(8))
}

/// Records `event` at `now` as part of the caller's transaction: it exists exactly when the change
/// it describes is committed.
pub async fn record<'c, E>(executor: E, event: &AuditEvent<'_>, now: i64) -> Result<(), AppError>
where
    E: Executor<'c, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (id, seq, at, actor_id, action, subject, ip, detail, prev_hash, hash, created_at)
         VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, NULL, NULL, $2)",
    )
    .bind(entry_id())
    .bind(now)
    .bind(event.actor_id)
    .bind(event.action)
    .bind(event.subject)
    .bind(event.ip.as_deref())
    .bind(event.detail.to_string())
    .execute(executor)
    .await?;
    Ok(())
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    /// Recording order within this process, then random bits.
    pub id: String,
    /// Place in the chain (`None` until sealed).
    pub seq: Option<i64>,
    /// When it happened.
    pub at: i64,
    /// Who did it.
    pub actor_id: Option<String>,
    /// What happened.
    pub action: String,
    /// What it was done to.
    pub subject: Option<String>,
    /// The client address.
    pub ip: Option<String>,
    /// JSON facts.
    pub detail: String,
    /// The previous entry's hash (`genesis` for the first).
    pub prev_hash: Option<String>,
    /// This entry's hash.
    pub hash: Option<String>,
}

const ENTRY_COLUMNS: &str = "id, seq, at, actor_id, action, subject, ip, detail, prev_hash, hash";

/// The chain hash of `entry` at position `seq` after `prev_hash`: an HMAC over every field,
/// separated by a byte no field contains unescaped (unit separator; `detail` is JSON, which
/// escapes control characters).
pub fn chain_hash(keys: &crypto::Keys, entry: &AuditEntry, seq: i64, prev_hash: &str) -> String {
    let field = |value: &Option<String>| value.clone().unwrap_or_default();
    let text = [
        "caseport-audit-v1".to_owned(),
        seq.to_string(),
        prev_hash.to_owned(),
        entry.id.clone(),
        entry.at.to_string(),
        field(&entry.actor_id),
        entry.action.clone(),
        field(&entry.subject),
        field(&entry.ip),
        entry.detail.clone(),
    ]
    .join("\u{1f}");
    keys.mac_hex(text.as_bytes())
}

/// Entries sealed per transaction.
const SEAL_BATCH: i64 = 500;

/// Seals waiting entries, oldest first, in batches; returns how many were sealed.
pub async fn seal_pending(state: &AppState) -> Result<u64, AppError> {
    let mut sealed = 0;
    loop {
        let batch = seal_batch(state).await?;
        sealed += batch;
        if batch < SEAL_BATCH as u64 {
            return Ok(sealed);
        }
    }
}

async fn seal_batch(state: &AppState) -> Result<u64, AppError> {
    let mut tx = state.db.begin_write().await?;
    let (mut seq, mut hash): (i64, String) = sqlx::query_as(&format!(
        "SELECT seq, hash FROM audit_head WHERE id = 1{}",
        state.db.for_update()
    ))
    .fetch_one(&mut *tx)
    .await?;
    let pending: Vec<AuditEntry> = sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY created_at, id LIMIT $1"
    ))
    .bind(SEAL_BATCH)
    .fetch_all(&mut *tx)
    .await?;
    let count = pending.len() as u64;
    for entry in &pending {
        seq += 1;
        let next = chain_hash(&state.keys, entry, seq, &hash);
        sqlx::query("UPDATE audit_log SET seq = $2, prev_hash = $3, hash = $4 WHERE id = $1 AND seq IS NULL")
            .bind(&entry.id)
            .bind(seq)
            .bind(&hash)
            .bind(&next)
            .execute(&mut *tx)
            .await?;
        hash = next;
    }
    if count > 0 {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(count)
}

/// Seals entries every `interval` until the process ends (one per server instance; they take
/// turns on the head row).
pub async fn run_sealer(state: AppState, interval: Duration) {
    loop {
        if let Err(error) = seal_pending(&state).await {
            tracing::error!(?error, "sealing the audit log failed");
        }
        tokio::time::sleep(interval).await;
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Sealed entries checked.
    pub sealed: i64,
    /// Entries not sealed yet.
    pub unsealed: i64,
    /// The first problem found (the chain is intact when `None`).
    pub problem: Option<String>,
}

/// Recomputes the whole chain from the first entry and compares it with the head.
pub async fn verify(db: &Db, keys: &crypto::Keys) -> Result<ChainReport, AppError> {
    let mut expected_prev = "genesis".to_owned();
    let mut expected_seq = 0i64;
    let mut problem = None;
    let mut after = 0i64;
    'pages: loop {
        let page: Vec<AuditEntry> = sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000"
        ))
        .bind(after)
        .fetch_all(&db.pool)
        .await?;
        if page.is_empty() {
            break;
        }
        for entry in &page {
            let seq = entry.seq.unwrap_or_default();
            expected_seq += 1;
            if seq != expected_seq {
                problem = Some(format!("entry {expected_seq} is missing (next is {seq})"));
                break 'pages;
            }
            if entry.prev_hash.as_deref() != Some(expected_prev.as_str()) {
                problem = Some(format!("entry {seq} does not follow entry {}", seq - 1));
                break 'pages;
            }
            let hash = chain_hash(keys, entry, seq, &expected_prev);
            if entry.hash.as_deref() != Some(hash.as_str()) {
                problem = Some(format!("entry {seq} was changed after it was sealed"));
                break 'pages;
            }
            expected_prev = hash;
            after = seq;
        }
    }
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&db.pool)
            .await?;
    if problem.is_none() && (head_seq != expected_seq || head_hash != expected_prev) {
        problem = Some(format!(
            "the chain ends at entry {expected_seq} but the head names entry {head_seq}"
        ));
    }
    let unsealed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL")
        .fetch_one(&db.pool)
        .await?;
    Ok(ChainReport {
        sealed: expected_seq,
        unsealed,
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_rise_in_the_order_they_are_made() {
        let ids: Vec<String> = (0..1000).map(|_| entry_id()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(ids.iter().all(|id| id.len() == 32));
    }
}
