//! Settings from `Leptos.toml` (`[caseport]` table), each overridable by a `CASEPORT_<NAME>` variable.
//!
//! A new setting is a field of [`Settings`] (with its `///` line), its default in
//! `impl Default for Settings`, a range check in `validate` if it needs one, and its row in README.md;
//! the `CASEPORT_*` variable is derived from the field name.

use figment::{
    providers::{Env, Format, Toml},
    Figment,
};
use serde::{
    de::{self, Visitor},
    Deserialize, Deserializer,
};
use std::{net::IpAddr, path::PathBuf};

/// Where the server runs; production refuses to start without a master key or with development-only
/// settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Local development: a master key is generated on first start.
    Development,
    /// Production: every secret must be provided, and the development mail sink and switching off
    /// rate limits are refused.
    Production,
}

/// Every runtime setting (documented in README.md and Leptos.toml); a missing key takes its value
/// from [`Settings::default`].
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `host:port` to listen on.
    pub listen: String,
    /// The public origin (links in emails, the cross-site request check).
    pub base_url: String,
    /// `sqlite://path` (default) or `postgres://...`.
    pub database_url: String,
    /// The mail relay: `smtp://[user:pass@]host[:port]` (plain), `smtp://…?tls=required` (STARTTLS)
    /// or `smtps://…` (implicit TLS).
    pub smtp_url: String,
    /// PEM file of extra root certificates trusted for the mail relay's TLS (a private relay's CA),
    /// in addition to the public roots.
    pub smtp_ca_file: Option<PathBuf>,
    /// The sender of Caseport's emails.
    pub mail_from: String,
    /// The SMS provider's HTTP endpoint (JSON POST with a bearer token). Unset: in development
    /// texts are written to `<data_dir>/sms-outbox/`; in production texts are not offered.
    pub sms_url: Option<String>,
    /// The bearer token for `sms_url`.
    pub sms_token: Option<SecretText>,
    /// Directory for the SQLite file, the development key and the development outbox.
    pub data_dir: PathBuf,
    /// Directory with the built site (`pkg/`, icons, manifest).
    pub site_root: PathBuf,
    /// `development` or `production`.
    pub environment: Environment,
    /// Base64 of 32 random bytes; better given by environment than written in the file.
    pub master_key: Option<SecretText>,
    /// Earlier master keys (base64, comma-separated in the environment), kept only so data they
    /// encrypted stays readable while it is re-encrypted under the current key.
    #[serde(deserialize_with = "secret_list")]
    pub retired_master_keys: Vec<SecretText>,
    /// File holding the master key in base64 (default `<data_dir>/master.key`).
    pub master_key_file: Option<PathBuf>,
    /// When set, `serve` also runs a development SMTP listener here writing to `<data_dir>/outbox/`
    /// (refused in production).
    pub dev_mail_sink: Option<String>,
    /// Throttling on or off (off only for benchmarks; refused in production).
    #[serde(deserialize_with = "on_off")]
    pub rate_limits: bool,
    /// Browser tests only: the server's clock can be moved forward through `POST /__test/clock`
    /// (refused in production).
    #[serde(deserialize_with = "on_off")]
    pub test_clock: bool,
    /// Minimum password length (code points), at least 8.
    pub password_min_length: usize,
    /// Maximum password length, 64 to 128.
    pub password_max_length: usize,
    /// Idle session timeout in minutes, at most 30.
    pub session_idle_minutes: i64,
    /// Absolute session lifetime in hours, at most 24.
    pub session_absolute_hours: i64,
    /// Ask security questions at registration.
    #[serde(deserialize_with = "on_off")]
    pub security_questions: bool,
    /// Offer codes sent by email as a second factor (the weakest; only while nothing stronger is
    /// bound).
    #[serde(deserialize_with = "on_off")]
    pub email_codes: bool,
    /// Hours between asking for an account reset (every second factor lost) and its taking effect.
    pub account_reset_wait_hours: i64,
    /// Reverse proxies whose `X-Forwarded-For` is trusted (comma-separated in the environment).
    #[serde(deserialize_with = "ip_list")]
    pub trusted_proxies: Vec<IpAddr>,
    /// Password hashes computed at once (each uses about 19 MiB).
    pub hash_concurrency: usize,
    /// Longest wait for a password-hashing slot before answering 503, in milliseconds.
    pub hash_wait_ms: u64,
    /// Seconds a client has to send a request's header before the connection is closed.
    pub header_read_timeout_secs: u64,
    /// Seconds a request (body included) may take before it is answered 503.
    pub request_timeout_secs: u64,
    /// `json` (default) or `pretty` logs.
    pub log_format: String,
    /// Public case status lookups allowed per client address per minute (counted by each server
    /// instance on its own).
    pub case_status_per_minute: i64,
    /// Registrations allowed per client address per hour (shared by every instance). Many people
    /// behind one address (a library, a legal aid office, a carrier's NAT) register through it.
    pub registrations_per_hour: i64,
    /// Case Status API: requests per second a new client may make (per server instance, like an
    /// API gateway's spike arrest); `caseport api-client create --per-second` overrides it.
    pub api_per_second: i64,
    /// Case Status API: requests per UTC day a new client may make (shared by every instance);
    /// `caseport api-client create --per-day` overrides it.
    pub api_per_day: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:3000".into(),
            base_url: "http://127.0.0.1:3000".into(),
            database_url: "sqlite://data/caseport.db".into(),
            smtp_url: "smtp://127.0.0.1:2525".into(),
            smtp_ca_file: None,
            mail_from: "Caseport <no-reply@caseport.localhost>".into(),
            sms_url: None,
            sms_token: None,
            data_dir: "data".into(),
            site_root: "target/site".into(),
            environment: Environment::Production,
            master_key: None,
            retired_master_keys: Vec::new(),
            master_key_file: None,
            dev_mail_sink: None,
            rate_limits: true,
            test_clock: false,
            password_min_length: 12,
            password_max_length: 128,
            session_idle_minutes: 15,
            session_absolute_hours: 12,
            security_questions: true,
            email_codes: true,
            account_reset_wait_hours: 24,
            trusted_proxies: Vec::new(),
            hash_concurrency: default_hash_concurrency(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            hash_wait_ms: 5000,
            header_read_timeout_secs: 10,
            request_timeout_secs: 30,
            log_format: "json".into(),
            case_status_per_minute: 30,
            registrations_per_hour: 40,
            api_per_second: 5,
            api_per_day: 1000,
        }
    }
}

