//! The application state every handler and server function reads from context.

use super::{
    clock::Clock, crypto::Keys, db::Db, local_limit::LocalLimiter, mail::Mailer,
    passwords::PasswordHasher, rate_limit,
};
use crate::accounts::model::PasswordRules;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::{net::IpAddr, sync::Arc};

/// Policy knobs from `Leptos.toml`.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Password length rules.
    pub password: PasswordRules,
    /// Idle session timeout in seconds (at most 30 minutes).
    pub session_idle_secs: i64,
    /// Absolute session lifetime in seconds.
    pub session_absolute_secs: i64,
    /// Whether security questions are asked at registration.
    pub security_questions: bool,
    /// Whether throttling is enforced (off only for benchmarks).
    pub rate_limits: bool,
    /// Whether codes sent by email may be a second factor (the weakest; offered only while an
    /// account has nothing stronger).
    pub email_codes: bool,
    /// How long after it is asked for an account reset (every second factor lost) takes effect.
    pub account_reset_wait_secs: i64,
    /// Peers whose `X-Forwarded-For` is believed; everyone else is identified by the socket address.
    pub trusted_proxies: Vec<IpAddr>,
    /// The canonical origin, e.g. `https://caseport.example` (links in emails, the CSRF check).
    pub base_url: String,
    /// Public case status lookups allowed per client address and minute (per server instance).
    pub case_status_per_minute: i64,
    /// Registrations allowed per client address and hour.
    pub registrations_per_hour: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            password: PasswordRules::default(),
            session_idle_secs: 15 * 60,
            session_absolute_secs: 12 * 60 * 60,
            security_questions: true,
            rate_limits: true,
            email_codes: true,
            account_reset_wait_secs: 24 * 60 * 60,
            trusted_proxies: Vec::new(),
            base_url: "http://127.0.0.1:3000".into(),
            case_status_per_minute: 30,
            registrations_per_hour: rate_limit::REGISTER_PER_IP.max,
        }
    }
}

impl Policy {
    /// The origin part of `base_url` (scheme, host and port), as browsers send it in `Origin`.
    pub fn origin(&self) -> &str {
        let url = self.base_url.trim_end_matches('/');
        match url.find("://") {
            Some(scheme_end) => match url[scheme_end + 3..].find('/') {
                Some(path_start) => &url[..scheme_end + 3 + path_start],
                None => url,
            },
            None => url,
        }
    }
}

/// Everything a request handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The source of time.
    pub clock: Arc<dyn Clock>,
    /// Derived encryption and MAC keys.
    pub keys: Arc<Keys>,
    /// Outgoing mail (used only by the outbox worker; requests enqueue instead).
    pub mailer: Arc<Mailer>,
    /// Where text messages go.
    pub sms: Arc<super::sms::SmsSender>,
    /// This instance's channel of live updates.
    pub live: Arc<super::live::LiveHub>,
    /// Wakes the outbox worker when a request has queued a message.
    pub outbox_wakeup: Arc<tokio::sync::Notify>,
    /// Password hashing on the blocking pool.
    pub hasher: Arc<PasswordHasher>,
    /// Policy knobs.
    pub policy: Arc<Policy>,
    /// Throttling counted in this process (hot read paths).
    pub local_limits: Arc<LocalLimiter>,
    /// Leptos's own options (site root, output name).
    pub leptos_options: LeptosOptions,
}

impl AppState {
    /// The current time in Unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Tells the outbox worker that a committed change queued a message.
    pub fn wake_outbox(&self) {
        self.outbox_wakeup.notify_one();
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state from Leptos context (server functions and pages run inside it).
pub fn use_app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}
