//! The database: SQLite by default, PostgreSQL when the URL says so, with durable settings checked at start.

use crate::error::AppError;
use sqlx::{
    any::{AnyPoolOptions, AnyRow},
    AnyPool, Executor, Row, Transaction,
};
use std::time::Duration;

/// Which engine a [`Db`] talks to (SQL differs in a few places).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL (the scale-out option).
    Postgres,
}

/// A pool of connections plus the engine it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    /// The connection pool.
    pub pool: AnyPool,
    /// The engine behind the pool.
    pub kind: DbKind,
}

/// The database could not be opened, migrated, or is not configured durably.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    /// The URL names no supported engine.
    #[error("unsupported database URL (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    /// Connecting or querying failed.
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A durability setting is not what Caseport requires.
    #[error("unsafe database setting: {0}")]
    Unsafe(String),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Busy timeout for SQLite, in milliseconds.
pub const SQLITE_BUSY_TIMEOUT_MS: i64 = 5000;

impl Db {
    /// Opens a pool for `url` (`sqlite://path` creates the file if needed; `postgres://...`).
    pub async fn connect(url: &str) -> Result<Self, DbSetupError> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("sqlite:") {
            DbKind::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            DbKind::Postgres
        } else {
            return Err(DbSetupError::UnsupportedUrl);
        };
        let url = match kind {
            DbKind::Sqlite if !url.contains("mode=") => {
                let separator = if url.contains('?') { '&' } else { '?' };
                format!("{url}{separator}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyPoolOptions::new()
            .max_connections(if kind == DbKind::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10));
        let options = if kind == DbKind::Sqlite {
            // An embedded database has no link to lose: checking a connection before each use is
            // one more round trip to its worker thread (a sixth of a public lookup's CPU).
            options
                .test_before_acquire(false)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        // WAL with synchronous=FULL survives power loss; foreign keys and a busy timeout
                        // are per-connection settings in SQLite, so every connection gets them.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute(
                            format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}").as_str(),
                        )
                        .await?;
                        Ok(())
                    })
                })
        } else {
            options
        };
        let pool = options.connect(&url).await?;
        Ok(Self { pool, kind })
    }

    /// Applies pending migrations for this engine.
    pub async fn migrate(&self) -> Result<(), DbSetupError> {
        match self.kind {
            DbKind::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            DbKind::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Reads the durability settings back from the engine; the server refuses to start unless
    /// [`DurabilityReport::problems`] is empty.
    pub async fn durability(&self) -> Result<DurabilityReport, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        let mut settings = Vec::new();
        match self.kind {
            DbKind::Sqlite => {
                for pragma in [
                    "journal_mode",
                    "synchronous",
                    "foreign_keys",
                    "busy_timeout",
                ] {
                    let row: AnyRow = sqlx::query(&format!("PRAGMA {pragma}"))
                        .fetch_one(&mut *conn)
                        .await?;
                    let value = row
                        .try_get::<String, _>(0)
                        .or_else(|_| row.try_get::<i64, _>(0).map(|v| v.to_string()))?;
                    settings.push((pragma.to_owned(), value));
                }
            }
            DbKind::Postgres => {
                for name in ["fsync", "synchronous_commit", "full_page_writes"] {
                    let row: AnyRow = sqlx::query(&format!("SHOW {name}"))
                        .fetch_one(&mut *conn)
                        .await?;
                    settings.push((name.to_owned(), row.try_get::<String, _>(0)?));
                }
            }
        }
        Ok(DurabilityReport {
            kind: self.kind,
            settings,
        })
    }

    /// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`: SQLite has one writer, and
    /// taking the write lock at the start makes a second writer wait (busy timeout) instead of
    /// failing. On PostgreSQL it is an ordinary transaction and writers run side by side:
    /// correctness under concurrency comes from constraints, single-statement conditional writes
    /// (`INSERT ... ON CONFLICT ... WHERE`, `UPDATE ... WHERE <expected state>`) and, where a
    /// write depends on a read, a row lock on what was read ([`Db::for_update`]).
    pub async fn begin_write(&self) -> Result<Transaction<'static, sqlx::Any>, AppError> {
        Ok(match self.kind {
            DbKind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            DbKind::Postgres => self.pool.begin().await?,
        })
    }

    /// The clause that locks the rows a `SELECT` reads until the transaction ends, for reads that
    /// a later write in the same transaction depends on: ` FOR UPDATE` on PostgreSQL, nothing on
    /// SQLite (whose write transactions already exclude each other).
    pub fn for_update(&self) -> &'static str {
        match self.kind {
            DbKind::Sqlite => "",
            DbKind::Postgres => " FOR UPDATE",
        }
    }

    /// Answers whether the database responds (for `/readyz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// The durability settings as the engine reports them.
#[derive(Debug, Clone)]
pub struct DurabilityReport {
    /// The engine.
    pub kind: DbKind,
    /// Setting name and value as reported.
    pub settings: Vec<(String, String)>,
}

impl DurabilityReport {
    /// The value reported for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every setting that is not durable enough; empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut expect = |name: &str, ok: &dyn Fn(&str) -> bool| match self.get(name) {
            Some(value) if ok(value) => {}
            value => problems.push(format!("{name} = {value:?}")),
        };
        match self.kind {
            DbKind::Sqlite => {
                expect("journal_mode", &|v| v.eq_ignore_ascii_case("wal"));
                expect("synchronous", &|v| v == "2");
                expect("foreign_keys", &|v| v == "1");
                expect("busy_timeout", &|v| {
                    v.parse::<i64>()
                        .is_ok_and(|ms| ms >= SQLITE_BUSY_TIMEOUT_MS)
                });
            }
            DbKind::Postgres => {
                expect("fsync", &|v| v == "on");
                expect("synchronous_commit", &|v| v == "on");
                expect("full_page_writes", &|v| v == "on");
            }
        }
        problems
    }
}

/// True when `error` is a unique-constraint violation (matched by error kind, never by message text).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
