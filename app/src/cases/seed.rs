//! Bulk test data for benchmarks: `caseport seed-cases` loads a million cases with ten million
//! status events in minutes. Rows are written with multi-row `INSERT`s in large transactions;
//! histories follow a plausible path through the catalogue (received, fingerprints, review,
//! interview, decision, card), cut at a random point, so filters by status see a realistic mix.
//! The receipt number of serial `n` is `ServiceCentre::ALL[n % 8]`, `9` and `n` in nine digits,
//! so a benchmark can look up any seeded case. When officers or supervisors exist, one case in
//! [`ASSIGNED_ONE_IN`] is held by one of them, so the queue's "mine" and "unassigned" filters
//! both have pages to show.
//!
//! A million cases with ten million events take about 70 s on SQLite on a 2-core machine
//! (PostgreSQL: about 200 s), with every durability setting as it always is, thanks to:
//!
//! - parameters written `?` on SQLite (see [`values`]): numbered ones made binding a statement
//!   quadratic in its parameters, over a second for each statement of 4,000 events (the load
//!   took about 23 minutes before);
//! - rising ids (the seeding time, then the serial, then random digits), so cases and their
//!   events are appended at the end of the primary-key indexes instead of each landing on a
//!   random page of a ten-million-entry index (random ids: 168 s instead of 68 s).

use super::model::{CaseStatus, FormType, ServiceCentre};
use crate::{
    accounts::store as accounts_store,
    error::AppError,
    infra::{db::DbKind, state::AppState},
};
use rand::{rngs::StdRng, Rng, RngCore, SeedableRng};
use sqlx::{Any, Transaction};

/// The path a seeded case walks; each case stops somewhere along it.
const PATH: [CaseStatus; 12] = [
    CaseStatus::CaseReceived,
    CaseStatus::ReceiptNoticeSent,
    CaseStatus::FingerprintFeeReceived,
    CaseStatus::FingerprintsTaken,
    CaseStatus::ActivelyReviewed,
    CaseStatus::ReadyForInterview,
    CaseStatus::InterviewScheduled,
    CaseStatus::InterviewCompleted,
    CaseStatus::Approved,
    CaseStatus::CardBeingProduced,
    CaseStatus::CardMailed,
    CaseStatus::CardDelivered,
];

/// Cases per multi-row `INSERT` (11 values each; below SQLite's and PostgreSQL's bind limits).
const CASES_PER_STATEMENT: usize = 500;
/// Events per multi-row `INSERT` (5 values each).
const EVENTS_PER_STATEMENT: usize = 4000;
/// Cases per transaction.
const CASES_PER_TRANSACTION: usize = 50_000;
/// One seeded case in this many is held by an officer (when there are officers).
pub const ASSIGNED_ONE_IN: u64 = 10;

/// What was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    /// Cases inserted.
    pub cases: u64,
    /// Status events inserted.
    pub events: u64,
}

struct SeedCase {
    id: String,
    receipt: String,
    centre: &'static str,
    form: &'static str,
    /// Index into the case workers of whoever holds it.
    holder: Option<usize>,
    received_at: i64,
    statuses: Vec<(CaseStatus, i64)>,
}

/// A rising id of the usual shape (32 hex digits): the seeding time and the serial keep ids in
/// insertion order, across seedings too; the last 48 bits are random.
fn seed_id(rng: &mut StdRng, now: i64, serial: u64) -> String {
    let time = u32::try_from(now.max(0)).unwrap_or(u32::MAX);
    let random = rng.next_u64() & 0xffff_ffff_ffff;
    format!("{time:08x}{:012x}{random:012x}", serial & 0xffff_ffff_ffff)
}

fn plan_case(rng: &mut StdRng, serial: u64, now: i64, mean_events: u32, staff: usize) -> SeedCase {
    // The centre follows from the serial, so a benchmark can name any seeded case's receipt.
    let centre = ServiceCentre::ALL[(serial % ServiceCentre::ALL.len() as u64) as usize];
    let form = FormType::ALL[rng.gen_range(0..FormType::ALL.len())];
    // Between 1 and 2 × mean - 1 statuses (mean on average), along the path, repeating its
    // middle (review) when a history is longer than the path.
    let count = rng.gen_range(1..=(2 * mean_events.max(1) - 1)) as usize;
    let received_at = now - rng.gen_range(30..1500) * 86_400;
    let mut at = received_at;
    let statuses = (0..count)
        .map(|i| {
            let status = if i < PATH.len() {
                PATH[i]
            } else {
                CaseStatus::ActivelyReviewed
            };
            if i > 0 {
                at = (at + rng.gen_range(1..20) * 86_400).min(now);
            }
            (status, at)
        })
        .collect();
    let holder = (staff > 0 && serial.is_multiple_of(ASSIGNED_ONE_IN))
        .then(|| (serial / ASSIGNED_ONE_IN) as usize % staff);
    SeedCase {
        id: seed_id(rng, now, serial),
        // Seeded numbers are 9 followed by a 9-digit serial: unique among themselves.
        receipt: format!("{}9{serial:09}", centre.code()),
        centre: centre.code(),
        form: form.code(),
        holder,
        received_at,
        statuses,
    }
}

