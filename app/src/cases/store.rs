//! SQL for cases and their status history, and for the Case Status API's clients, tokens and
//! daily usage. Nothing else reads or writes these tables.

use crate::{
    error::AppError,
    infra::db::{Db, DbKind},
};
use sqlx::{any::AnyRow, Any, FromRow, Row, Transaction};

/// A case as lists and pages need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    /// Random 128-bit id (what URLs carry; never the receipt number).
    pub id: String,
    /// The 13-character receipt number.
    pub receipt_number: String,
    /// The form's code, e.g. `I-130`.
    pub form_type: String,
    /// The account the case is linked to, if any.
    pub account_id: Option<String>,
    /// The applicant's name as filed.
    pub applicant_name: String,
    /// The current status's catalogue code.
    pub status: String,
    /// The officer the case is assigned to, if any.
    pub assigned_officer_id: Option<String>,
    /// When the filing was received.
    pub received_at: i64,
    /// When the current status was recorded.
    pub status_changed_at: i64,
}

const CASE_COLUMNS: &str = "id, receipt_number, form_type, account_id, applicant_name, status, \
                            assigned_officer_id, received_at, status_changed_at";

/// One status a case has been in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    /// 1 for the first status of the case, then counting up.
    pub seq: i64,
    /// The status's catalogue code.
    pub status: String,
    /// When it happened.
    pub occurred_at: i64,
}

/// What a new case starts with.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    /// Random 128-bit id.
    pub id: &'a str,
    /// A receipt number no other case has.
    pub receipt_number: &'a str,
    /// The centre's three letters.
    pub centre: &'a str,
    /// The form's code.
    pub form_type: &'a str,
    /// The account to link it to (`None` for a paper filing).
    pub account_id: Option<&'a str>,
    /// The applicant's name as filed.
    pub applicant_name: &'a str,
    /// The first status.
    pub status: &'a str,
    /// When the filing was received.
    pub received_at: i64,
}

/// Inserts a case and its first status event (recorded at `received_at`).
pub async fn insert_case(
    tx: &mut Transaction<'static, Any>,
    case: &NewCase<'_>,
    actor_id: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cases (id, receipt_number, centre, form_type, account_id, applicant_name,
                            status, assigned_officer_id, received_at, status_changed_at,
                            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $8, $9, $9)",
    )
    .bind(case.id)
    .bind(case.receipt_number)
    .bind(case.centre)
    .bind(case.form_type)
    .bind(case.account_id)
    .bind(case.applicant_name)
    .bind(case.status)
    .bind(case.received_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO case_events (case_id, seq, status, actor_id, note, occurred_at, created_at)
         VALUES ($1, 1, $2, $3, NULL, $4, $5)",
    )
    .bind(case.id)
    .bind(case.status)
    .bind(actor_id)
    .bind(case.received_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a new status for a case and makes it the current one. The caller holds the case's row
/// lock ([`lock_case`]) so two changes to one case are numbered one after the other.
pub async fn append_status(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    status: &str,
    actor_id: Option<&str>,
    note: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO case_events (case_id, seq, status, actor_id, note, occurred_at, created_at)
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $5 FROM case_events WHERE case_id = $1",
    )
    .bind(case_id)
    .bind(status)
    .bind(actor_id)
    .bind(note)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE cases SET status = $2, status_changed_at = $3, updated_at = $3 WHERE id = $1",
    )
    .bind(case_id)
    .bind(status)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Locks a case's row until the transaction ends (PostgreSQL; SQLite's write transactions are
/// exclusive already) and returns it.
pub async fn lock_case(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
) -> Result<Option<CaseRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE id = $1{}",
        db.for_update()
    ))
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The case with this receipt number.
pub async fn find_by_receipt(db: &Db, receipt: &str) -> Result<Option<CaseRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE receipt_number = $1"
    ))
    .bind(receipt)
    .fetch_optional(&db.pool)
    .await?)
}

/// [`status_by_receipt`]'s row: the case and its events as a JSON array of `[seq, status, at]`.
#[derive(sqlx::FromRow)]
struct CaseWithHistoryRow {
    #[sqlx(flatten)]
    case: CaseRow,
    history: Option<String>,
}

/// The case with this receipt number and its statuses, newest first, in one query that returns
/// one row (the events folded into JSON by the database): the public lookup answers from this
/// alone. Each further query or row costs a round trip to SQLite's worker thread and a conversion
/// of every value, which were most of a lookup's time.
pub async fn status_by_receipt(
    db: &Db,
    receipt: &str,
) -> Result<Option<(CaseRow, Vec<EventRow>)>, AppError> {
    let row: Option<CaseWithHistoryRow> = sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS}, {} AS history FROM cases c WHERE c.receipt_number = $1",
        folded_history(db.kind, "c")
    ))
    .bind(receipt)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| Ok((row.case, unfold_history(row.history.as_deref())?)))
        .transpose()
}

