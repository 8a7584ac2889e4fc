//! The Caseport HTTP server: builds the application state from settings and the axum router.

pub mod api;
pub mod config;
pub mod forwarded;
pub mod middleware;
pub mod static_files;

use app::{
    accounts::model::PasswordRules,
    infra::{
        clock::{Clock, SystemClock},
        crypto::Keys,
        db::{Db, DbSetupError},
        mail::Mailer,
        passwords::PasswordHasher,
        sms::SmsSender,
        state::{AppState, Policy},
    },
    shell, App,
};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use config::{Environment, Settings};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::{path::Path, sync::Arc};

/// Start-up failed; the message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Settings are invalid.
    #[error(transparent)]
    Settings(#[from] config::SettingsError),
    /// The database could not be opened or migrated, or is not durable.
    #[error(transparent)]
    Database(#[from] DbSetupError),
    /// The master key is missing or malformed.
    #[error("master key: {0}")]
    MasterKey(String),
    /// Mail is misconfigured.
    #[error(transparent)]
    Mail(#[from] app::infra::mail::MailError),
    /// Files could not be read or written.
    #[error("{0}")]
    Io(String),
}

/// Reads the master key from the setting, else the key file; in development a missing key file is
/// created with a fresh key. Production never invents a key.
pub fn load_master_key(settings: &Settings) -> Result<[u8; 32], StartupError> {
    if let Some(key) = &settings.master_key {
        return decode(key.expose());
    }
    let path = settings
        .master_key_file
        .clone()
        .unwrap_or_else(|| settings.data_dir.join("master.key"));
    match std::fs::read_to_string(&path) {
        Ok(text) => decode(&text),
        Err(error)
            if error.kind() == std::io::ErrorKind::NotFound
                && settings.environment == Environment::Development =>
        {
            let key = app::infra::crypto::random_bytes::<32>();
            if publish_private_file(&path, &STANDARD.encode(key))? {
                tracing::warn!(path = %path.display(), "generated a development master key");
                Ok(key)
            } else {
                // Another process starting at the same moment published its key first: use it.
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| StartupError::Io(format!("{}: {e}", path.display())))?;
                decode(&text)
            }
        }
        Err(error) => Err(StartupError::MasterKey(format!(
            "set CASEPORT_MASTER_KEY or create {} ({error}); production never generates one",
            path.display()
        ))),
    }
}

fn decode(text: &str) -> Result<[u8; 32], StartupError> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|_| StartupError::MasterKey("not valid base64".into()))?;
    bytes
        .try_into()
        .map_err(|_| StartupError::MasterKey("must be exactly 32 bytes".into()))
}

