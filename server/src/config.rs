//! Settings from `Leptos.toml` (`[caseport]` table), each overridable by a `CASEPORT_<NAME>` variable.

use figment::{
    providers::{Env, Format, Toml},
    Figment,
};
use serde::{Deserialize, Deserializer};
use std::{net::IpAddr, path::PathBuf};

/// Where the server runs; production refuses to start without a master key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Local development: a master key is generated on first start.
    Development,
    /// Production: every secret must be provided.
    Production,
}

/// Every runtime setting (documented in README.md and Leptos.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `host:port` to listen on.
    #[serde(default = "defaults::listen")]
    pub listen: String,
    /// The public origin (links in emails, the cross-site request check).
    #[serde(default = "defaults::base_url")]
    pub base_url: String,
    /// `sqlite://path` (default) or `postgres://...`.
    #[serde(default = "defaults::database_url")]
    pub database_url: String,
    /// `smtp://[user:pass@]host[:port]` of the mail relay.
    #[serde(default = "defaults::smtp_url")]
    pub smtp_url: String,
    /// The sender of Caseport's emails.
    #[serde(default = "defaults::mail_from")]
    pub mail_from: String,
    /// Directory for the SQLite file, the development key and the development outbox.
    #[serde(default = "defaults::data_dir")]
    pub data_dir: PathBuf,
    /// Directory with the built site (`pkg/`, icons, manifest).
    #[serde(default = "defaults::site_root")]
    pub site_root: PathBuf,
    /// `development` or `production`.
    #[serde(default = "defaults::environment")]
    pub environment: Environment,
    /// Base64 of 32 random bytes; better given by environment than written in the file.
    #[serde(default)]
    pub master_key: Option<String>,
    /// File holding the master key in base64 (default `<data_dir>/master.key`).
    #[serde(default)]
    pub master_key_file: Option<PathBuf>,
    /// When set, `serve` also runs a development SMTP listener here writing to `<data_dir>/outbox/`.
    #[serde(default)]
    pub dev_mail_sink: Option<String>,
    /// Throttling on or off (off only for benchmarks).
    #[serde(default = "defaults::yes", deserialize_with = "on_off")]
    pub rate_limits: bool,
    /// Minimum password length (code points), at least 8.
    #[serde(default = "defaults::password_min_length")]
    pub password_min_length: usize,
    /// Maximum password length, 64 to 128.
    #[serde(default = "defaults::password_max_length")]
    pub password_max_length: usize,
    /// Idle session timeout in minutes, at most 30.
    #[serde(default = "defaults::session_idle_minutes")]
    pub session_idle_minutes: i64,
    /// Absolute session lifetime in hours, at most 24.
    #[serde(default = "defaults::session_absolute_hours")]
    pub session_absolute_hours: i64,
    /// Ask security questions at registration.
    #[serde(default = "defaults::yes", deserialize_with = "on_off")]
    pub security_questions: bool,
    /// Reverse proxies whose `X-Forwarded-For` is trusted (comma-separated in the environment).
    #[serde(default, deserialize_with = "ip_list")]
    pub trusted_proxies: Vec<IpAddr>,
    /// Password hashes computed at once (each uses about 19 MiB).
    #[serde(default = "defaults::hash_concurrency")]
    pub hash_concurrency: usize,
    /// Longest wait for a password-hashing slot before answering 503, in milliseconds.
    #[serde(default = "defaults::hash_wait_ms")]
    pub hash_wait_ms: u64,
    /// Seconds a client has to send a request's header before the connection is closed.
    #[serde(default = "defaults::header_read_timeout_secs")]
    pub header_read_timeout_secs: u64,
    /// Seconds a request (body included) may take before it is answered 503.
    #[serde(default = "defaults::request_timeout_secs")]
    pub request_timeout_secs: u64,
    /// `json` (default) or `pretty` logs.
    #[serde(default = "defaults::log_format")]
    pub log_format: String,
}

mod defaults {
    use super::Environment;
    use std::path::PathBuf;
    pub fn listen() -> String {
        "127.0.0.1:3000".into()
    }
    pub fn base_url() -> String {
        "http://127.0.0.1:3000".into()
    }
    pub fn database_url() -> String {
        "sqlite://data/caseport.db".into()
    }
    pub fn smtp_url() -> String {
        "smtp://127.0.0.1:2525".into()
    }
    pub fn mail_from() -> String {
        "Caseport <no-reply@caseport.localhost>".into()
    }
    pub fn data_dir() -> PathBuf {
        "data".into()
    }
    pub fn site_root() -> PathBuf {
        "target/site".into()
    }
    pub fn environment() -> Environment {
        Environment::Production
    }
    pub fn yes() -> bool {
        true
    }
    pub fn password_min_length() -> usize {
        12
    }
    pub fn password_max_length() -> usize {
        128
    }
    pub fn session_idle_minutes() -> i64 {
        15
    }
    pub fn session_absolute_hours() -> i64 {
        12
    }
    pub fn hash_concurrency() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    }
    pub fn hash_wait_ms() -> u64 {
        5000
    }
    pub fn header_read_timeout_secs() -> u64 {
        10
    }
    pub fn request_timeout_secs() -> u64 {
        30
    }
    pub fn log_format() -> String {
        "json".into()
    }
}