/// What the Case Status API needs for one request, read in one query: the client a live token
/// belongs to (`None` for an unknown, expired or revoked token) and, if the token is live, the
/// case with `receipt` and its statuses, newest first (`None` when there is no such case or no
/// receipt number was given).
pub async fn client_and_status(
    db: &Db,
    token_hash: &str,
    now: i64,
    receipt: Option<&str>,
) -> Result<Option<(ApiClientRow, Option<(CaseRow, Vec<EventRow>)>)>, AppError> {
    let row: Option<AnyRow> = sqlx::query(&format!(
        "SELECT a.id AS client_id, a.application_name, a.secret_hash, a.per_second, a.per_day,
                a.revoked_at, a.created_at AS client_created_at, c.*, {} AS history
         FROM api_tokens t JOIN api_clients a ON a.id = t.client_id
         LEFT JOIN (SELECT {CASE_COLUMNS} FROM cases WHERE receipt_number = $3) c ON 1 = 1
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND a.revoked_at IS NULL",
        folded_history(db.kind, "c")
    ))
    .bind(token_hash)
    .bind(now)
    .bind(receipt)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let client = ApiClientRow {
        id: row.try_get("client_id")?,
        application_name: row.try_get("application_name")?,
        secret_hash: row.try_get("secret_hash")?,
        per_second: row.try_get("per_second")?,
        per_day: row.try_get("per_day")?,
        revoked_at: row.try_get("revoked_at")?,
        created_at: row.try_get("client_created_at")?,
    };
    let found = match row.try_get::<Option<String>, _>("id")? {
        Some(_) => Some((
            CaseRow::from_row(&row)?,
            unfold_history(row.try_get::<Option<String>, _>("history")?.as_deref())?,
        )),
        None => None,
    };
    Ok(Some((client, found)))
}

/// A subquery folding the events of the case aliased `case_alias` into one JSON array of
/// `[seq, status, at]` (an empty array, or NULL on PostgreSQL, when there are none).
fn folded_history(kind: DbKind, case_alias: &str) -> String {
    match kind {
        DbKind::Sqlite => format!(
            "(SELECT json_group_array(json_array(seq, status, occurred_at))
              FROM case_events WHERE case_id = {case_alias}.id)"
        ),
        DbKind::Postgres => format!(
            "(SELECT json_agg(json_build_array(seq, status, occurred_at))::text
              FROM case_events WHERE case_id = {case_alias}.id)"
        ),
    }
}

/// The events of [`folded_history`], newest first.
fn unfold_history(folded: Option<&str>) -> Result<Vec<EventRow>, AppError> {
    let folded: Vec<(i64, String, i64)> = serde_json::from_str(folded.unwrap_or("[]"))
        .map_err(|error| AppError::internal(format!("case history JSON: {error}")))?;
    let mut events: Vec<EventRow> = folded
        .into_iter()
        .map(|(seq, status, occurred_at)| EventRow {
            seq,
            status,
            occurred_at,
        })
        .collect();
    events.sort_unstable_by_key(|event| std::cmp::Reverse(event.seq));
    Ok(events)
}

/// The id of the case with this receipt number, read inside a write transaction.
pub async fn find_id_by_receipt(
    tx: &mut Transaction<'static, Any>,
    receipt: &str,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM cases WHERE receipt_number = $1")
            .bind(receipt)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// The case with this id if it is linked to `account_id` (anyone else's case is not found).
pub async fn find_for_account(
    db: &Db,
    case_id: &str,
    account_id: &str,
) -> Result<Option<CaseRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE id = $1 AND {OWNED_BY_2}"
    ))
    .bind(case_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Whose a case is: the account it was filed from (`account_id`), or the account that claimed its
/// Account Access Notice (a paper filing, linked by registering with the notice or by adding the
/// case with its code). `$2` is the account id.
pub(crate) const OWNED_BY_2: &str = "(account_id = $2 OR EXISTS (SELECT 1 FROM access_notices n
                          WHERE n.case_id = cases.id AND n.claimed_by = $2))";