/// The first serial free for seeded receipt numbers (`XXX9` and nine digits).
pub async fn next_serial(state: &AppState) -> Result<u64, AppError> {
    let integer = match state.db.kind {
        DbKind::Sqlite => "INTEGER",
        DbKind::Postgres => "BIGINT",
    };
    let highest: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MAX(CAST(substr(receipt_number, 5) AS {integer})) FROM cases
         WHERE substr(receipt_number, 4, 1) = '9'"
    ))
    .fetch_one(&state.db.pool)
    .await?;
    Ok(highest.map_or(0, |n| u64::try_from(n).unwrap_or(0) + 1))
}

/// `rows` copies of the row template `row` (its parameters written `?`), comma-separated. SQLite
/// takes the `?`s as they are: with numbered parameters (`$1`) it looks each one up by name in a
/// list, so binding a statement of N parameters costs N² (a second for 16,000 of them).
/// PostgreSQL only knows numbered parameters, so there they are numbered.
fn values(kind: DbKind, rows: usize, row: &str) -> String {
    let sql = vec![row; rows].join(", ");
    match kind {
        DbKind::Sqlite => sql,
        DbKind::Postgres => {
            let mut numbered = String::with_capacity(sql.len() * 2);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(c);
                }
            }
            numbered
        }
    }
}

async fn insert_cases(
    kind: DbKind,
    tx: &mut Transaction<'_, Any>,
    batch: &[SeedCase],
    staff: &[String],
    now: i64,
) -> Result<(), AppError> {
    for chunk in batch.chunks(CASES_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO cases (id, receipt_number, centre, form_type, account_id,
                                applicant_name, status, assigned_officer_id, received_at,
                                status_changed_at, created_at, updated_at)
             VALUES {}",
            values(kind, chunk.len(), "(?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)")
        );
        let mut statement = sqlx::query(&sql);
        for case in chunk {
            let (last_status, last_at) = case.statuses[case.statuses.len() - 1];
            statement = statement
                .bind(case.id.as_str())
                .bind(case.receipt.as_str())
                .bind(case.centre)
                .bind(case.form)
                .bind("Seeded Applicant")
                .bind(last_status.code())
                .bind(case.holder.map(|i| staff[i].as_str()))
                .bind(case.received_at)
                .bind(last_at)
                .bind(now)
                .bind(now);
        }
        statement.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_events(
    kind: DbKind,
    tx: &mut Transaction<'_, Any>,
    batch: &[SeedCase],
) -> Result<u64, AppError> {
    let events: Vec<(&str, i64, &'static str, i64)> = batch
        .iter()
        .flat_map(|case| {
            case.statuses
                .iter()
                .enumerate()
                .map(|(i, (status, at))| (case.id.as_str(), i as i64 + 1, status.code(), *at))
        })
        .collect();
    for chunk in events.chunks(EVENTS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO case_events (case_id, seq, status, actor_id, note, occurred_at, created_at)
             VALUES {}",
            values(kind, chunk.len(), "(?, ?, ?, NULL, NULL, ?, ?)")
        );
        let mut statement = sqlx::query(&sql);
        for (case_id, seq, status, at) in chunk {
            statement = statement
                .bind(*case_id)
                .bind(*seq)
                .bind(*status)
                .bind(*at)
                .bind(*at);
        }
        statement.execute(&mut **tx).await?;
    }
    Ok(events.len() as u64)
}

/// Inserts `cases` cases with about `mean_events` statuses each, calling `progress` after each
/// transaction with the number of cases so far. Seeded receipt numbers start at `first_serial`.
pub async fn seed_cases(
    state: &AppState,
    cases: u64,
    mean_events: u32,
    first_serial: u64,
    progress: impl Fn(SeedReport),
) -> Result<SeedReport, AppError> {
    let mut rng = StdRng::from_entropy();
    let now = state.now();
    let staff: Vec<String> = accounts_store::list_case_workers(&state.db)
        .await?
        .into_iter()
        .map(|staff| staff.id)
        .collect();
    let mut report = SeedReport {
        cases: 0,
        events: 0,
    };
    while report.cases < cases {
        let take = (cases - report.cases).min(CASES_PER_TRANSACTION as u64);
        let batch: Vec<SeedCase> = (0..take)
            .map(|i| {
                let serial = first_serial + report.cases + i;
                plan_case(&mut rng, serial, now, mean_events, staff.len())
            })
            .collect();
        let mut tx = state.db.begin_write().await?;
        insert_cases(state.db.kind, &mut tx, &batch, &staff, now).await?;
        let events = insert_events(state.db.kind, &mut tx, &batch).await?;
        tx.commit().await?;
        report.cases += take;
        report.events += events;
        progress(report);
    }
    if state.db.kind == DbKind::Postgres {
        // PostgreSQL's planner works from statistics, which autovacuum would gather a while after
        // the load; its documentation advises gathering them at once after a bulk load. (SQLite
        // keeps none unless asked, and the queue's indexes are chosen without them.)
        sqlx::query("ANALYZE cases, case_events")
            .execute(&state.db.pool)
            .await?;
    }
    Ok(report)
}
