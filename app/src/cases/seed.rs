//! Bulk test data for benchmarks: `caseport seed-cases` loads a million cases with ten million
//! status events in minutes. Rows are written with multi-row `INSERT`s in large transactions;
//! histories follow a plausible path through the catalogue (received, fingerprints, review,
//! interview, decision, card), cut at a random point, so filters by status see a realistic mix.

use super::model::{CaseStatus, FormType, ServiceCentre};
use crate::{
    error::AppError,
    infra::{crypto, state::AppState},
};
use rand::{rngs::StdRng, Rng, SeedableRng};

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

/// Cases per multi-row `INSERT` (10 values each; below SQLite's and PostgreSQL's bind limits).
const CASES_PER_STATEMENT: usize = 400;
/// Events per multi-row `INSERT` (4 values each).
const EVENTS_PER_STATEMENT: usize = 4000;
/// Cases per transaction.
const CASES_PER_TRANSACTION: usize = 20_000;

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
    received_at: i64,
    statuses: Vec<(CaseStatus, i64)>,
}

fn plan_case(rng: &mut StdRng, serial: u64, now: i64, mean_events: u32) -> SeedCase {
    let centre = ServiceCentre::ALL[rng.gen_range(0..ServiceCentre::ALL.len())];
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
    SeedCase {
        id: crypto::random_hex(16),
        // Seeded numbers are 9 followed by a 9-digit serial: unique among themselves.
        receipt: format!("{}9{serial:09}", centre.code()),
        centre: centre.code(),
        form: form.code(),
        received_at,
        statuses,
    }
}

/// The first serial free for seeded receipt numbers (`XXX9` and nine digits).
pub async fn next_serial(state: &AppState) -> Result<u64, AppError> {
    let integer = match state.db.kind {
        crate::infra::db::DbKind::Sqlite => "INTEGER",
        crate::infra::db::DbKind::Postgres => "BIGINT",
    };
    let highest: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MAX(CAST(substr(receipt_number, 5) AS {integer})) FROM cases
         WHERE substr(receipt_number, 4, 1) = '9'"
    ))
    .fetch_one(&state.db.pool)
    .await?;
    Ok(highest.map_or(0, |n| u64::try_from(n).unwrap_or(0) + 1))
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
    let mut report = SeedReport {
        cases: 0,
        events: 0,
    };
    while report.cases < cases {
        let take = (cases - report.cases).min(CASES_PER_TRANSACTION as u64);
        let batch: Vec<SeedCase> = (0..take)
            .map(|i| plan_case(&mut rng, first_serial + report.cases + i, now, mean_events))
            .collect();
        let mut tx = state.db.begin_write().await?;
        for chunk in batch.chunks(CASES_PER_STATEMENT) {
            let rows = (0..chunk.len())
                .map(|i| {
                    let b = i * 10;
                    format!(
                        "(${}, ${}, ${}, ${}, NULL, ${}, ${}, NULL, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 9,
                        b + 10
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO cases (id, receipt_number, centre, form_type, account_id,
                                    applicant_name, status, assigned_officer_id, received_at,
                                    status_changed_at, created_at, updated_at)
                 VALUES {rows}"
            );
            let mut statement = sqlx::query(&sql);
            for case in chunk {
                let (last_status, last_at) = case.statuses[case.statuses.len() - 1];
                statement = statement
                    .bind(&case.id)
                    .bind(&case.receipt)
                    .bind(case.centre)
                    .bind(case.form)
                    .bind("Seeded Applicant")
                    .bind(last_status.code())
                    .bind(case.received_at)
                    .bind(last_at)
                    .bind(now)
                    .bind(now);
            }
            statement.execute(&mut *tx).await?;
        }
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
            let rows = (0..chunk.len())
                .map(|i| {
                    let b = i * 4;
                    format!(
                        "(${}, ${}, ${}, NULL, NULL, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 4
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO case_events (case_id, seq, status, actor_id, note, occurred_at, created_at)
                 VALUES {rows}"
            );
            let mut statement = sqlx::query(&sql);
            for (case_id, seq, status, at) in chunk {
                statement = statement.bind(*case_id).bind(*seq).bind(*status).bind(*at);
            }
            statement.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        report.cases += take;
        report.events += events.len() as u64;
        progress(report);
    }
    Ok(report)
}