/// The encryption and MAC keys: the master key, plus the retired master keys whose data must
/// stay readable during a rotation.
pub fn load_keys(settings: &Settings) -> Result<Keys, StartupError> {
    let master = load_master_key(settings)?;
    let retired = settings
        .retired_master_keys
        .iter()
        .map(|key| {
            decode(key.expose())
                .map_err(|e| StartupError::MasterKey(format!("retired_master_keys: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Keys::with_retired(&master, &retired))
}

/// Creates `path` (mode 0600) holding `contents`, unless it exists: true if this call created it.
/// The file appears complete or not at all (written under a temporary name, then linked into
/// place, which fails if the name is taken), so a process reading it never sees it half-written
/// and two processes starting together cannot each write their own key.
fn publish_private_file(path: &Path, contents: &str) -> Result<bool, StartupError> {
    use std::io::Write;
    let io = |e: std::io::Error, p: &Path| StartupError::Io(format!("{}: {e}", p.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(e, parent))?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", app::infra::crypto::random_hex(8)));
    let temporary = std::path::PathBuf::from(temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(contents.as_bytes())?;
        file.sync_all()
    });
    let published = written.and_then(|()| std::fs::hard_link(&temporary, path));
    let _ = std::fs::remove_file(&temporary);
    match published {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(io(error, path)),
    }
}

/// The production log format: one JSON object per line with a UTC timestamp, the level, the
/// message and its fields flattened, and the request span (client address, method, path).
pub fn json_log_subscriber<W>(
    filter: tracing_subscriber::EnvFilter,
    writer: W,
) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'writer> tracing_subscriber::fmt::MakeWriter<'writer> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .json()
        .flatten_event(true)
        .with_writer(writer)
        .finish()
}

/// The policy part of the settings.
pub fn policy_from(settings: &Settings) -> Policy {
    Policy {
        password: PasswordRules {
            min_len: settings.password_min_length,
            max_len: settings.password_max_length,
        },
        session_idle_secs: settings.session_idle_minutes * 60,
        session_absolute_secs: settings.session_absolute_hours * 3600,
        security_questions: settings.security_questions,
        rate_limits: settings.rate_limits,
        email_codes: settings.email_codes,
        account_reset_wait_secs: settings.account_reset_wait_hours * 3600,
        trusted_proxies: settings.trusted_proxies.clone(),
        base_url: settings.base_url.trim_end_matches('/').to_owned(),
        case_status_per_minute: settings.case_status_per_minute,
        registrations_per_hour: settings.registrations_per_hour,
    }
}

/// The connection and request limits from the settings.
pub fn limits_from(settings: &Settings) -> ServerLimits {
    ServerLimits {
        header_read_timeout: std::time::Duration::from_secs(settings.header_read_timeout_secs),
        request_timeout: std::time::Duration::from_secs(settings.request_timeout_secs),
    }
}

/// Opens and migrates the database, refusing to continue unless it is configured durably.
pub async fn open_database(url: &str, data_dir: &Path) -> Result<Db, StartupError> {
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StartupError::Io(format!("{}: {e}", data_dir.display())))?;
    }
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let report = db.durability().await.map_err(DbSetupError::from)?;
    let problems = report.problems();
    if !problems.is_empty() {
        return Err(DbSetupError::Unsafe(problems.join(", ")).into());
    }
    Ok(db)
}

/// Leptos's options for serving the built site.
pub fn leptos_options(settings: &Settings) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("caseport")
        .site_root(settings.site_root.to_string_lossy().as_ref())
        .site_pkg_dir(static_files::pkg_dir(&settings.site_root))
        .site_addr(
            settings
                .listen
                .parse::<std::net::SocketAddr>()
                .unwrap_or_else(|_| ([127, 0, 0, 1], 3000).into()),
        )
        .build()
}

/// Builds the whole application state from settings (database opened and migrated).
pub async fn build_state(settings: &Settings) -> Result<AppState, StartupError> {
    build_state_with_clock(settings, Arc::new(SystemClock)).await
}

/// [`build_state`] with the given clock (the test clock of browser tests).
pub async fn build_state_with_clock(
    settings: &Settings,
    clock: Arc<dyn Clock>,
) -> Result<AppState, StartupError> {
    let keys = load_keys(settings)?;
    let db = open_database(&settings.database_url, &settings.data_dir).await?;
    Ok(AppState {
        db,
        clock,
        keys: Arc::new(keys),
        mailer: Arc::new(Mailer::with_ca_file(
            &settings.smtp_url,
            &settings.mail_from,
            settings.smtp_ca_file.as_deref(),
        )?),
        sms: Arc::new(sms_sender(settings)?),
        live: Arc::new(app::infra::live::LiveHub::new()),
        outbox_wakeup: Arc::new(tokio::sync::Notify::new()),
        hasher: Arc::new(PasswordHasher::with_max_wait(
            settings.hash_concurrency,
            std::time::Duration::from_millis(settings.hash_wait_ms),
        )),
        policy: Arc::new(policy_from(settings)),
        local_limits: Arc::new(app::infra::local_limit::LocalLimiter::new()),
        leptos_options: leptos_options(settings),
    })
}

/// `POST /__test/clock` with `advance_secs=N` moves the test clock forward, with `reset=1` back to
/// the real time. Mounted only when `test_clock` is on (never in production).
pub fn test_clock_router(clock: Arc<app::infra::clock::OffsetClock>) -> Router {
    #[derive(serde::Deserialize)]
    struct Move {
        advance_secs: Option<i64>,
        reset: Option<String>,
    }
    Router::new().route(
        "/__test/clock",
        post(move |Form(change): Form<Move>| {
            let clock = clock.clone();
            async move {
                if change.reset.is_some() {
                    clock.reset();
                }
                if let Some(seconds) = change.advance_secs {
                    clock.advance(seconds);
                }
                tracing::warn!(now = clock.now(), "test clock moved");
                clock.now().to_string()
            }
        }),
    )
}

/// Where texts go: the configured provider, else (development) a folder next to the mail outbox,
/// else nowhere.
fn sms_sender(settings: &Settings) -> Result<SmsSender, StartupError> {
    match (&settings.sms_url, &settings.environment) {
        (Some(url), _) => {
            let token = settings
                .sms_token
                .as_ref()
                .map(|t| t.expose())
                .unwrap_or_default();
            SmsSender::http(url, token).map_err(|e| StartupError::Io(e.to_string()))
        }
        (None, Environment::Development) => {
            Ok(SmsSender::Folder(settings.data_dir.join("sms-outbox")))
        }
        (None, _) => Ok(SmsSender::Disabled),
    }
}

/// The app's routes, generated once per process. Generating them switches resource loading off
/// process-wide for a moment (leptos_server's `SuppressResourceLoad`), and a page that another
/// thread starts rendering at that moment waits forever (leptos#4773): the tests, which build many
/// routers side by side, hung that way.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The router with every route and middleware; tests drive it with `tower::ServiceExt::oneshot`
/// (adding `MockConnectInfo` for the peer address).
pub fn app(state: AppState) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let options = state.leptos_options.clone();
    let site_root = std::path::PathBuf::from(options.site_root.as_ref());
    let not_found_options = options.clone();
    let pages = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/language", post(switch_language))
        .nest("/api", api::router())
        .merge(app::cases::documents::router())
        .merge(app::officer::documents::router())
        .merge(app::notifications::live::router())
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(options.clone())
        })
        // Every other path is a page (the app's own 404). Files are served only by
        // `static_files`: nothing else under the site root is reachable (item 63).
        .fallback(leptos_axum::render_app_async_with_context(
            context,
            move || shell(not_found_options.clone()),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::sessions,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::guard_requests,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::request_facts,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .with_state(state);
    static_files::router(&site_root)
        .merge(pages)
        .layer(axum::middleware::from_fn(middleware::security_headers))
}

fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let correlation_id = app::infra::crypto::random_hex(8);
    tracing::error!(correlation_id = %correlation_id, "handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("Something went wrong on our side. Reference: {correlation_id}"),
    )
        .into_response()
}