/// The account a case belongs to (see [`OWNED_BY_2`]), if any yet; on the pool or inside the
/// caller's transaction.
pub async fn owner_of<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    case_id: &str,
) -> Result<Option<String>, AppError> {
    let owner: Option<Option<String>> = sqlx::query_scalar(
        "SELECT COALESCE(c.account_id, n.claimed_by) FROM cases c
         LEFT JOIN access_notices n ON n.case_id = c.id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(executor)
    .await?;
    Ok(owner.flatten())
}

/// The number of the case's newest event, inside a write transaction.
pub async fn last_seq_in(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
) -> Result<i64, AppError> {
    let seq: Option<i64> =
        sqlx::query_scalar("SELECT MAX(seq) FROM case_events WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(seq.unwrap_or(0))
}

/// The cases linked to an account, most recently changed first.
pub async fn list_for_account(db: &Db, account_id: &str) -> Result<Vec<CaseRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS} FROM cases
         WHERE account_id = $1
            OR id IN (SELECT case_id FROM access_notices WHERE claimed_by = $1)
         ORDER BY status_changed_at DESC, id DESC LIMIT 200"
    ))
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A case's statuses, newest first.
pub async fn events(db: &Db, case_id: &str) -> Result<Vec<EventRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT seq, status, occurred_at FROM case_events WHERE case_id = $1 ORDER BY seq DESC",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A Case Status API client as token requests need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiClientRow {
    /// The public client id.
    pub id: String,
    /// The name given at creation, echoed in token answers.
    pub application_name: String,
    /// HMAC of the secret.
    pub secret_hash: String,
    /// Requests allowed per second (per server instance).
    pub per_second: i64,
    /// Requests allowed per UTC day (across instances).
    pub per_day: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// When it was created.
    pub created_at: i64,
}

const CLIENT_COLUMNS: &str =
    "id, application_name, secret_hash, per_second, per_day, revoked_at, created_at";

/// Adds an API client.
pub async fn insert_api_client(db: &Db, client: &ApiClientRow) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO api_clients (id, application_name, secret_hash, per_second, per_day,
                                  revoked_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $6)",
    )
    .bind(&client.id)
    .bind(&client.application_name)
    .bind(&client.secret_hash)
    .bind(client.per_second)
    .bind(client.per_day)
    .bind(client.created_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The API client with this id (revoked or not).
pub async fn find_api_client(db: &Db, id: &str) -> Result<Option<ApiClientRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CLIENT_COLUMNS} FROM api_clients WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Every API client, oldest first.
pub async fn list_api_clients(db: &Db) -> Result<Vec<ApiClientRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CLIENT_COLUMNS} FROM api_clients ORDER BY created_at, id"
    ))
    .fetch_all(&db.pool)
    .await?)
}

/// Revokes a client and deletes its tokens; false when there is no such unrevoked client.
pub async fn revoke_api_client(db: &Db, id: &str, now: i64) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    let revoked = sqlx::query(
        "UPDATE api_clients SET revoked_at = $2, updated_at = $2 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    sqlx::query("DELETE FROM api_tokens WHERE client_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(revoked)
}

/// Stores an issued access token (by its hash).
pub async fn insert_api_token(
    db: &Db,
    token_hash: &str,
    client_id: &str,
    issued_at: i64,
    expires_at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO api_tokens (token_hash, client_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(client_id)
    .bind(issued_at)
    .bind(expires_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Adds `requests` to a client's count for `day` and returns the new total.
pub async fn add_api_usage(
    db: &Db,
    client_id: &str,
    day: i64,
    requests: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_usage (client_id, day, requests) VALUES ($1, $2, $3)
         ON CONFLICT (client_id, day) DO UPDATE SET requests = api_usage.requests + $3
         RETURNING requests",
    )
    .bind(client_id)
    .bind(day)
    .bind(requests)
    .fetch_one(&db.pool)
    .await?)
}

/// Who a queue shows cases for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// Whoever holds them (or nobody).
    Any,
    /// Cases nobody holds.
    Unassigned,
    /// Cases this officer holds.
    Officer(String),
}

/// A page of the officers' queue: filters, whose cases may be seen, and where the last page ended.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    /// Only this status code.
    pub status: Option<String>,
    /// Only this form code.
    pub form: Option<String>,
    /// Only this centre's three letters.
    pub centre: Option<String>,
    /// Only cases held by this.
    pub assignee: Assignee,
    /// For officers: only cases they hold or nobody holds (`None` for supervisors: all).
    pub visible_to: Option<String>,
    /// Continue after this `(status_changed_at, id)` (keyset pagination, newest first).
    pub after: Option<(i64, String)>,
    /// Rows to return.
    pub limit: i64,
}