/// Hashing may use every CPU but one, so that pages and static files are still served promptly while
/// sign-ins queue (bench: their p99 stays under 50 ms during a sign-in storm); one CPU hashes alone.
fn default_hash_concurrency(cpus: usize) -> usize {
    cpus.saturating_sub(1).max(1)
}

fn on_off<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Number(i64),
        Text(String),
    }
    match Flag::deserialize(deserializer)? {
        Flag::Bool(b) => Ok(b),
        Flag::Number(1) => Ok(true),
        Flag::Number(0) => Ok(false),
        Flag::Number(other) => Err(serde::de::Error::custom(format!(
            "expected on or off, found {other}"
        ))),
        Flag::Text(text) => match text.to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" | "1" => Ok(true),
            "off" | "false" | "no" | "0" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "expected on or off, found {other:?}"
            ))),
        },
    }
}

/// A secret setting (a key): readable by the code that needs it, shown as `[redacted]` by
/// `Debug`, so printing the settings never prints a key.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct SecretText(String);

impl SecretText {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretText {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A list setting, given as a list (TOML) or as one comma-separated string (the environment): its
/// items trimmed, empty ones dropped.
fn comma_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
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
    Ok(items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

fn secret_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<SecretText>, D::Error> {
    Ok(comma_list(deserializer)?
        .into_iter()
        .map(SecretText)
        .collect())
}

/// True when `host` names this machine (a loopback address or `localhost`), where traffic never
/// crosses a network and plain text is acceptable.
fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|ip| crate::forwarded::canonical(ip).is_loopback())
}

/// Why a URL would carry data in plain text across a network, if it would.
fn plaintext_problem(name: &str, url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str().unwrap_or("");
    let local = host.is_empty() || is_loopback_host(host);
    let query = |key: &str| {
        parsed
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    };
    match parsed.scheme() {
        "http" if !local => Some(format!(
            "{name} must use https:// in production (http:// only for this machine)"
        )),
        "smtp" if !local && query("tls").as_deref() != Some("required") => Some(format!(
            "{name} must use smtps:// or smtp://…?tls=required in production (plain or \
             opportunistic SMTP only for a relay on this machine)"
        )),
        "postgres" | "postgresql"
            if !local
                && !matches!(
                    query("sslmode").as_deref(),
                    Some("require" | "verify-ca" | "verify-full")
                ) =>
        {
            Some(format!(
                "{name} must set sslmode=require, verify-ca or verify-full in production \
                 (plain connections only to a database on this machine)"
            ))
        }
        _ => None,
    }
}

fn ip_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<IpAddr>, D::Error> {
    comma_list(deserializer)?
        .iter()
        .map(|s| {
            s.parse()
                .map_err(|_| de::Error::custom(format!("not an IP address: {s}")))
        })
        .collect()
}

/// The names of [`Settings`]' fields, as serde's derive lists them: only `CASEPORT_<NAME>` variables
/// for these are read (others, such as `CASEPORT_TEST_DATABASE_URL`, belong to tests and tools and
/// would otherwise be refused as unknown fields).
///
/// Read by handing `Settings::deserialize` a deserializer that records the field list serde passes
/// to `deserialize_struct` and stops there; this keeps `Settings`, which holds the master key, free
/// of `Serialize`.
fn setting_keys() -> &'static [&'static str] {
    struct FieldNames<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for FieldNames<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("field names recorded"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    static KEYS: std::sync::OnceLock<&'static [&'static str]> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut fields: &'static [&'static str] = &[];
        // The error is the deserializer stopping once it has the names; only `fields` matters.
        let _ = Settings::deserialize(FieldNames(&mut fields));
        fields
    })
}

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
            .merge(Env::prefixed("CASEPORT_").only(setting_keys()).global())
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
        if !(1..=24 * 30).contains(&self.account_reset_wait_hours) {
            return invalid("account_reset_wait_hours must be between 1 and 720");
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
        if !(1..=100_000).contains(&self.case_status_per_minute) {
            return invalid("case_status_per_minute must be between 1 and 100000");
        }
        if !(1..=100_000).contains(&self.registrations_per_hour) {
            return invalid("registrations_per_hour must be between 1 and 100000");
        }
        if !(1..=100_000).contains(&self.api_per_second) {
            return invalid("api_per_second must be between 1 and 100000");
        }
        if !(1..=1_000_000_000).contains(&self.api_per_day) {
            return invalid("api_per_day must be between 1 and 1000000000");
        }
        if !(self.log_format == "json" || self.log_format == "pretty") {
            return invalid("log_format must be json or pretty");
        }
        if self.environment == Environment::Production {
            if self.dev_mail_sink.is_some() {
                return invalid(
                    "dev_mail_sink must not be set in production (it accepts mail from anyone \
                     and writes it to disk)",
                );
            }
            if !self.rate_limits {
                return invalid("rate_limits must be on in production (off is for benchmarks)");
            }
            if self.test_clock {
                return invalid("test_clock must be off in production (it lets anyone move time)");
            }
            for (name, url) in [
                ("base_url", &self.base_url),
                ("smtp_url", &self.smtp_url),
                ("database_url", &self.database_url),
            ] {
                if let Some(problem) = plaintext_problem(name, url) {
                    return Err(SettingsError::Invalid(problem));
                }
            }
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
    fn production_refuses_plain_text_across_the_network_and_allows_it_on_this_machine() {
        let refused = [
            ("CASEPORT_BASE_URL", "http://caseport.example"),
            ("CASEPORT_SMTP_URL", "smtp://relay.example:25"),
            (
                "CASEPORT_SMTP_URL",
                "smtp://relay.example:587?tls=opportunistic",
            ),
            ("CASEPORT_DATABASE_URL", "postgres://db.example/caseport"),
            (
                "CASEPORT_DATABASE_URL",
                "postgres://db.example/caseport?sslmode=prefer",
            ),
        ];
        for (name, value) in refused {
            figment::Jail::expect_with(|jail| {
                jail.set_env("CASEPORT_ENVIRONMENT", "production");
                jail.set_env(name, value);
                let error = Settings::load(std::path::Path::new("missing.toml")).unwrap_err();
                assert!(
                    error.to_string().contains("production"),
                    "{name}={value}: {error}"
                );
                Ok(())
            });
        }
        let allowed = [
            ("CASEPORT_BASE_URL", "https://caseport.example"),
            ("CASEPORT_BASE_URL", "http://127.0.0.1:3000"),
            ("CASEPORT_BASE_URL", "http://localhost:3000"),
            ("CASEPORT_SMTP_URL", "smtps://relay.example"),
            ("CASEPORT_SMTP_URL", "smtp://relay.example:587?tls=required"),
            ("CASEPORT_SMTP_URL", "smtp://[::1]:2525"),
            (
                "CASEPORT_DATABASE_URL",
                "postgres://db.example/c?sslmode=verify-full",
            ),
            (
                "CASEPORT_DATABASE_URL",
                "postgres://127.0.0.1:5432/caseport",
            ),
            ("CASEPORT_DATABASE_URL", "sqlite://data/caseport.db"),
        ];
        for (name, value) in allowed {
            figment::Jail::expect_with(|jail| {
                jail.set_env("CASEPORT_ENVIRONMENT", "production");
                jail.set_env(name, value);
                Settings::load(std::path::Path::new("missing.toml"))
                    .unwrap_or_else(|e| panic!("{name}={value}: {e}"));
                Ok(())
            });
        }
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn keys_never_appear_in_debug_output_and_switches_accept_1_and_0() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CASEPORT_ENVIRONMENT", "development");
            jail.set_env(
                "CASEPORT_MASTER_KEY",
                "c2VjcmV0LWtleS1tYXRlcmlhbC1vZi0zMi1ieXRlcyE=",
            );
            jail.set_env(
                "CASEPORT_RETIRED_MASTER_KEYS",
                "b2xkLWtleS1vbmU=, b2xkLWtleS10d28=",
            );
            jail.set_env("CASEPORT_RATE_LIMITS", "0");
            jail.set_env("CASEPORT_SECURITY_QUESTIONS", "1");
            let settings = Settings::load(std::path::Path::new("missing.toml")).unwrap();
            let printed = format!("{settings:?}");
            assert!(!printed.contains("c2VjcmV0"), "{printed}");
            assert!(!printed.contains("b2xk"), "{printed}");
            assert_eq!(settings.retired_master_keys.len(), 2);
            assert_eq!(settings.retired_master_keys[1].expose(), "b2xkLWtleS10d28=");
            assert!(!settings.rate_limits);
            assert!(settings.security_questions);
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn list_settings_take_a_toml_list_or_a_comma_separated_string() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "lists.toml",
                r#"
                [caseport]
                environment = "development"
                trusted_proxies = [" 10.0.0.1 ", "", "::1"]
                retired_master_keys = ["b2xkLWtleS1vbmU=", " b2xkLWtleS10d28= "]
                "#,
            )?;
            let path = std::path::Path::new("lists.toml");
            let settings = Settings::load(path).expect("lists from the file");
            let ips = |list: &[&str]| -> Vec<IpAddr> {
                list.iter().map(|ip| ip.parse().unwrap()).collect()
            };
            assert_eq!(settings.trusted_proxies, ips(&["10.0.0.1", "::1"]));
            let keys: Vec<&str> = settings
                .retired_master_keys
                .iter()
                .map(SecretText::expose)
                .collect();
            assert_eq!(keys, ["b2xkLWtleS1vbmU=", "b2xkLWtleS10d28="]);

            jail.set_env("CASEPORT_TRUSTED_PROXIES", "10.0.0.3,, 10.0.0.4 ,");
            let settings = Settings::load(path).expect("a list from the environment");
            assert_eq!(settings.trusted_proxies, ips(&["10.0.0.3", "10.0.0.4"]));

            jail.set_env("CASEPORT_TRUSTED_PROXIES", "10.0.0.5, proxy.example");
            let error = Settings::load(path).expect_err("a name is not an address");
            assert!(
                error
                    .to_string()
                    .contains("not an IP address: proxy.example"),
                "{error}"
            );
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn the_shipped_leptos_toml_is_valid_and_environment_variables_override_it() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Leptos.toml");
        figment::Jail::expect_with(|jail| {
            // Development, because production refuses rate_limits = off.
            jail.set_env("CASEPORT_ENVIRONMENT", "development");
            jail.set_env("CASEPORT_DATABASE_URL", "postgres://db.example/caseport");
            jail.set_env("CASEPORT_RATE_LIMITS", "off");
            jail.set_env("CASEPORT_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2");
            let settings = Settings::load(&path).expect("valid settings");
            assert_eq!(settings.environment, Environment::Development);
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

    /// The message of the `invalid setting: ...` error `load` gives with no file and these variables.
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn refusal(vars: &[(&str, &str)]) -> String {
        let mut refusal = String::new();
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            for (name, value) in vars {
                jail.set_env(name, value);
            }
            match Settings::load(std::path::Path::new("missing.toml")) {
                Err(error @ SettingsError::Invalid(_)) => refusal = error.to_string(),
                Err(other) => panic!("expected a refusal, got: {other}"),
                Ok(_) => panic!("{vars:?} was accepted"),
            }
            Ok(())
        });
        refusal
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn registrations_per_hour_defaults_to_forty_and_is_bounded() {
        figment::Jail::expect_with(|jail| {
            let settings = Settings::load(std::path::Path::new("missing.toml")).unwrap();
            assert_eq!(settings.registrations_per_hour, 40);
            assert_eq!(crate::policy_from(&settings).registrations_per_hour, 40);
            jail.set_env("CASEPORT_REGISTRATIONS_PER_HOUR", "250");
            let settings = Settings::load(std::path::Path::new("missing.toml")).unwrap();
            assert_eq!(crate::policy_from(&settings).registrations_per_hour, 250);
            for refused in ["0", "-1", "100001"] {
                jail.set_env("CASEPORT_REGISTRATIONS_PER_HOUR", refused);
                let error = Settings::load(std::path::Path::new("missing.toml")).unwrap_err();
                assert!(
                    error.to_string().contains("registrations_per_hour"),
                    "{refused}: {error}"
                );
            }
            Ok(())
        });
    }

    #[test]
    fn production_refuses_to_start_with_the_development_mail_sink() {
        let message = refusal(&[
            ("CASEPORT_ENVIRONMENT", "production"),
            ("CASEPORT_DEV_MAIL_SINK", "127.0.0.1:2525"),
        ]);
        assert!(
            message.starts_with("invalid setting: dev_mail_sink must not be set in production"),
            "{message}"
        );
    }

    #[test]
    fn production_refuses_to_start_with_the_test_clock() {
        let message = refusal(&[
            ("CASEPORT_ENVIRONMENT", "production"),
            ("CASEPORT_TEST_CLOCK", "on"),
        ]);
        assert!(
            message.starts_with("invalid setting: test_clock must be off in production"),
            "{message}"
        );
    }

    #[test]
    fn production_refuses_to_start_with_rate_limits_off() {
        for off in ["off", "false", "no"] {
            let message = refusal(&[
                ("CASEPORT_ENVIRONMENT", "production"),
                ("CASEPORT_RATE_LIMITS", off),
            ]);
            assert!(
                message.starts_with("invalid setting: rate_limits must be on in production"),
                "{message}"
            );
        }
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn the_default_environment_is_production_and_refuses_development_only_settings() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("CASEPORT_DEV_MAIL_SINK", "127.0.0.1:2525");
            assert!(matches!(
                Settings::load(std::path::Path::new("missing.toml")),
                Err(SettingsError::Invalid(_))
            ));
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn development_accepts_the_mail_sink_and_rate_limits_off() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("CASEPORT_ENVIRONMENT", "development");
            jail.set_env("CASEPORT_DEV_MAIL_SINK", "127.0.0.1:2525");
            jail.set_env("CASEPORT_RATE_LIMITS", "off");
            let settings = Settings::load(std::path::Path::new("missing.toml"))
                .expect("development accepts both");
            assert_eq!(settings.dev_mail_sink.as_deref(), Some("127.0.0.1:2525"));
            assert!(!settings.rate_limits);
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn every_field_is_read_from_its_caseport_variable_and_no_other_variable_is() {
        let keys = setting_keys();
        for key in [
            "listen",
            "smtp_ca_file",
            "master_key",
            "rate_limits",
            "log_format",
        ] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("CASEPORT_ENVIRONMENT", "development");
            jail.set_env("CASEPORT_SMTP_CA_FILE", "/etc/caseport/relay-ca.pem");
            jail.set_env("CASEPORT_LOG_FORMAT", "pretty");
            // Variables of tests and tools share the prefix; they must not count as unknown settings.
            jail.set_env(
                "CASEPORT_TEST_DATABASE_URL",
                "postgres://127.0.0.1/postgres",
            );
            jail.set_env("CASEPORT_LOG", "debug");
            let settings = Settings::load(std::path::Path::new("missing.toml")).expect("loads");
            assert_eq!(
                settings.smtp_ca_file.as_deref(),
                Some(std::path::Path::new("/etc/caseport/relay-ca.pem"))
            );
            assert_eq!(settings.log_format, "pretty");
            Ok(())
        });
    }

    #[test]
    fn hashing_leaves_one_cpu_for_everything_else_and_always_has_a_slot() {
        assert_eq!(default_hash_concurrency(0), 1);
        assert_eq!(default_hash_concurrency(1), 1);
        assert_eq!(default_hash_concurrency(2), 1);
        assert_eq!(default_hash_concurrency(8), 7);
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn a_missing_key_takes_its_default_and_an_unknown_key_in_the_file_is_refused() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file(
                "partial.toml",
                "[caseport]\nenvironment = \"development\"\nhash_wait_ms = 250\n",
            )?;
            let settings = Settings::load(std::path::Path::new("partial.toml")).expect("loads");
            assert_eq!(settings.hash_wait_ms, 250);
            assert_eq!(settings.password_min_length, 12);
            assert_eq!(settings.smtp_url, "smtp://127.0.0.1:2525");
            assert!(settings.smtp_ca_file.is_none());
            assert!(settings.rate_limits);
            assert!(settings.hash_concurrency >= 1);

            jail.create_file("typo.toml", "[caseport]\nsmtp_ca = \"ca.pem\"\n")?;
            assert!(matches!(
                Settings::load(std::path::Path::new("typo.toml")),
                Err(SettingsError::Read(_))
            ));
            Ok(())
        });
    }
}
