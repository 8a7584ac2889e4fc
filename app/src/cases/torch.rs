//! The Case Status API, shaped like USCIS's "Torch" Case Status API so that its existing clients
//! work by changing only their base URL to `{origin}/api/torch`: an OAuth 2.0 client-credentials
//! token endpoint answering the fields of the API gateway Torch runs on, and
//! `GET /case-status/{receiptNumber}` answering the documented JSON, pretty-printed with its
//! fields in the documented order (some clients read it line by line). Error bodies are the
//! gateway's too (`{"code":401,"message":"Invalid Access Token"}` …).
//!
//! Clients are created, listed and revoked with `caseport api-client`; secrets are stored as an
//! HMAC and tokens as SHA-256 (both are 256-bit random values). Each client has a per-second limit
//! (counted by each server instance, like a gateway's spike arrest) and a daily quota (counted in
//! the database, shared by every instance).
//!
//! The daily quota is counted in batches ([`UsageBatch`]): a database write per request (an fsync
//! on SQLite, where writers also take turns) cost more than the lookup itself. Each instance
//! counts a client's requests in memory and writes them to `api_usage` with the first request of
//! each new second (by the state's clock), so a busy client costs one write a second per instance.
//! Within `per_second` requests of the quota, as this instance last saw the shared count, every
//! request is written before it is answered, as before. The tradeoffs:
//!
//! - Instances do not see each other's unwritten requests (at most one second of each, so at most
//!   `per_second`), so a client spread over N instances may get up to (N - 1) × `per_second`
//!   requests a day beyond its quota; on one instance the quota is exact.
//! - Requests counted in the last second before a client goes quiet reach the database with its
//!   next request to that instance, and are lost if the instance stops first (at most one second's
//!   worth); a day's unwritten count is dropped when the day is over, as it no longer limits
//!   anything.

use super::{
    dates::{api_date, api_date_time, day_number},
    model::ReceiptNumber,
    service::{decode, stored_status},
    store::{self, ApiClientRow, CaseRow, EventRow},
    texts::catalogue,
};
use crate::{
    error::AppError,
    i18n::Locale,
    infra::{
        crypto,
        rate_limit::{self, ip_key, Limit},
        request::ClientIp,
        state::AppState,
    },
};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Extension, Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use serde::Serialize;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// Seconds an access token lives.
pub const TOKEN_LIFETIME_SECS: i64 = 1800;
/// Token requests allowed per client address and minute.
const TOKEN_REQUESTS_PER_IP: Limit = Limit {
    max: 60,
    window_secs: 60,
};
/// What the gateway says for an unknown receipt number.
pub const NOT_RECOGNISED: &str =
    "Case Status Online does not recognize the receipt number entered.";

/// The Case Status API's routes, mounted at `/api/torch`. Each router counts API usage in its own
/// [`UsageBatch`]: one router is one server instance.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/accesstoken", post(access_token))
        .route("/case-status/{receipt}", get(case_status))
        .layer(Extension(Arc::new(UsageBatch::default())))
}

/// Requests to the case status endpoint counted by this instance and not yet written to
/// `api_usage`, by client and UTC day (see the module documentation).
#[derive(Debug, Default)]
pub struct UsageBatch {
    counts: Mutex<HashMap<(String, i64), Usage>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Usage {
    /// The shared count as the last write by this instance returned it.
    written: i64,
    /// Counted here since then.
    pending: i64,
    /// The second of this instance's last write (`None` before the first).
    written_at: Option<i64>,
}

/// What a request does about its count.
enum Count {
    /// Counted in memory: the client has used about this many requests today.
    Batched(i64),
    /// Write this many requests (this one and those waiting) before answering.
    Write(i64),
}

impl UsageBatch {
    fn count(&self, client: &ApiClientRow, day: i64, now: i64) -> Count {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (client.id.clone(), day);
        if !counts.contains_key(&key) {
            // A new client or a new day: earlier days no longer limit anything.
            counts.retain(|(_, d), _| *d >= day);
        }
        let usage = counts.entry(key).or_default();
        let near_quota = usage.written + usage.pending + 1 + client.per_second >= client.per_day;
        if near_quota || usage.written_at.is_none_or(|at| at != now) {
            let requests = usage.pending + 1;
            usage.pending = 0;
            usage.written_at = Some(now);
            Count::Write(requests)
        } else {
            usage.pending += 1;
            Count::Batched(usage.written + usage.pending)
        }
    }

