//! The `caseport` command: serve the site, run migrations, and a few administrative tasks.

use clap::{Parser, Subcommand};
use server::{build_state, config::Settings, open_database, StartupError};
use std::{io::BufRead, path::PathBuf, process::ExitCode, sync::Arc};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "caseport",
    version,
    about = "Caseport: a self-hosted online account portal for immigration and benefits cases"
)]
struct Cli {
    /// The settings file (its [caseport] table); CASEPORT_* environment variables override it.
    #[arg(long, global = true, default_value = "Leptos.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create a verified account (demo data, benchmarks); the password is read from standard input.
    CreateAccount {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Enrol an authenticator app with this Base32 secret (at least 16 bytes).
        #[arg(long)]
        totp_secret: Option<String>,
        /// What the account may do: applicant (default), officer, supervisor or support.
        #[arg(long, default_value = "applicant", value_parser = parse_role)]
        role: app::accounts::model::Role,
    },
    /// Give an account demo cases (one with a long history, one waiting for evidence, one new),
    /// unless it already has cases.
    SeedDemo {
        /// The email address of the account that gets the cases.
        #[arg(long)]
        email: String,
    },
    /// Load many cases for benchmarks (receipt numbers `XXX9` + nine digits, never linked).
    SeedCases {
        /// How many cases.
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        /// Status events per case on average.
        #[arg(long, default_value_t = 10)]
        events_per_case: u32,
    },
    /// Check the audit log's hash chain (exits non-zero if an entry was changed or removed).
    AuditVerify,
    /// Manage the Case Status API's clients (`/api/torch`).
    ApiClient {
        #[command(subcommand)]
        action: ApiClientAction,
    },
    /// Measure argon2id verifications per second with the production parameters.
    BenchArgon2 {
        /// How many verifications to time.
        #[arg(long, default_value_t = 50)]
        iterations: u32,
    },
}