async fn ready(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

#[derive(serde::Deserialize)]
struct LanguageForm {
    lang: String,
    #[serde(default)]
    return_to: String,
}

/// Remembers the chosen language for a year and returns to the page the person was on.
async fn switch_language(
    State(state): State<AppState>,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(locale) = app::i18n::Locale::from_tag(&form.lang) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "Unknown language").into_response();
    };
    let target = same_origin_path(&state.policy.base_url, &form.return_to);
    let mut response = Redirect::to(&target).into_response();
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; Secure",
        middleware::LANGUAGE_COOKIE,
        locale.tag()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Where to send someone back to: `return_to` resolved against the site's own origin, kept only
/// if it stays on that origin (path and query, never a fragment); anything else is `/`. Parsed
/// as a URL, so `//evil.example`, `/\\evil.example`, `https:evil.example` and encoded or
/// whitespace tricks resolve to another origin (or fail) and are refused.
pub fn same_origin_path(base_url: &str, return_to: &str) -> String {
    let Ok(base) = url::Url::parse(base_url) else {
        return "/".into();
    };
    if return_to.trim() != return_to || return_to.chars().any(char::is_control) {
        return "/".into();
    }
    match base.join(return_to) {
        Ok(target) if target.origin() == base.origin() && return_to.starts_with('/') => {
            match target.query() {
                Some(query) => format!("{}?{query}", target.path()),
                None => target.path().to_owned(),
            }
        }
        _ => "/".into(),
    }
}

/// Limits on how long one connection or request may hold the server.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// A client must send a request's whole header within this time, or the connection is closed
    /// (slow-header attacks tie up nothing).
    pub header_read_timeout: std::time::Duration,
    /// A request (body included) must be answered within this time; past it the client gets 503.
    pub request_timeout: std::time::Duration,
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open requests finish (for
/// at most `request_timeout`). Each connection gets the peer address as `ConnectInfo`, a
/// header-read timeout, and every request a timeout for the whole exchange.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::{
        rt::{TokioExecutor, TokioIo, TokioTimer},
        server::{conn::auto, graceful::GracefulShutdown},
        service::TowerToHyperService,
    };
    let router = router
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.request_timeout,
        ))
        // The timeout's own answers get the security headers too (adding them twice is harmless).
        .layer(axum::middleware::from_fn(middleware::security_headers));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.request_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("open connections did not finish in time; stopping anyway");
    }
    Ok(())
}