enum Bind {
    Text(String),
    Number(i64),
}

/// The queue: cases matching the filters, most recently changed first, one page at a time. The
/// SQL names only the filters given, so each combination can use its index.
pub async fn queue(db: &Db, query: &QueueQuery) -> Result<Vec<CaseRow>, AppError> {
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    let next = |bind: Bind, binds: &mut Vec<Bind>| {
        binds.push(bind);
        format!("${}", binds.len())
    };
    for (column, value) in [
        ("status", &query.status),
        ("form_type", &query.form),
        ("centre", &query.centre),
    ] {
        if let Some(value) = value {
            let placeholder = next(Bind::Text(value.clone()), &mut binds);
            conditions.push(format!("{column} = {placeholder}"));
        }
    }
    match &query.assignee {
        Assignee::Any => {}
        Assignee::Unassigned => conditions.push("assigned_officer_id IS NULL".into()),
        Assignee::Officer(id) => {
            let placeholder = next(Bind::Text(id.clone()), &mut binds);
            conditions.push(format!("assigned_officer_id = {placeholder}"));
        }
    }
    if let Some(officer) = &query.visible_to {
        let placeholder = next(Bind::Text(officer.clone()), &mut binds);
        conditions.push(format!(
            "(assigned_officer_id = {placeholder} OR assigned_officer_id IS NULL)"
        ));
    }
    if let Some((changed_at, id)) = &query.after {
        let time = next(Bind::Number(*changed_at), &mut binds);
        let last = next(Bind::Text(id.clone()), &mut binds);
        conditions.push(format!(
            "(status_changed_at < {time} OR (status_changed_at = {time} AND id < {last}))"
        ));
    }
    let limit = next(Bind::Number(query.limit), &mut binds);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases {filter}
         ORDER BY status_changed_at DESC, id DESC LIMIT {limit}"
    );
    let mut statement = sqlx::query_as::<_, CaseRow>(&sql);
    for bind in binds {
        statement = match bind {
            Bind::Text(text) => statement.bind(text),
            Bind::Number(number) => statement.bind(number),
        };
    }
    Ok(statement.fetch_all(&db.pool).await?)
}

/// The case with this id, whoever it belongs to (staff only; callers check scope).
pub async fn find_case<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    case_id: &str,
) -> Result<Option<CaseRow>, AppError> {
    Ok(
        sqlx::query_as(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
            .bind(case_id)
            .fetch_optional(executor)
            .await?,
    )
}

/// Gives the case to `officer_id` (or to nobody). The caller holds the case's row lock.
pub async fn set_assignee(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    officer_id: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE cases SET assigned_officer_id = $2, updated_at = $3 WHERE id = $1")
        .bind(case_id)
        .bind(officer_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A case's history with the staff-only facts (who, notes), newest first.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffEventRow {
    /// 1 for the first status.
    pub seq: i64,
    /// The status's catalogue code.
    pub status: String,
    /// Who recorded it.
    pub actor_id: Option<String>,
    /// The staff note.
    pub note: Option<String>,
    /// When it happened.
    pub occurred_at: i64,
}

/// A case's statuses with actors and notes, newest first.
pub async fn staff_events(db: &Db, case_id: &str) -> Result<Vec<StaffEventRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT seq, status, actor_id, note, occurred_at FROM case_events WHERE case_id = $1
         ORDER BY seq DESC",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A Request for Evidence.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvidenceRequestRow {
    /// Random id.
    pub id: String,
    /// What is needed.
    pub instructions: String,
    /// The end of the day it is due (Unix seconds).
    pub due_at: i64,
    /// When it was sent.
    pub issued_at: i64,
}

/// Adds a Request for Evidence to a case (the caller records the status change too).
pub async fn insert_evidence_request(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    instructions: &str,
    due_at: i64,
    issued_by: &str,
    now: i64,
) -> Result<String, AppError> {
    let id = crate::infra::crypto::random_hex(16);
    sqlx::query(
        "INSERT INTO evidence_requests (id, case_id, instructions, due_at, issued_by, issued_at,
                                        answered_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $6, $6)",
    )
    .bind(&id)
    .bind(case_id)
    .bind(instructions)
    .bind(due_at)
    .bind(issued_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The case's newest unanswered Request for Evidence.
pub async fn open_evidence_request(
    db: &Db,
    case_id: &str,
) -> Result<Option<EvidenceRequestRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, instructions, due_at, issued_at FROM evidence_requests
         WHERE case_id = $1 AND answered_at IS NULL ORDER BY issued_at DESC, id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?)
}
