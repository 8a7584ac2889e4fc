//! Durable database configuration and write transactions that do not fail under contention
//! (SECURITY.md item 46).

use crate::support::*;
use app::infra::db::{Db, DbKind};
use sqlx::Row;
use std::time::Duration;

async fn setting(conn: &mut sqlx::AnyConnection, sql: &str) -> String {
    let row = sqlx::query(sql).fetch_one(&mut *conn).await.unwrap();
    row.try_get::<String, _>(0)
        .or_else(|_| row.try_get::<i64, _>(0).map(|v| v.to_string()))
        .unwrap()
}

#[tokio::test]
async fn item46_the_database_is_configured_durably_on_every_connection() {
    let db = fresh_db().await;
    let report = db.durability().await.expect("durability report");
    assert!(report.problems().is_empty(), "{:?}", report.problems());
    match db.kind {
        DbKind::Sqlite => {
            assert!(
                report
                    .get("journal_mode")
                    .is_some_and(|v| v.eq_ignore_ascii_case("wal")),
                "{report:?}"
            );
            assert_eq!(report.get("synchronous"), Some("2"), "{report:?}");
            assert_eq!(report.get("foreign_keys"), Some("1"), "{report:?}");
            assert!(
                report
                    .get("busy_timeout")
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|ms| ms >= 5000),
                "{report:?}"
            );

            // Read back directly, on as many pooled connections as the pool will hand out at once:
            // foreign_keys, synchronous and busy_timeout are per-connection settings in SQLite.
            let mut held = Vec::new();
            while held.len() < 8 {
                match tokio::time::timeout(Duration::from_secs(2), db.pool.acquire()).await {
                    Ok(Ok(conn)) => held.push(conn),
                    _ => break,
                }
            }
            assert!(
                held.len() >= 2,
                "pool handed out {} connections",
                held.len()
            );
            for conn in held.iter_mut() {
                let conn: &mut sqlx::AnyConnection = conn;
                assert_eq!(
                    setting(conn, "PRAGMA journal_mode")
                        .await
                        .to_ascii_lowercase(),
                    "wal"
                );
                assert_eq!(setting(conn, "PRAGMA synchronous").await, "2");
                assert_eq!(setting(conn, "PRAGMA foreign_keys").await, "1");
                assert!(
                    setting(conn, "PRAGMA busy_timeout")
                        .await
                        .parse::<i64>()
                        .unwrap()
                        >= 5000
                );
            }
        }
        DbKind::Postgres => {
            for name in ["fsync", "synchronous_commit", "full_page_writes"] {
                assert_eq!(report.get(name), Some("on"), "{name}: {report:?}");
                let mut conn = db.pool.acquire().await.unwrap();
                assert_eq!(
                    setting(&mut conn, &format!("SHOW {name}")).await,
                    "on",
                    "{name}"
                );
            }
        }
    }
}

async fn counter_db() -> Db {
    let db = fresh_db().await;
    sqlx::query(
        "CREATE TABLE durability_counter (id INTEGER NOT NULL PRIMARY KEY, n BIGINT NOT NULL)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO durability_counter (id, n) VALUES (1, 0)")
        .execute(&db.pool)
        .await
        .unwrap();
    db
}

async fn counter(db: &Db) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT n FROM durability_counter WHERE id = 1")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n
}

/// Runs 50 concurrent read-then-write transactions; `dependent` writes the value read plus one
/// (lost updates show), otherwise `n = n + 1` after the read. Returns every error message.
async fn fifty_read_then_write(db: &Db, dependent: bool) -> Vec<String> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let db = db.clone();
        tasks.spawn(async move {
            let mut tx = db
                .begin_write()
                .await
                .map_err(|e| format!("begin: {e:?}"))?;
            let (read,): (i64,) = sqlx::query_as(&format!(
                "SELECT n FROM durability_counter WHERE id = 1{}",
                db.for_update()
            ))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| format!("select: {e}"))?;
            // Give other transactions a chance to interleave between the read and the write.
            tokio::time::sleep(Duration::from_millis(2)).await;
            let update = if dependent {
                sqlx::query("UPDATE durability_counter SET n = $1 WHERE id = 1").bind(read + 1)
            } else {
                sqlx::query("UPDATE durability_counter SET n = n + 1 WHERE id = 1")
            };
            update
                .execute(&mut *tx)
                .await
                .map_err(|e| format!("update: {e}"))?;
            tx.commit().await.map_err(|e| format!("commit: {e}"))?;
            Ok::<(), String>(())
        });
    }
    let mut errors = Vec::new();
    while let Some(result) = tasks.join_next().await {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(message)) => errors.push(message),
            Err(join) => errors.push(format!("task: {join}")),
        }
    }
    errors
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item46_fifty_concurrent_read_then_write_transactions_never_fail_with_busy() {
    let db = counter_db().await;
    let errors = fifty_read_then_write(&db, false).await;
    let busy: Vec<&String> = errors
        .iter()
        .filter(|e| e.contains("locked") || e.to_lowercase().contains("busy"))
        .collect();
    assert!(
        busy.is_empty(),
        "SQLITE_BUSY / database is locked: {busy:?}"
    );
    assert!(errors.is_empty(), "write transactions failed: {errors:?}");
    assert_eq!(counter(&db).await, 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item46_read_then_write_transactions_that_lock_what_they_read_lose_no_update() {
    let db = counter_db().await;
    let errors = fifty_read_then_write(&db, true).await;
    assert!(errors.is_empty(), "write transactions failed: {errors:?}");
    assert_eq!(
        counter(&db).await,
        50,
        "updates were lost: a read with Db::for_update inside begin_write must hold its row"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item62_writes_for_different_rows_proceed_at_the_same_time_on_postgresql() {
    let db = counter_db().await;
    if db.kind != DbKind::Postgres {
        eprintln!("SQLite has a single writer by design; this test runs on PostgreSQL");
        return;
    }
    sqlx::query("INSERT INTO durability_counter (id, n) VALUES (2, 0)")
        .execute(&db.pool)
        .await
        .unwrap();
    // The first transaction writes row 1 and stays open.
    let mut first = db.begin_write().await.unwrap();
    sqlx::query("UPDATE durability_counter SET n = n + 1 WHERE id = 1")
        .execute(&mut *first)
        .await
        .unwrap();
    // A second writer, on another row, neither waits for it nor fails.
    let second = async {
        let mut tx = db.begin_write().await.unwrap();
        sqlx::query(&format!(
            "SELECT n FROM durability_counter WHERE id = 2{}",
            db.for_update()
        ))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query("UPDATE durability_counter SET n = n + 1 WHERE id = 2")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    };
    tokio::time::timeout(Duration::from_secs(3), second)
        .await
        .expect("a write to another row waited for an open transaction: a global write lock");
    // A writer of the same row does wait for the first (row lock), then applies on top of it.
    let same_row = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin_write().await.unwrap();
            sqlx::query("UPDATE durability_counter SET n = n + 10 WHERE id = 1")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !same_row.is_finished(),
        "the same row must wait for its lock"
    );
    first.commit().await.unwrap();
    same_row.await.unwrap();
    assert_eq!(counter(&db).await, 11);
}
