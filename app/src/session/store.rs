//! Session rows, the per-request session handle, and the cookie that names a session.

use super::model::AuthState;
use crate::{
    error::AppError,
    infra::{crypto, db::Db, state::Policy},
};
use std::sync::{Arc, Mutex};

/// Name of the session cookie: the `__Host-` prefix pins it to this exact origin, over HTTPS, path `/`.
pub const SESSION_COOKIE: &str = "__Host-caseport-session";

/// Sessions are touched (last activity written) at most this often, to spare the database.
const TOUCH_EVERY_SECS: i64 = 60;

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the cookie value; the value itself is never stored.
    pub id_hash: String,
    /// The flow step.
    pub state: AuthState,
    /// When this session id was issued (the absolute timeout counts from here).
    pub created_at: i64,
    /// The last activity recorded (requests within a minute of it are not written again).
    pub last_seen_at: i64,
    /// When the person last proved who they were with every factor (sign-in or re-authentication).
    pub authenticated_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    state: String,
    created_at: i64,
    last_seen_at: i64,
    authenticated_at: Option<i64>,
}

const SESSION_ROW: &str =
    "SELECT state, created_at, last_seen_at, authenticated_at FROM sessions WHERE id_hash = $1";

/// What happened to the session cookie a request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// A live session.
    Valid(SessionRecord),
    /// There was a session but it timed out (idle or absolute) and has been deleted.
    Expired,
    /// No cookie or no such session.
    Missing,
}

/// Looks up the session named by `token`, enforcing the idle and absolute timeouts, and records
/// the request as activity (reads count).
pub async fn load(db: &Db, policy: &Policy, token: &str, now: i64) -> Result<Loaded, AppError> {
    let id_hash = crypto::sha256_hex(token.as_bytes());
    let row: Option<SessionRow> = sqlx::query_as(SESSION_ROW)
        .bind(&id_hash)
        .fetch_optional(&db.pool)
        .await?;
    let Some(SessionRow {
        state: state_json,
        created_at,
        last_seen_at,
        authenticated_at,
    }) = row
    else {
        return Ok(Loaded::Missing);
    };
    let idle_expired = now - last_seen_at > policy.session_idle_secs;
    let absolute_expired = now - created_at > policy.session_absolute_secs;
    if idle_expired || absolute_expired {
        delete(db, &id_hash).await?;
        tracing::info!(
            reason = if idle_expired { "idle" } else { "absolute" },
            "session expired"
        );
        return Ok(Loaded::Expired);
    }
    let state: AuthState = serde_json::from_str(&state_json)
        .map_err(|e| AppError::internal(format_args!("session state: {e}")))?;
    let touched = now - last_seen_at >= TOUCH_EVERY_SECS;
    if touched {
        touch(db, &id_hash, now).await?;
    }
    Ok(Loaded::Valid(SessionRecord {
        id_hash,
        state,
        created_at,
        last_seen_at: if touched { now } else { last_seen_at },
        authenticated_at,
    }))
}

/// Records activity on the session `id_hash` at `now`.
pub async fn touch(db: &Db, id_hash: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The state of the session named by `token` if it is valid now, without recording activity: for
/// connections that stay open on their own (live updates), which must not keep a session alive.
pub async fn peek(
    db: &Db,
    policy: &Policy,
    token: &str,
    now: i64,
) -> Result<Option<AuthState>, AppError> {
    let id_hash = crypto::sha256_hex(token.as_bytes());
    let row: Option<SessionRow> = sqlx::query_as(SESSION_ROW)
        .bind(&id_hash)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.and_then(|row| {
        let live = now - row.last_seen_at <= policy.session_idle_secs
            && now - row.created_at <= policy.session_absolute_secs;
        live.then(|| serde_json::from_str(&row.state).ok())
            .flatten()
    }))
}

/// Ends every session of the account except `keep` and those recovering a password, inside the
/// caller's transaction: "sign out every other device".
pub async fn end_other_signed_in_sessions(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account_id: &str,
    keep: &str,
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2
           AND state NOT LIKE '{RECOVERING_STATE}'"
    ))
    .bind(account_id)
    .bind(keep)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends every session of the account except `keep` (a credential changed), inside the caller's
