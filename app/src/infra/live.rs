//! Live updates: after a change to a case commits, its owner's open pages hear of it without
//! reloading. Each server instance keeps a broadcast channel its `/live` connections listen to.
//! On SQLite (one instance) an announcement goes straight into that channel; on PostgreSQL it is a
//! `NOTIFY` on [`CHANNEL`], which every instance's [`run_listener`] (`LISTEN`) forwards into its
//! own channel, so a change made on one instance reaches pages connected to any other.
//!
//! Announcements are hints ("look again"), not data: a page that misses one (no connection at that
//! moment, an instance restarting) still shows the truth on its next load.

use super::{db::DbKind, state::AppState};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::broadcast;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "caseport_live";

/// Something changed on `case_id`, which belongs to `account_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// The account to tell.
    pub account_id: String,
    /// The case that changed.
    pub case_id: String,
}

/// This instance's channel of live events.
#[derive(Debug)]
pub struct LiveHub {
    sender: broadcast::Sender<LiveEvent>,
}

impl Default for LiveHub {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveHub {
    /// A channel keeping the last 1,024 events for slow listeners.
    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(1024).0,
        }
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }

    /// Hands `event` to this instance's listeners.
    pub fn deliver(&self, event: LiveEvent) {
        // No receiver is fine: nobody is watching.
        let _ = self.sender.send(event);
    }
}

/// Announces `event` (call after the change's transaction committed). Failures are logged: a
/// missed announcement costs a live update, never data.
pub async fn announce(state: &AppState, event: LiveEvent) {
    match state.db.kind {
        DbKind::Sqlite => state.live.deliver(event),
        DbKind::Postgres => {
            let payload = match serde_json::to_string(&event) {
                Ok(payload) => payload,
                Err(error) => return tracing::error!(%error, "live event not serialisable"),
            };
            if let Err(error) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&state.db.pool)
                .await
            {
                tracing::warn!(%error, "live announcement failed");
            }
        }
    }
}

/// PostgreSQL: listens on [`CHANNEL`] and forwards every announcement (from any instance) to this
/// instance's hub, reconnecting after a lost connection. Returns at once on SQLite.
pub async fn run_listener(state: AppState, database_url: String) {
    if state.db.kind != DbKind::Postgres {
        return;
    }
    loop {
        match sqlx::postgres::PgListener::connect(&database_url).await {
            Ok(mut listener) => {
                if let Err(error) = listener.listen(CHANNEL).await {
                    tracing::warn!(%error, "LISTEN failed");
                } else {
                    tracing::info!(channel = CHANNEL, "listening for live updates");
                    loop {
                        match listener.recv().await {
                            Ok(notification) => {
                                match serde_json::from_str::<LiveEvent>(notification.payload()) {
                                    Ok(event) => state.live.deliver(event),
                                    Err(error) => tracing::warn!(%error, "malformed live event"),
                                }
                            }
                            Err(error) => {
                                tracing::warn!(%error, "live listener connection lost");
                                break;
                            }
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "live listener cannot connect"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}