/// How long unverified registrations are kept.
pub const REGISTRATION_TTL_SECS: i64 = 24 * 60 * 60;
/// How long delivered or abandoned outbox rows are kept (for support questions).
pub const OUTBOX_RETENTION_SECS: i64 = 7 * 24 * 60 * 60;

/// Deletes what has outlived its purpose: expired sessions, old throttling windows and failure
/// counts, used or expired emailed codes, registrations nobody verified within a day, and
/// delivered or abandoned outbox rows after a week. Returns the rows deleted per table.
pub async fn housekeep(state: &AppState) -> Result<Vec<(&'static str, u64)>, sqlx::Error> {
    let now = state.now();
    let idle_cutoff = now - state.policy.session_idle_secs;
    let absolute_cutoff = now - state.policy.session_absolute_secs;
    let failure_cutoff = now - app::infra::rate_limit::ACCOUNT_FAILURE_WINDOW_SECS;
    let jobs: [(&'static str, &str, &[i64]); 14] = [
        (
            "sessions",
            "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",
            &[idle_cutoff, absolute_cutoff],
        ),
        (
            "rate_limits",
            "DELETE FROM rate_limits WHERE window_started_at < $1",
            &[now - 86_400],
        ),
        (
            "login_failures",
            "DELETE FROM login_failures
             WHERE last_failure_at < $1 AND COALESCE(locked_until, 0) < $1",
            &[failure_cutoff],
        ),
        (
            "email_codes",
            "DELETE FROM email_codes WHERE expires_at < $1 OR used_at IS NOT NULL",
            &[now],
        ),
        (
            "sent_codes",
            "DELETE FROM sent_codes WHERE expires_at < $1 OR used_at IS NOT NULL",
            &[now],
        ),
        (
            "passkey_ceremonies",
            "DELETE FROM passkey_ceremonies WHERE expires_at < $1",
            &[now],
        ),
        (
            "registrations",
            "DELETE FROM registrations WHERE created_at < $1",
            &[now - REGISTRATION_TTL_SECS],
        ),
        (
            "outbox",
            "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < $1)
                                   OR (abandoned_at IS NOT NULL AND abandoned_at < $1)",
            &[now - OUTBOX_RETENTION_SECS],
        ),
        (
            "api_tokens",
            "DELETE FROM api_tokens WHERE expires_at <= $1",
            &[now],
        ),
        (
            // A day after a reset link expired, its row tells nobody anything.
            "password_resets",
            "DELETE FROM password_resets WHERE expires_at < $1",
            &[now - 86_400],
        ),
        (
            // A used or expired "This wasn't me" link tells nobody anything.
            "sign_in_alerts",
            "DELETE FROM sign_in_alerts WHERE expires_at < $1 OR reported_at IS NOT NULL",
            &[now],
        ),
        (
            // An email change not confirmed in time is dead.
            "email_changes",
            "DELETE FROM email_changes WHERE expires_at <= $1",
            &[now],
        ),
        (
            "backup_code_reveals",
            "DELETE FROM backup_code_reveals WHERE expires_at <= $1",
            &[now],
        ),
        (
            // A week of daily API usage is kept (the quota needs only today's).
            "api_usage",
            "DELETE FROM api_usage WHERE day < $1",
            &[now.div_euclid(86_400) - 7],
        ),
    ];
    let mut deleted = Vec::new();
    for (table, sql, binds) in jobs {
        let mut query = sqlx::query(sql);
        for value in binds {
            query = query.bind(*value);
        }
        deleted.push((table, query.execute(&state.db.pool).await?.rows_affected()));
    }
    Ok(deleted)
}

/// Runs [`housekeep`] every few minutes.
pub async fn run_housekeeping(state: AppState) {
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(300));
    loop {
        interval.tick().await;
        if let Err(error) = housekeep(&state).await {
            tracing::error!(%error, "housekeeping failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_in(dir: &Path, environment: Environment) -> Settings {
        figment::Figment::new()
            .merge(figment::providers::Serialized::defaults(
                serde_json::json!({
                    "data_dir": dir,
                    "environment": match environment {
                        Environment::Development => "development",
                        Environment::Production => "production",
                    },
                }),
            ))
            .extract()
            .expect("settings from defaults")
    }

    fn temp_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "caseport-key-{}",
            app::infra::crypto::random_hex(6)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_language_switch_returns_only_to_paths_on_the_same_origin() {
        let base = "https://caseport.example";
        for (given, expected) in [
            ("/profile", "/profile"),
            ("/sign-in?expired=1", "/sign-in?expired=1"),
            ("/a/../profile", "/profile"),
            ("/profile#section", "/profile"),
            ("//evil.example/x", "/"),
            ("/\\evil.example", "/"),
            ("\\\\evil.example", "/"),
            ("https://evil.example/", "/"),
            ("https:evil.example", "/"),
            ("https://caseport.example/profile", "/"),
            ("javascript:alert(1)", "/"),
            ("/%0d%0aSet-Cookie:x=1", "/%0d%0aSet-Cookie:x=1"),
            (" //evil.example", "/"),
            ("/\tevil", "/"),
            ("", "/"),
            ("profile", "/"),
        ] {
            assert_eq!(same_origin_path(base, given), expected, "{given:?}");
        }
    }

    #[test]
    fn production_refuses_to_start_without_a_master_key() {
        let dir = temp_dir();
        let error = load_master_key(&settings_in(&dir, Environment::Production)).unwrap_err();
        assert!(error.to_string().contains("CASEPORT_MASTER_KEY"), "{error}");
        assert!(
            !dir.join("master.key").exists(),
            "production never writes a key"
        );
    }

    #[test]
    fn development_generates_a_private_key_file_once_and_reuses_it() {
        let dir = temp_dir();
        let settings = settings_in(&dir, Environment::Development);
        let first = load_master_key(&settings).unwrap();
        assert_eq!(load_master_key(&settings).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("master.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "key file readable only by its owner");
        }
        let production = settings_in(&dir, Environment::Production);
        assert_eq!(
            load_master_key(&production).unwrap(),
            first,
            "an existing key file is used in production"
        );
    }

    #[test]
    fn data_encrypted_under_a_retired_master_key_stays_readable_after_a_rotation() {
        use base64::{engine::general_purpose::STANDARD, Engine};
        let dir = temp_dir();
        let (old, new) = ([3u8; 32], [4u8; 32]);
        let sealed = Keys::from_master(&old).encrypt(b"authenticator secret", "account-1");
        let mut settings = settings_in(&dir, Environment::Production);
        settings.master_key = Some(STANDARD.encode(new).as_str().into());
        let without = load_keys(&settings).unwrap();
        assert!(without.decrypt(&sealed, "account-1").is_err());
        settings.retired_master_keys = vec![STANDARD.encode(old).as_str().into()];
        let keys = load_keys(&settings).unwrap();
        assert_eq!(
            keys.decrypt(&sealed, "account-1").unwrap(),
            b"authenticator secret"
        );
        assert_eq!(
            keys.current_key_id(),
            Keys::from_master(&new).current_key_id()
        );
        settings.retired_master_keys = vec!["not base64!".into()];
        assert!(load_keys(&settings)
            .unwrap_err()
            .to_string()
            .contains("retired_master_keys"));
    }

    #[test]
    fn a_malformed_master_key_is_refused() {
        let dir = temp_dir();
        let mut settings = settings_in(&dir, Environment::Production);
        settings.master_key = Some("dG9vIHNob3J0".into());
        assert!(load_master_key(&settings)
            .unwrap_err()
            .to_string()
            .contains("32 bytes"));
    }

    #[test]
    fn processes_starting_together_in_development_all_get_the_one_key_written() {
        let dir = temp_dir();
        let settings = settings_in(&dir, Environment::Development);
        let keys: Vec<[u8; 32]> = std::thread::scope(|scope| {
            let starts: Vec<_> = (0..16)
                .map(|_| scope.spawn(|| load_master_key(&settings).expect("a key")))
                .collect();
            starts.into_iter().map(|s| s.join().unwrap()).collect()
        });
        assert!(
            keys.iter().all(|k| *k == keys[0]),
            "every start uses the same key"
        );
        assert_eq!(
            load_master_key(&settings).unwrap(),
            keys[0],
            "the key on disk"
        );
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|name| name.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