    fn written(&self, client_id: &str, day: i64, total: i64) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(usage) = counts.get_mut(&(client_id.to_owned(), day)) {
            usage.written = usage.written.max(total);
        }
    }

    /// A write failed: the requests before this one wait for the next write (this one is
    /// answered with an error, and was never counted before batching either).
    fn not_written(&self, client_id: &str, day: i64, requests: i64) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(usage) = counts.get_mut(&(client_id.to_owned(), day)) {
            usage.pending += requests - 1;
            usage.written_at = None;
        }
    }
}

/// Counts one request of `client` against its daily quota and returns about how many it has made
/// today, this one included (exact within `per_second` of the quota; see the module documentation).
async fn count_usage(
    state: &AppState,
    usage: &UsageBatch,
    client: &ApiClientRow,
    now: i64,
) -> Result<i64, AppError> {
    let day = day_number(now);
    match usage.count(client, day, now) {
        Count::Batched(used) => Ok(used),
        Count::Write(requests) => {
            match store::add_api_usage(&state.db, &client.id, day, requests).await {
                Ok(total) => {
                    usage.written(&client.id, day, total);
                    Ok(total)
                }
                Err(error) => {
                    usage.not_written(&client.id, day, requests);
                    Err(error)
                }
            }
        }
    }
}

/// An answer with the gateway's pretty-printed JSON layout.
fn json_answer(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_string_pretty(body) {
        Ok(text) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            text,
        )
            .into_response(),
        Err(error) => unavailable(AppError::internal(format_args!(
            "encoding an API answer: {error}"
        ))),
    }
}

#[derive(Serialize)]
struct CodeMessage<'a> {
    code: u16,
    message: &'a str,
}

fn code_message(status: StatusCode, message: &str) -> Response {
    json_answer(
        status,
        &CodeMessage {
            code: status.as_u16(),
            message,
        },
    )
}

fn too_many(message: &str, retry_after: u64) -> Response {
    let mut response = code_message(StatusCode::TOO_MANY_REQUESTS, message);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

#[derive(Serialize)]
struct Errors<'a> {
    errors: [CodeText<'a>; 1],
}

#[derive(Serialize)]
struct CodeText<'a> {
    code: &'a str,
    message: &'a str,
}

/// The gateway's 503; every failure inside (database, encoding) is logged and answered with it.
fn unavailable(error: AppError) -> Response {
    let retry_after = error.retry_after().unwrap_or(5);
    let mut response = json_answer(
        StatusCode::SERVICE_UNAVAILABLE,
        &Errors {
            errors: [CodeText {
                code: "503",
                message: "Service Unavailable",
            }],
        },
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

#[derive(Serialize)]
struct OauthError<'a> {
    #[serde(rename = "ErrorCode")]
    error_code: &'a str,
    #[serde(rename = "Error")]
    error: &'a str,
}

fn oauth_error(status: StatusCode, code: &str, text: &str) -> Response {
    json_answer(
        status,
        &OauthError {
            error_code: code,
            error: text,
        },
    )
}

/// The token answer, field for field (and in the order) the gateway sends it.
#[derive(Serialize)]
struct TokenAnswer<'a> {
    refresh_token_expires_in: &'a str,
    api_product_list: &'a str,
    api_product_list_json: [&'a str; 1],
    organization_name: &'a str,
    token_type: &'a str,
    issued_at: String,
    client_id: &'a str,
    access_token: &'a str,
    application_name: &'a str,
    scope: &'a str,
    expires_in: String,
    refresh_count: &'a str,
    status: &'a str,
}

/// The client id and secret from HTTP Basic or from the form body (clients do both).
fn credentials(headers: &HeaderMap, form: &[(String, String)]) -> Option<(String, String)> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
        });
    basic.or_else(|| Some((field("client_id")?, field("client_secret")?)))
}

