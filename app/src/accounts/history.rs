//! The account history its owner reads: who signed in, from where and with what, and every
//! change to how the account is protected. Entries are written in the same transaction as what
//! they describe where there is one, and read a page at a time, newest first.

use super::model::{AccountEvent, AccountEventKind, AccountHistoryPage, AuthMethod};
use crate::{
    error::AppError,
    i18n::Locale,
    infra::{audit, db::Db},
};
use sqlx::{Any, Executor};
use std::net::IpAddr;

/// Entries per page of the history.
pub const PAGE_SIZE: i64 = 20;

/// Where a request came from, as the history shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The client address (the trusted one, see `infra::request::client_ip`).
    pub ip: Option<IpAddr>,
    /// A short description of the browser (`infra::request::device_label`).
    pub device: Option<String>,
}

impl Origin {
    /// The origin of the current request (empty outside a request).
    pub fn current() -> Self {
        Origin {
            ip: crate::infra::request::client_ip().ok(),
            device: crate::infra::request::request_device(),
        }
    }
}

/// One thing to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// The account.
    pub account_id: &'a str,
    /// What happened.
    pub kind: AccountEventKind,
    /// The method involved, if any.
    pub method: Option<AuthMethod>,
    /// Where the request came from.
    pub origin: &'a Origin,
}

/// Records `event` at `now` through `executor` (the caller's transaction, or the pool).
pub async fn record<'c, E>(executor: E, event: &NewEvent<'_>, now: i64) -> Result<(), AppError>
where
    E: Executor<'c, Database = Any>,
{
    sqlx::query(
        "INSERT INTO account_events (id, account_id, kind, method, ip, device, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(audit::entry_id())
    .bind(event.account_id)
    .bind(event.kind.as_str())
    .bind(event.method.map(AuthMethod::as_str))
    .bind(event.origin.ip.map(|ip| ip.to_string()))
    .bind(event.origin.device.as_deref())
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// Records `event` on its own, logging instead of failing: for events about a request that is
/// refused anyway (a failed sign-in), whose answer must not change if the history cannot be
/// written.
pub async fn record_quietly(db: &Db, event: &NewEvent<'_>, now: i64) {
    if let Err(error) = record(&db.pool, event, now).await {
        tracing::error!(%error, kind = event.kind.as_str(), "could not record an account event");
    }
}

/// Records `event` after the current request has been answered, logging a failure: for a failed
/// sign-in, whose answer must take the same time whether or not the address has an account (an
/// awaited write for known accounts only would tell them apart, SECURITY.md item 8).
pub fn record_after_answer(db: &Db, event: &NewEvent<'_>, now: i64) {
    let db = db.clone();
    let account_id = event.account_id.to_owned();
    let (kind, method, origin) = (event.kind, event.method, event.origin.clone());
    tokio::spawn(async move {
        let event = NewEvent {
            account_id: &account_id,
            kind,
            method,
            origin: &origin,
        };
        record_quietly(&db, &event, now).await;
    });
}

/// A position in the history: the entry after which a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The time of the last entry shown.
    pub occurred_at: i64,
    /// Its id (entries of the same second are ordered by id).
    pub id: String,
}

impl Cursor {
    /// The cursor as it travels in a link (`<time>.<id>`).
    pub fn encode(&self) -> String {
        format!("{}.{}", self.occurred_at, self.id)
    }

    /// Reads a cursor from a link; `None` for anything malformed.
    pub fn parse(text: &str) -> Option<Self> {
        let (at, id) = text.split_once('.')?;
        let valid_id =
            !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
        Some(Cursor {
            occurred_at: at.parse().ok()?,
            id: id.to_owned(),
        })
        .filter(|_| valid_id)
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    /// Row id.
    pub id: String,
    /// Stored kind name.
    pub kind: String,
    /// Stored method name.
    pub method: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// Device description.
    pub device: Option<String>,
    /// When.
    pub occurred_at: i64,
}

/// Up to `limit` entries of the account, newest first, after `cursor` if given.
pub async fn page(
    db: &Db,
    account_id: &str,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<StoredEvent>, AppError> {
    const COLUMNS: &str = "SELECT id, kind, method, ip, device, occurred_at FROM account_events";
    let rows = match cursor {
        Some(cursor) => {
            sqlx::query_as(&format!(
                "{COLUMNS} WHERE account_id = $1
                   AND (occurred_at < $2 OR (occurred_at = $2 AND id < $3))
                 ORDER BY occurred_at DESC, id DESC LIMIT $4"
            ))
            .bind(account_id)
            .bind(cursor.occurred_at)
            .bind(cursor.id.clone())
            .bind(limit)
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "{COLUMNS} WHERE account_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2"
            ))
            .bind(account_id)
            .bind(limit)
            .fetch_all(&db.pool)
            .await?
        }
    };
    Ok(rows)
}

/// The history page after `cursor`, in `locale`'s words.
pub async fn history_page(
    db: &Db,
    account_id: &str,
    cursor: Option<&Cursor>,
    locale: Locale,
) -> Result<AccountHistoryPage, AppError> {
    let mut rows = page(db, account_id, cursor, PAGE_SIZE + 1).await?;
    let older = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|last| {
            Cursor {
                occurred_at: last.occurred_at,
                id: last.id.clone(),
            }
            .encode()
        })
    });
    let events = rows
        .into_iter()
        .filter_map(|row| {
            Some(AccountEvent {
                kind: AccountEventKind::parse(&row.kind)?,
                method: row.method.as_deref().and_then(AuthMethod::parse),
                when: crate::i18n::long_date_time(row.occurred_at, locale),
                ip: row.ip.as_deref().map(crate::infra::geo::describe),
                device: row.device,
            })
        })
        .collect();
    Ok(AccountHistoryPage {
        events,
        older: older.flatten(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_anything_else() {
        let cursor = Cursor {
            occurred_at: 1_795_737_615,
            id: "0187abcdef".into(),
        };
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        for bad in ["", "x.abc", "12", "12.", "12.xyz", "12.ab' OR 1=1", "-.ab"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_kind_and_method_round_trips_through_its_stored_name() {
        for kind in AccountEventKind::ALL {
            assert_eq!(AccountEventKind::parse(kind.as_str()), Some(kind));
        }
        for method in AuthMethod::ALL {
            assert_eq!(AuthMethod::parse(method.as_str()), Some(method));
        }
    }
}