#[derive(Subcommand)]
enum ApiClientAction {
    /// Create a client and print its id and secret (the secret is shown this once).
    Create {
        /// The application's name, echoed in token answers.
        #[arg(long)]
        name: String,
        /// Requests per second (per server instance); default: the `api_per_second` setting.
        #[arg(long)]
        per_second: Option<i64>,
        /// Requests per UTC day (across instances); default: the `api_per_day` setting.
        #[arg(long)]
        per_day: Option<i64>,
    },
    /// List every client with its limits (never the secrets).
    List,
    /// Revoke a client: its tokens stop working at once.
    Revoke {
        /// The client id.
        #[arg(long)]
        id: String,
    },
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CASEPORT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if format == "pretty" {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .init();
    } else {
        let subscriber = server::json_log_subscriber(filter, std::io::stdout);
        if let Err(error) = tracing::subscriber::set_global_default(subscriber) {
            eprintln!("caseport: logging could not start: {error}");
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(&cli.config) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("caseport: {error}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&settings.log_format);
    let result = match cli.command {
        Command::Serve => serve(settings).await,
        Command::Migrate => open_database(&settings.database_url, &settings.data_dir)
            .await
            .map(|_| {
                println!("migrations applied");
            }),
        Command::CreateAccount {
            email,
            password_stdin: _,
            totp_secret,
            role,
        } => create_account(settings, email, totp_secret, role).await,
        Command::SeedDemo { email } => seed_demo(settings, email).await,
        Command::ApiClient { action } => api_client(settings, action).await,
        Command::AuditVerify => audit_verify(settings).await,
        Command::SeedCases {
            cases,
            events_per_case,
        } => seed_cases(settings, cases, events_per_case).await,
        Command::BenchArgon2 { iterations } => bench_argon2(iterations).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("caseport: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), StartupError> {
    let test_clock = settings
        .test_clock
        .then(|| Arc::new(app::infra::clock::OffsetClock::default()));
    let clock: Arc<dyn app::infra::clock::Clock> = match &test_clock {
        Some(clock) => clock.clone(),
        None => Arc::new(app::infra::clock::SystemClock),
    };
    let state = server::build_state_with_clock(&settings, clock).await?;
    // The place data is parsed once, before serving, so no request waits for it on a worker.
    if let Err(error) = tokio::task::spawn_blocking(app::infra::geo::warm).await {
        tracing::warn!(%error, "place data not loaded at start-up");
    }
    if let Some(address) = &settings.dev_mail_sink {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| StartupError::Io(format!("dev mail sink {address}: {e}")))?;
        let outbox = settings.data_dir.join("outbox");
        tracing::info!(address = %address, outbox = %outbox.display(), "development mail sink listening");
        tokio::spawn(async move {
            if let Err(error) = app::infra::mail::run_mail_sink(listener, outbox).await {
                tracing::error!(%error, "development mail sink stopped");
            }
        });
    }
    tokio::spawn(server::run_housekeeping(state.clone()));
    tokio::spawn(app::infra::audit::run_sealer(
        state.clone(),
        std::time::Duration::from_secs(1),
    ));
    tokio::spawn(app::infra::outbox::run_worker(
        state.clone(),
        std::time::Duration::from_secs(2),
    ));
    tokio::spawn(app::infra::live::run_listener(
        state.clone(),
        settings.database_url.clone(),
    ));
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| StartupError::Io(format!("listen {}: {e}", settings.listen)))?;
    tracing::info!(address = %settings.listen, base_url = %settings.base_url, "Caseport listening");
    let mut router = server::app(state);
    if let Some(clock) = test_clock {
        tracing::warn!("test clock on: POST /__test/clock moves time (development only)");
        router = router.merge(server::test_clock_router(clock));
    }
    server::serve(
        listener,
        router,
        server::limits_from(&settings),
        shutdown_signal(),
    )
    .await
    .map_err(|e| StartupError::Io(e.to_string()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

fn parse_role(text: &str) -> Result<app::accounts::model::Role, String> {
    app::accounts::model::Role::parse(text)
        .ok_or_else(|| "expected applicant, officer, supervisor or support".to_owned())
}

async fn create_account(
    settings: Settings,
    email: String,
    totp_secret: Option<String>,
    role: app::accounts::model::Role,
) -> Result<(), StartupError> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|e| StartupError::Io(format!("reading the password: {e}")))?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let secret = match totp_secret {
        Some(text) => {
            let bytes = app::mfa::totp::decode_base32(&text)
                .filter(|b| b.len() >= 16)
                .ok_or_else(|| {
                    StartupError::Io("--totp-secret must be Base32 of at least 16 bytes".into())
                })?;
            Some(bytes)
        }
        None => None,
    };
    let state = build_state(&settings).await?;
    let created =
        app::accounts::service::create_verified_account(&state, &email, &password, role).await;
    let created = match (created, secret) {
        (Ok(account), Some(secret)) => {
            app::mfa::service::seed_authenticator(&state, &account.id, &secret)
                .await
                .map(|()| account)
        }
        (other, _) => other,
    };
    match created {
        Ok(app::accounts::service::CreatedAccount { number, .. }) => {
            println!(
                "created {email} with online account number {}",
                number.formatted()
            );
            Ok(())
        }
        Err(app::error::AppError::Conflict) => Err(StartupError::Io(format!(
            "an account for {email} already exists"
        ))),
        Err(error) => Err(StartupError::Io(error_text(&error))),
    }
}

/// The English words of an error, for the terminal.
fn error_text(error: &app::error::AppError) -> String {
    error
        .messages()
        .into_iter()
        .map(|(_, m)| m.text(app::i18n::Locale::En))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn seed_demo(settings: Settings, email: String) -> Result<(), StartupError> {
    let state = build_state(&settings).await?;
    let account = app::accounts::store::find_by_email(&state.db, &email.trim().to_lowercase())
        .await
        .map_err(|e| StartupError::Io(error_text(&e)))?
        .ok_or_else(|| StartupError::Io(format!("no account for {email}")))?;
    let receipts = app::cases::service::seed_demo_cases(&state, &account.id, "Demo Applicant")
        .await
        .map_err(|e| StartupError::Io(error_text(&e)))?;
    if receipts.is_empty() {
        println!("{email} already has cases");
    } else {
        let list: Vec<&str> = receipts.iter().map(|r| r.as_str()).collect();
        println!("demo cases for {email}: {}", list.join(" "));
    }
    Ok(())
}

async fn seed_cases(
    settings: Settings,
    cases: u64,
    events_per_case: u32,
) -> Result<(), StartupError> {
    use app::cases::seed;
    let state = build_state(&settings).await?;
    let fail = |e: app::error::AppError| StartupError::Io(error_text(&e));
    let first = seed::next_serial(&state).await.map_err(fail)?;
    let started = std::time::Instant::now();
    let report = seed::seed_cases(&state, cases, events_per_case, first, |so_far| {
        if so_far.cases % 100_000 == 0 || so_far.cases == cases {
            eprintln!(
                "seed-cases: {} cases, {} events ({:.0} s)",
                so_far.cases,
                so_far.events,
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await
    .map_err(fail)?;
    println!(
        "seeded {} cases and {} status events in {:.1} s",
        report.cases,
        report.events,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn audit_verify(settings: Settings) -> Result<(), StartupError> {
    let state = build_state(&settings).await?;
    // Seal what is waiting first, so the report covers everything recorded so far.
    app::infra::audit::seal_pending(&state)
        .await
        .map_err(|e| StartupError::Io(error_text(&e)))?;
    let report = app::infra::audit::verify(&state.db, &state.keys)
        .await
        .map_err(|e| StartupError::Io(error_text(&e)))?;
    match report.problem {
        None => {
            println!(
                "audit log intact: {} entries chained, {} waiting to be sealed",
                report.sealed, report.unsealed
            );
            Ok(())
        }
        Some(problem) => Err(StartupError::Io(format!(
            "audit log TAMPERED: {problem} ({} entries checked)",
            report.sealed
        ))),
    }
}

async fn api_client(settings: Settings, action: ApiClientAction) -> Result<(), StartupError> {
    use app::cases::torch;
    let state = build_state(&settings).await?;
    let fail = |e: app::error::AppError| StartupError::Io(error_text(&e));
    match action {
        ApiClientAction::Create {
            name,
            per_second,
            per_day,
        } => {
            let per_second = per_second.unwrap_or(settings.api_per_second);
            let per_day = per_day.unwrap_or(settings.api_per_day);
            let client = torch::create_client(&state, &name, per_second, per_day)
                .await
                .map_err(|e| match e {
                    app::error::AppError::BadRequest => StartupError::Io(
                        "--name must be 1 to 100 printable characters and the limits at least 1"
                            .into(),
                    ),
                    other => fail(other),
                })?;
            println!("client_id={}", client.id);
            println!("client_secret={}", client.secret);
            println!(
                "limits: {per_second} requests/s per server instance, {per_day} requests/day; \
                 the secret is shown only now"
            );
        }
        ApiClientAction::List => {
            for client in torch::list_clients(&state).await.map_err(fail)? {
                let state_text = if client.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}/s\t{}/day\t{}",
                    client.id,
                    state_text,
                    client.per_second,
                    client.per_day,
                    client.application_name
                );
            }
        }
        ApiClientAction::Revoke { id } => {
            torch::revoke_client(&state, &id)
                .await
                .map_err(|e| match e {
                    app::error::AppError::NotFound => {
                        StartupError::Io(format!("no active client {id}"))
                    }
                    other => fail(other),
                })?;
            println!("revoked {id}");
        }
    }
    Ok(())
}

async fn bench_argon2(iterations: u32) -> Result<(), StartupError> {
    use app::infra::passwords::{secret, PasswordHasher};
    let hasher = PasswordHasher::new(1);
    let password = secret("benchmark password of ordinary length");
    let hash = hasher
        .hash(&password)
        .await
        .map_err(|e| StartupError::Io(format!("{e:?}")))?;
    let started = std::time::Instant::now();
    for _ in 0..iterations.max(1) {
        hasher
            .verify(&password, Some(&hash))
            .await
            .map_err(|e| StartupError::Io(format!("{e:?}")))?;
    }
    let rate = f64::from(iterations.max(1)) / started.elapsed().as_secs_f64();
    println!(
        "argon2id verifications/s: {rate:.2} (single thread, m={}, t={}, p={})",
        hasher.params().m_cost(),
        hasher.params().t_cost(),
        hasher.params().p_cost()
    );
    Ok(())
}