async fn access_token(
    State(state): State<AppState>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(AppError::RateLimited { retry_after }) = rate_limit::hit_local(
        &state,
        &format!("torch-token|{}", ip_key(ip)),
        TOKEN_REQUESTS_PER_IP,
    ) {
        return too_many("Spike Arrest Violation", retry_after);
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let grant_type = form
        .iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.as_str());
    if grant_type != Some("client_credentials") {
        let text = format!("Unsupported grant type : {}", grant_type.unwrap_or(""));
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &text);
    }
    let Some((client_id, secret)) = credentials(&headers, &form) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client identifier is required",
        );
    };
    match issue_token(&state, &client_id, &secret).await {
        Ok(Some((client, token, issued_at))) => json_answer(
            StatusCode::OK,
            &TokenAnswer {
                refresh_token_expires_in: "0",
                api_product_list: "[case-status]",
                api_product_list_json: ["case-status"],
                organization_name: "caseport",
                token_type: "BearerToken",
                issued_at: (issued_at * 1000).to_string(),
                client_id: &client.id,
                access_token: &token,
                application_name: &client.application_name,
                scope: "",
                expires_in: (TOKEN_LIFETIME_SECS - 1).to_string(),
                refresh_count: "0",
                status: "approved",
            },
        ),
        Ok(None) => oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "ClientId is Invalid",
        ),
        Err(error) => unavailable(error),
    }
}

/// A new token for a client whose secret matches; `None` for a wrong id or secret or a revoked
/// client (one answer for all, so the id's existence is not told).
async fn issue_token(
    state: &AppState,
    client_id: &str,
    secret: &str,
) -> Result<Option<(ApiClientRow, String, i64)>, AppError> {
    let presented = state.keys.mac_hex(secret.as_bytes());
    let Some(client) = store::find_api_client(&state.db, client_id).await? else {
        return Ok(None);
    };
    if client.revoked_at.is_some()
        || !crypto::constant_time_eq(presented.as_bytes(), client.secret_hash.as_bytes())
    {
        tracing::warn!(client_id = %client.id, "API token refused");
        return Ok(None);
    }
    let token = crypto::random_token();
    let now = state.now();
    store::insert_api_token(
        &state.db,
        &crypto::sha256_hex(token.as_bytes()),
        &client.id,
        now,
        now + TOKEN_LIFETIME_SECS,
    )
    .await?;
    Ok(Some((client, token, now)))
}

/// `case_status` of the answer, fields in the documented order.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
struct CaseStatusBody {
    #[serde(rename = "receiptNumber")]
    receipt_number: String,
    #[serde(rename = "formType")]
    form_type: String,
    #[serde(rename = "submittedDate")]
    submitted_date: String,
    #[serde(rename = "modifiedDate")]
    modified_date: String,
    current_case_status_text_en: String,
    current_case_status_desc_en: String,
    current_case_status_text_es: String,
    current_case_status_desc_es: String,
    hist_case_status: Option<Vec<HistoryBody>>,
}

#[derive(Serialize)]
struct HistoryBody {
    date: String,
    completed_text_en: String,
    completed_text_es: String,
}

#[derive(Serialize)]
struct CaseStatusAnswer {
    case_status: CaseStatusBody,
    message: &'static str,
}

