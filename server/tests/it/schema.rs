//! The two schemas cannot drift (docs/security.md item 62): after migrating, SQLite and PostgreSQL
//! have the same tables, columns (type family and nullability), named constraints, foreign keys
//! and indexes. Runs in the PostgreSQL stage of the suite, where both engines are present.

use crate::support::{fresh_db, temp_dir};
use app::infra::db::Db;
use sqlx::Row;
use std::collections::BTreeSet;

#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    tables: BTreeSet<String>,
    /// (table, column, type family, not null)
    columns: BTreeSet<(String, String, &'static str, bool)>,
    /// Named constraints (primary keys, unique, checks, foreign keys).
    constraints: BTreeSet<String>,
    /// (table, column, referenced table, referenced column, on delete)
    foreign_keys: BTreeSet<(String, String, String, String, String)>,
    /// Explicitly created indexes.
    indexes: BTreeSet<String>,
}

fn family(sql_type: &str) -> &'static str {
    match sql_type.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int8" => "integer",
        "text" | "character varying" | "varchar" => "text",
        "blob" | "bytea" => "bytes",
        other => panic!("unexpected column type {other}: add it to the families"),
    }
}

async fn sqlite_schema(db: &Db) -> Schema {
    let mut schema = Schema::default();
    let tables = sqlx::query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let constraint = regex::Regex::new(r"(?i)CONSTRAINT\s+(\w+)").unwrap();
    for row in tables {
        let table: String = row.try_get(0).unwrap();
        let sql: String = row.try_get(1).unwrap();
        for capture in constraint.captures_iter(&sql) {
            schema.constraints.insert(capture[1].to_owned());
        }
        for column in sqlx::query(&format!("PRAGMA table_info({table})"))
            .fetch_all(&db.pool)
            .await
            .unwrap()
        {
            let name: String = column.try_get(1).unwrap();
            let sql_type: String = column.try_get(2).unwrap();
            let not_null: i64 = column.try_get(3).unwrap();
            let primary: i64 = column.try_get(5).unwrap();
            schema.columns.insert((
                table.clone(),
                name,
                family(&sql_type),
                not_null == 1 || primary > 0,
            ));
        }
        for key in sqlx::query(&format!("PRAGMA foreign_key_list({table})"))
            .fetch_all(&db.pool)
            .await
            .unwrap()
        {
            schema.foreign_keys.insert((
                table.clone(),
                key.try_get(3).unwrap(),
                key.try_get(2).unwrap(),
                key.try_get(4).unwrap(),
                key.try_get::<String, _>(6).unwrap().to_ascii_uppercase(),
            ));
        }
        schema.tables.insert(table);
    }
    for row in
        sqlx::query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .fetch_all(&db.pool)
            .await
            .unwrap()
    {
        schema.indexes.insert(row.try_get(0).unwrap());
    }
    schema
}

async fn postgres_schema(db: &Db) -> Schema {
    let mut schema = Schema::default();
    for row in sqlx::query(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    {
        schema.tables.insert(row.try_get(0).unwrap());
    }
    for row in sqlx::query(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    {
        let nullable: String = row.try_get(3).unwrap();
        schema.columns.insert((
            row.try_get(0).unwrap(),
            row.try_get(1).unwrap(),
            family(&row.try_get::<String, _>(2).unwrap()),
            nullable == "NO",
        ));
    }
    for row in sqlx::query(
        "SELECT c.conname::text FROM pg_constraint c
         JOIN pg_namespace n ON n.oid = c.connamespace
         JOIN pg_class t ON t.oid = c.conrelid
         WHERE n.nspname = 'public' AND t.relname NOT LIKE '_sqlx%' AND c.contype <> 'n'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    {
        schema.constraints.insert(row.try_get(0).unwrap());
    }
    for row in sqlx::query(
        "SELECT kcu.table_name::text, kcu.column_name::text, ccu.table_name::text,
                ccu.column_name::text, rc.delete_rule::text
         FROM information_schema.referential_constraints rc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name
         JOIN information_schema.constraint_column_usage ccu
              ON ccu.constraint_name = rc.constraint_name
         WHERE rc.constraint_schema = 'public'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    {
        schema.foreign_keys.insert((
            row.try_get(0).unwrap(),
            row.try_get(1).unwrap(),
            row.try_get(2).unwrap(),
            row.try_get(3).unwrap(),
            row.try_get(4).unwrap(),
        ));
    }
    // Indexes created by CREATE INDEX (not those behind primary-key or unique constraints).
    for row in sqlx::query(
        "SELECT i.indexname::text FROM pg_indexes i
         WHERE i.schemaname = 'public' AND i.tablename NOT LIKE '_sqlx%'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    {
        schema.indexes.insert(row.try_get(0).unwrap());
    }
    schema
}

fn differences<T: Ord + std::fmt::Debug>(
    what: &str,
    a: &BTreeSet<T>,
    b: &BTreeSet<T>,
) -> Vec<String> {
    let mut out = Vec::new();
    for only in a.difference(b) {
        out.push(format!("{what} only on SQLite: {only:?}"));
    }
    for only in b.difference(a) {
        out.push(format!("{what} only on PostgreSQL: {only:?}"));
    }
    out
}

#[tokio::test]
async fn item62_sqlite_and_postgresql_schemas_are_the_same_after_migrating() {
    let postgres = fresh_db().await;
    if postgres.kind != app::infra::db::DbKind::Postgres {
        eprintln!("CASEPORT_TEST_DATABASE_URL names no PostgreSQL server; the comparison runs in the PostgreSQL stage");
        return;
    }
    let dir = temp_dir("schema");
    let sqlite = Db::connect(&format!("sqlite://{}", dir.join("schema.db").display()))
        .await
        .unwrap();
    sqlite.migrate().await.unwrap();
    let (lite, pg) = (
        sqlite_schema(&sqlite).await,
        postgres_schema(&postgres).await,
    );
    // Each query really read the schema (an empty set on both sides would compare equal).
    for (what, a, b) in [
        ("tables", lite.tables.len(), pg.tables.len()),
        ("columns", lite.columns.len(), pg.columns.len()),
        ("constraints", lite.constraints.len(), pg.constraints.len()),
        (
            "foreign keys",
            lite.foreign_keys.len(),
            pg.foreign_keys.len(),
        ),
        ("indexes", lite.indexes.len(), pg.indexes.len()),
    ] {
        assert!(
            a >= 5 && b >= 5,
            "too few {what} read: SQLite {a}, PostgreSQL {b}"
        );
    }
    let mut problems = Vec::new();
    problems.extend(differences("table", &lite.tables, &pg.tables));
    problems.extend(differences("column", &lite.columns, &pg.columns));
    problems.extend(differences(
        "constraint",
        &lite.constraints,
        &pg.constraints,
    ));
    problems.extend(differences(
        "foreign key",
        &lite.foreign_keys,
        &pg.foreign_keys,
    ));
    problems.extend(differences("index", &lite.indexes, &pg.indexes));
    assert!(
        problems.is_empty(),
        "the schemas drifted:\n{}",
        problems.join("\n")
    );
}