fn on_off<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Flag::deserialize(deserializer)? {
        Flag::Bool(b) => Ok(b),
        Flag::Text(text) => match text.to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" | "1" => Ok(true),
            "off" | "false" | "no" | "0" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "expected on or off, found {other:?}"
            ))),
        },
    }
}

fn ip_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<IpAddr>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        Many(Vec<String>),
        One(String),
    }
    let items = match List::deserialize(deserializer)? {
        List::Many(items) => items,
        List::One(text) => text.split(',').map(str::to_owned).collect(),
    };
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| serde::de::Error::custom(format!("not an IP address: {s}")))
        })
        .collect()
}

/// Every settings key; only these `CASEPORT_*` variables are read (others belong to tests and tools).
const KEYS: [&str; 23] = [
    "listen",
    "base_url",
    "database_url",
    "smtp_url",
    "mail_from",
    "data_dir",
    "site_root",
    "environment",
    "master_key",
    "master_key_file",
    "dev_mail_sink",
    "rate_limits",
    "password_min_length",
    "password_max_length",
    "session_idle_minutes",
    "session_absolute_hours",
    "security_questions",
    "trusted_proxies",
    "hash_concurrency",
    "hash_wait_ms",
    "header_read_timeout_secs",
    "request_timeout_secs",
    "log_format",
];

/// Settings could not be loaded or break a rule.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Reading or parsing failed.
    #[error("could not read settings: {0}")]
    Read(#[from] Box<figment::Error>),
    /// A value is out of its allowed range.
    #[error("invalid setting: {0}")]
    Invalid(String),
}

impl Settings {
    /// Loads `path` (if it exists) and applies `CASEPORT_*` environment overrides.
    pub fn load(path: &std::path::Path) -> Result<Self, SettingsError> {
        let settings: Settings = Figment::new()
            .merge(Toml::file(path).nested())
            .select("caseport")
            .merge(Env::prefixed("CASEPORT_").only(&KEYS).global())
            .extract()
            .map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |m: &str| Err(SettingsError::Invalid(m.to_owned()));
        if self.password_min_length < 8 {
            return invalid("password_min_length must be at least 8");
        }
        if !(64..=128).contains(&self.password_max_length) {
            return invalid("password_max_length must be between 64 and 128");
        }
        if self.password_min_length > self.password_max_length {
            return invalid("password_min_length must not exceed password_max_length");
        }
        if !(1..=30).contains(&self.session_idle_minutes) {
            return invalid("session_idle_minutes must be between 1 and 30");
        }
        if !(1..=24).contains(&self.session_absolute_hours) {
            return invalid("session_absolute_hours must be between 1 and 24");
        }
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            return invalid("base_url must start with https:// (or http:// for local use)");
        }
        if !(1..=60_000).contains(&self.hash_wait_ms) {
            return invalid("hash_wait_ms must be between 1 and 60000");
        }
        if !(1..=300).contains(&self.header_read_timeout_secs) {
            return invalid("header_read_timeout_secs must be between 1 and 300");
        }
        if !(1..=600).contains(&self.request_timeout_secs) {
            return invalid("request_timeout_secs must be between 1 and 600");
        }
        if !(self.log_format == "json" || self.log_format == "pretty") {
            return invalid("log_format must be json or pretty");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn the_shipped_leptos_toml_is_valid_and_environment_variables_override_it() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Leptos.toml");
        figment::Jail::expect_with(|jail| {
            jail.set_env("CASEPORT_DATABASE_URL", "postgres://db.example/caseport");
            jail.set_env("CASEPORT_RATE_LIMITS", "off");
            jail.set_env("CASEPORT_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2");
            let settings = Settings::load(&path).expect("valid settings");
            assert_eq!(settings.database_url, "postgres://db.example/caseport");
            assert!(!settings.rate_limits);
            assert_eq!(settings.trusted_proxies.len(), 2);
            assert_eq!(settings.password_min_length, 12);
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn an_idle_timeout_above_thirty_minutes_is_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CASEPORT_SESSION_IDLE_MINUTES", "31");
            assert!(Settings::load(std::path::Path::new("missing.toml")).is_err());
            Ok(())
        });
    }
}