/// The API's view of a case: the current status in English and Spanish, and the statuses before
/// it (newest first; `null` when the case has had only one).
fn case_status_body(row: &CaseRow, events: &[EventRow]) -> Result<CaseStatusBody, AppError> {
    let (status, form) = decode(row)?;
    let (en, es) = (catalogue(Locale::En), catalogue(Locale::Es));
    let describe = |locale: Locale| {
        let date = super::dates::long_date(row.status_changed_at, locale);
        catalogue(locale).description(status, &date, form, &row.receipt_number)
    };
    let earlier = events
        .iter()
        .skip(1)
        .map(|event| {
            let past = stored_status(&event.status)?;
            Ok(HistoryBody {
                date: api_date(event.occurred_at),
                completed_text_en: en.history(past, form),
                completed_text_es: es.history(past, form),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(CaseStatusBody {
        receipt_number: row.receipt_number.clone(),
        form_type: form.code().to_owned(),
        submitted_date: api_date_time(row.received_at),
        modified_date: api_date_time(row.status_changed_at),
        current_case_status_text_en: en.status(status).title.to_owned(),
        current_case_status_desc_en: describe(Locale::En),
        current_case_status_text_es: es.status(status).title.to_owned(),
        current_case_status_desc_es: describe(Locale::Es),
        hist_case_status: (!earlier.is_empty()).then_some(earlier),
    })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

async fn case_status(
    State(state): State<AppState>,
    Extension(usage): Extension<Arc<UsageBatch>>,
    Path(receipt): Path<String>,
    headers: HeaderMap,
) -> Response {
    let now = state.now();
    let receipt = ReceiptNumber::parse(&receipt);
    // One query answers both "whose token is this?" and "which case?": a second round trip to
    // the database was a fifth of each answer's CPU.
    let looked_up = match bearer(&headers) {
        Some(token) => {
            store::client_and_status(
                &state.db,
                &crypto::sha256_hex(token.as_bytes()),
                now,
                receipt.as_ref().ok().map(ReceiptNumber::as_str),
            )
            .await
        }
        None => Ok(None),
    };
    let (client, found) = match looked_up {
        Ok(Some(answer)) => answer,
        Ok(None) => return code_message(StatusCode::UNAUTHORIZED, "Invalid Access Token"),
        Err(error) => return unavailable(error),
    };
    if state.policy.rate_limits {
        let per_second = Limit {
            max: client.per_second,
            window_secs: 1,
        };
        if let Err(AppError::RateLimited { retry_after }) =
            state
                .local_limits
                .hit(&format!("torch|{}", client.id), per_second, now)
        {
            return too_many("Spike Arrest Violation", retry_after);
        }
        match count_usage(&state, &usage, &client, now).await {
            Ok(used) if used > client.per_day => {
                let retry_after = (86_400 - now.rem_euclid(86_400)).max(1) as u64;
                return too_many("Quota Violation", retry_after);
            }
            Ok(_) => {}
            Err(error) => return unavailable(error),
        }
    }
    if let Err(problem) = receipt {
        let text = super::texts::CasesMsg::Receipt(problem).text(Locale::En);
        return code_message(StatusCode::BAD_REQUEST, &text);
    }
    match found.map(|(row, events)| case_status_body(&row, &events)) {
        Some(Ok(body)) => json_answer(
            StatusCode::OK,
            &CaseStatusAnswer {
                case_status: body,
                message: "Query was successful",
            },
        ),
        None => code_message(StatusCode::NOT_FOUND, NOT_RECOGNISED),
        Some(Err(error)) => unavailable(error),
    }
}

/// A client just created: its secret is shown this once and never stored in the clear.
#[derive(Debug)]
pub struct NewClient {
    /// The public client id.
    pub id: String,
    /// The secret, to give to the client's operator.
    pub secret: String,
}

/// Creates an API client with these limits.
pub async fn create_client(
    state: &AppState,
    application_name: &str,
    per_second: i64,
    per_day: i64,
) -> Result<NewClient, AppError> {
    let name = application_name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::BadRequest);
    }
    if per_second < 1 || per_day < 1 {
        return Err(AppError::BadRequest);
    }
    let id = crypto::random_hex(16);
    let secret = crypto::random_token();
    store::insert_api_client(
        &state.db,
        &ApiClientRow {
            id: id.clone(),
            application_name: name.to_owned(),
            secret_hash: state.keys.mac_hex(secret.as_bytes()),
            per_second,
            per_day,
            revoked_at: None,
            created_at: state.now(),
        },
    )
    .await?;
    Ok(NewClient { id, secret })
}

/// Every client (without secrets).
pub async fn list_clients(state: &AppState) -> Result<Vec<ApiClientRow>, AppError> {
    store::list_api_clients(&state.db).await
}

/// Revokes a client and ends its tokens; `NotFound` if there is no such active client.
pub async fn revoke_client(state: &AppState, id: &str) -> Result<(), AppError> {
    if store::revoke_api_client(&state.db, id, state.now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