/// transaction.
pub async fn end_other_sessions(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account_id: &str,
    keep: &str,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2")
        .bind(account_id)
        .bind(keep)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One live session of an account, as its Devices page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActiveSession {
    /// The public id (never the id hash).
    pub public_id: String,
    /// The flow state, as stored (JSON).
    pub state: String,
    /// Client address when the id was issued.
    pub ip: Option<String>,
    /// Browser description when the id was issued.
    pub device: Option<String>,
    /// When the id was issued.
    pub created_at: i64,
    /// Last request seen.
    pub last_seen_at: i64,
}

/// Up to `limit` live sessions of the account at `now`, most recently used first, after the
/// `(last_seen_at, public_id)` cursor if given (keyset pagination).
pub async fn active_sessions(
    db: &Db,
    policy: &Policy,
    account_id: &str,
    after: Option<(i64, &str)>,
    limit: i64,
    now: i64,
) -> Result<Vec<ActiveSession>, AppError> {
    let (seen, id) = after.unwrap_or((i64::MAX, ""));
    let strict = after.is_some();
    Ok(sqlx::query_as(
        "SELECT public_id, state, ip, device, created_at, last_seen_at FROM sessions
         WHERE account_id = $1 AND public_id IS NOT NULL
           AND last_seen_at >= $2 AND created_at >= $3
           AND ($4 = 0 OR last_seen_at < $5 OR (last_seen_at = $5 AND public_id < $6))
         ORDER BY last_seen_at DESC, public_id DESC LIMIT $7",
    )
    .bind(account_id)
    .bind(now - policy.session_idle_secs)
    .bind(now - policy.session_absolute_secs)
    .bind(i64::from(strict))
    .bind(seen)
    .bind(id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// The public id of the session whose stored id is `id_hash`.
pub async fn public_id_of(db: &Db, id_hash: &str) -> Result<Option<String>, AppError> {
    let found: Option<Option<String>> =
        sqlx::query_scalar("SELECT public_id FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .fetch_optional(&db.pool)
            .await?;
    Ok(found.flatten())
}

/// The stored state of sessions recovering a password begins with this: a signed-in session
/// never ends those (the owner may be using one to throw out someone who stole a session).
const RECOVERING_STATE: &str = "{\"step\":\"recovering\"%";

/// Ends the account's session with `public_id` inside the caller's transaction, unless it is
/// recovering a password; false when the account has no such session.
pub async fn end_session_by_public_id(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account_id: &str,
    public_id: &str,
) -> Result<bool, AppError> {
    let ended = sqlx::query(&format!(
        "DELETE FROM sessions WHERE account_id = $1 AND public_id = $2
           AND state NOT LIKE '{RECOVERING_STATE}'"
    ))
    .bind(account_id)
    .bind(public_id)
    .execute(&mut **tx)
    .await?;
    Ok(ended.rows_affected() == 1)
}

async fn delete(db: &Db, id_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// What the response must do with the cookie.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CookieAction {
    /// Leave it alone.
    #[default]
    Keep,
    /// Set a new session id.
    Set(String),
    /// Expire the cookie and clear site data.
    Clear,
}

#[derive(Debug, Default)]
struct Slot {
    current: Option<SessionRecord>,
    expired: bool,
    cookie: CookieAction,
    known_device: Option<String>,
}

/// The session of one request, shared between the middleware (which loads it and writes the cookie)
/// and the server functions (which change it).
#[derive(Debug, Clone, Default)]
pub struct SessionHandle(Arc<Mutex<Slot>>);

impl SessionHandle {
    /// The handle for a request, as loaded by the middleware.
    pub fn from_loaded(loaded: Loaded) -> Self {
        let slot = match loaded {
            Loaded::Valid(record) => Slot {
                current: Some(record),
                ..Slot::default()
            },
            Loaded::Expired => Slot {
                expired: true,
                ..Slot::default()
            },
            Loaded::Missing => Slot::default(),
        };
        Self(Arc::new(Mutex::new(slot)))
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current flow step, if there is a live session.
    pub fn state(&self) -> Option<AuthState> {
        self.slot().current.as_ref().map(|r| r.state.clone())
    }

    /// The stored (hashed) id of the live session, used as a throttling key for anonymous steps.
    pub fn id_hash(&self) -> Option<String> {
        self.slot().current.as_ref().map(|r| r.id_hash.clone())
    }

    /// The last activity recorded for the session, if there is a live one.
    pub fn last_seen_at(&self) -> Option<i64> {
        self.slot().current.as_ref().map(|r| r.last_seen_at)
    }

    /// When the session last proved every factor (see [`SessionRecord::authenticated_at`]).
    pub fn authenticated_at(&self) -> Option<i64> {
        self.slot()
            .current
            .as_ref()
            .and_then(|r| r.authenticated_at)
    }

    /// True when the request carried a session that had just timed out.
    pub fn expired(&self) -> bool {
        self.slot().expired
    }

    /// What the middleware must do with the cookie.
    pub fn cookie_action(&self) -> CookieAction {
        self.slot().cookie.clone()
    }

    /// Asks the middleware to remember this browser with a known-device token.
    pub fn remember_device(&self, token: String) {
        self.slot().known_device = Some(token);
    }

    /// The known-device token to set on the response, if a sign-in just completed.
    pub fn device_to_remember(&self) -> Option<String> {
        self.slot().known_device.clone()
    }

    /// Moves to `state` under a brand-new session id (the old row is deleted): used at every
    /// privilege change, so an id seen before sign-in is worthless after it.
    pub async fn rotate_to(&self, db: &Db, state: AuthState, now: i64) -> Result<(), AppError> {
        let old = self.slot().current.as_ref().map(|r| r.id_hash.clone());
        let token = crypto::random_token();
        let id_hash = crypto::sha256_hex(token.as_bytes());
        let state_json = serde_json::to_string(&state).map_err(AppError::internal)?;
        let mut tx = db.begin_write().await?;
        if let Some(old) = &old {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, state, created_at, last_seen_at, authenticated_at,
                                   updated_at, public_id, ip, device)
             VALUES ($1, $2, $3, $4, $4, $5, $4, $6, $7, $8)",
        )
        .bind(&id_hash)
        .bind(state.account_id().map(str::to_owned))
        .bind(&state_json)
        .bind(now)
        .bind(matches!(state, AuthState::SignedIn { .. }).then_some(now))
        .bind(crypto::random_hex(16))
        .bind(crate::infra::request::client_ip().ok().map(|ip| ip.to_string()))
        .bind(crate::infra::request::request_device())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let authenticated_at = matches!(state, AuthState::SignedIn { .. }).then_some(now);
        let mut slot = self.slot();
        slot.current = Some(SessionRecord {
            id_hash,
            state,
            created_at: now,
            last_seen_at: now,
            authenticated_at,
        });
        slot.cookie = CookieAction::Set(token);
        Ok(())
    }

    /// Ends the session on the server and tells the browser to forget it.
    pub async fn destroy(&self, db: &Db) -> Result<(), AppError> {
        let current = self.slot().current.take();
        if let Some(record) = current {
            delete(db, &record.id_hash).await?;
        }
        self.slot().cookie = CookieAction::Clear;
        Ok(())
    }
}

/// The `Set-Cookie` value for a new session id. No `Max-Age`: the cookie dies with the browser and
/// the server enforces the timeouts.
pub fn set_cookie_header(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Lax")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie_header() -> String {
    format!("{SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Seconds until the current request's session idles out (`None` without a live session).
pub fn idle_seconds_left() -> Option<i64> {
    let state = crate::infra::state::use_app_state().ok()?;
    let last_seen = use_session().ok()?.last_seen_at()?;
    Some((state.policy.session_idle_secs - (state.now() - last_seen)).max(0))
}

/// The session of the current request, from Leptos context.
pub fn use_session() -> Result<SessionHandle, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SessionHandle>().cloned())
        .ok_or_else(|| AppError::internal("session handle missing from request"))
}
