//! The rules of cases: who may see which case, turning stored rows into what people read, and
//! creating cases and status changes with fresh receipt numbers.

use super::{
    dates::long_date,
    letters::{self, NoticeKind},
    model::{
        parse_receipt_field, AddCaseForm, CaseDetail, CaseStatus, CaseStatusView, CaseSummary,
        FormType, HistoryEntry, ReceiptNumber, ServiceCentre,
    },
    notices,
    store::{self, CaseRow, EventRow, NewCase},
    texts::{catalogue, texts, CasesMsg},
};
use crate::notifications::service::{notify, Event};
use crate::{
    accounts::{access_notices, model::AccessCode, store as accounts_store},
    error::{AppError, FieldError},
    i18n::{fill, Locale},
    infra::{
        audit::{self, AuditEvent},
        crypto, db,
        live::{self, LiveEvent},
        rate_limit::{self, ip_key, Limit},
        state::AppState,
    },
};
use sqlx::{Any, Transaction};
use std::net::IpAddr;

/// The catalogue status of a stored code, or an internal error (the catalogue only grows, so an
/// unknown stored code is a bug, not bad input).
pub fn stored_status(code: &str) -> Result<CaseStatus, AppError> {
    CaseStatus::parse(code)
        .ok_or_else(|| AppError::internal(format_args!("unknown stored status {code:?}")))
}

/// The stored status and form of a row, or an internal error (see [`stored_status`]).
pub fn decode(row: &CaseRow) -> Result<(CaseStatus, FormType), AppError> {
    let status = stored_status(&row.status)?;
    let form = FormType::parse(&row.form_type).ok_or_else(|| {
        AppError::internal(format_args!("unknown stored form {:?}", row.form_type))
    })?;
    Ok((status, form))
}

/// A case and its history in the words of `locale`.
pub fn status_view(
    row: &CaseRow,
    events: &[EventRow],
    locale: Locale,
) -> Result<CaseStatusView, AppError> {
    let (status, form) = decode(row)?;
    let c = catalogue(locale);
    let changed = long_date(row.status_changed_at, locale);
    let history = events
        .iter()
        .map(|event| {
            let status = stored_status(&event.status)?;
            Ok(HistoryEntry {
                date: long_date(event.occurred_at, locale),
                title: c.status(status).title.to_owned(),
                text: c.history(status, form),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(CaseStatusView {
        receipt_number: row.receipt_number.clone(),
        form: form.code().to_owned(),
        form_name: c.form_name(form).to_owned(),
        title: c.status(status).title.to_owned(),
        description: c.description(status, &changed, form, &row.receipt_number),
        received: long_date(row.received_at, locale),
        last_updated: changed,
        history,
    })
}

/// Case Status Online: anyone may look a receipt number up, a limited number of times per
/// minute from one address. Unknown and malformed numbers are explained on the receipt field.
pub async fn public_status(
    state: &AppState,
    client: IpAddr,
    typed: &str,
    locale: Locale,
) -> Result<CaseStatusView, AppError> {
    let limit = Limit {
        max: state.policy.case_status_per_minute,
        window_secs: 60,
    };
    rate_limit::hit_local(state, &format!("case-status|{}", ip_key(client)), limit)?;
    let receipt = super::model::parse_receipt_field(typed)
        .map_err(|message| AppError::field("receipt", message))?;
    let (row, events) = store::status_by_receipt(&state.db, receipt.as_str())
        .await?
        .ok_or_else(|| AppError::field("receipt", CasesMsg::UnknownReceipt.into()))?;
    status_view(&row, &events, locale)
}

/// The cases linked to an account.
pub async fn my_cases(
    state: &AppState,
    account_id: &str,
    locale: Locale,
) -> Result<Vec<CaseSummary>, AppError> {
    let c = catalogue(locale);
    store::list_for_account(&state.db, account_id)
        .await?
        .iter()
        .map(|row| {
            let (status, form) = decode(row)?;
            Ok(CaseSummary {
                id: row.id.clone(),
                receipt_number: row.receipt_number.clone(),
                form: form.code().to_owned(),
                title: c.status(status).title.to_owned(),
                last_updated: long_date(row.status_changed_at, locale),
            })
        })
        .collect()
}

/// One of the account's cases; anyone else's case, or no case, is `NotFound` (never
/// `Forbidden`, which would tell that the id exists).
pub async fn my_case(
    state: &AppState,
    account_id: &str,
    case_id: &str,
    locale: Locale,
) -> Result<CaseDetail, AppError> {
    let row = store::find_for_account(&state.db, case_id, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = store::events(&state.db, &row.id).await?;
    let (status, _) = decode(&row)?;
    let open_request = store::open_evidence_request(&state.db, &row.id)
        .await?
        .map(|request| (long_date(request.due_at, locale), request.instructions));
    Ok(CaseDetail {
        id: row.id.clone(),
        status: status_view(&row, &events, locale)?,
        evidence_requested: status.requests_evidence() || open_request.is_some(),
        open_request,
        documents: notices::documents(&state.db, &row.id, locale).await?,
    })
}

/// Links a paper-filed case to the signed-in account with the receipt number and access code of
/// its Account Access Notice; returns the case id. Every try counts against the client's and the
/// receipt number's limits; an unknown receipt number and a wrong code get the same answer.
pub async fn add_paper_case(
    state: &AppState,
    account_id: &str,
    form: &AddCaseForm,
    ip: IpAddr,
) -> Result<String, AppError> {
    let receipt = parse_receipt_field(&form.receipt);
    let code = AccessCode::parse(&form.access_code);
    let (receipt, code) = match (receipt, code) {
        (Ok(receipt), Ok(code)) => (receipt, code),
        (receipt, code) => {
            let mut field_errors = Vec::new();
            if let Err(message) = receipt {
                field_errors.push(FieldError::new("receipt", message));
            }
            if let Err(message) = code {
                field_errors.push(FieldError::new("access_code", message));
            }
            return Err(AppError::Validation { field_errors });
        }
    };
    access_notices::throttle(state, ip, receipt.as_str()).await?;
    let now = state.now();
    let mut tx = state.db.begin_write().await?;
    let case_id = store::find_id_by_receipt(&mut tx, receipt.as_str()).await?;
    access_notices::claim_for_case(
        &mut tx,
        &state.keys,
        case_id.as_deref(),
        &code,
        account_id,
        now,
    )
    .await?;
    let case_id = case_id.ok_or(AppError::NotFound)?;
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "case.linked",
            actor_id: Some(account_id),
            subject: Some(&case_id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({ "by": "access_code" }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account_id = %account_id, case_id = %case_id, "paper case linked with its access code");
    Ok(case_id)
}

/// A receipt number with ten random digits; uniqueness is settled by the database.
pub fn random_receipt_number(centre: ServiceCentre) -> ReceiptNumber {
    let bytes = crypto::random_bytes::<10>();
    // 250 is the largest multiple of 10 below 256: rejecting above it keeps the digits uniform.
    let mut digits = [0u8; 10];
    for (slot, byte) in digits.iter_mut().zip(bytes) {
        let mut b = byte;
        while b >= 250 {
            b = crypto::random_bytes::<1>()[0];
        }
        *slot = b % 10;
    }
    ReceiptNumber::from_parts(centre, digits)
}

/// What a new case is about.
#[derive(Debug, Clone)]
pub struct CaseFiling {
    /// Where it is processed.
    pub centre: ServiceCentre,
    /// Which form.
    pub form: FormType,
    /// The applicant's name as filed.
    pub applicant_name: String,
    /// The account to link it to (none for a paper filing).
    pub account_id: Option<String>,
    /// When the filing was received.
    pub received_at: i64,
}

/// A case just created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCase {
    /// Its random id.
    pub id: String,
    /// Its fresh receipt number.
    pub receipt_number: ReceiptNumber,
}

/// Creates a case with a fresh receipt number, received and in status "Case Was Received".
pub async fn create_case(
    state: &AppState,
    filing: &CaseFiling,
    actor_id: Option<&str>,
) -> Result<CreatedCase, AppError> {
    let (tx, created) = begin_case(state, filing, actor_id).await?;
    finish_case(state, tx, &created).await?;
    Ok(created)
}

/// Inserts a new case (drawing receipt numbers until one is free) and returns the open
/// transaction, so what must be recorded with the case (an access notice, an audit entry) goes
/// in with it; [`finish_case`] completes it.
pub async fn begin_case(
    state: &AppState,
    filing: &CaseFiling,
    actor_id: Option<&str>,
) -> Result<(Transaction<'static, Any>, CreatedCase), AppError> {
    for _ in 0..8 {
        let id = crypto::random_hex(16);
        let receipt = random_receipt_number(filing.centre);
        let mut tx = state.db.begin_write().await?;
        let inserted = store::insert_case(
            &mut tx,
            &NewCase {
                id: &id,
                receipt_number: receipt.as_str(),
                centre: filing.centre.code(),
                form_type: filing.form.code(),
                account_id: filing.account_id.as_deref(),
                applicant_name: &filing.applicant_name,
                status: CaseStatus::CaseReceived.code(),
                received_at: filing.received_at,
            },
            actor_id,
            state.now(),
        )
        .await;
        match inserted {
            Ok(()) => {
                return Ok((
                    tx,
                    CreatedCase {
                        id,
                        receipt_number: receipt,
                    },
                ))
            }
            // Another case took this receipt number a moment ago: draw again.
            Err(error) if db::is_unique_violation(&error) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::internal("no free receipt number after 8 draws"))
}

/// Issues the new case's receipt notice (telling its owner, if it has one) and commits the transaction [`begin_case`] opened.
pub async fn finish_case(
    state: &AppState,
    mut tx: Transaction<'static, Any>,
    created: &CreatedCase,
) -> Result<(), AppError> {
    let live = status_recorded(
        &mut tx,
        state,
        &created.id,
        CaseStatus::CaseReceived,
        state.now(),
        None,
    )
    .await?;
    tx.commit().await?;
    if let Some(event) = live {
        live::announce(state, event).await;
    }
    Ok(())
}

/// Records a new status for a case, happening now.
pub async fn change_status(
    state: &AppState,
    case_id: &str,
    status: CaseStatus,
    actor_id: Option<&str>,
    note: Option<&str>,
) -> Result<(), AppError> {
    record_status_at(state, case_id, status, actor_id, note, state.now()).await
}

/// Records a new status for a case that happened at `at` (imports and demo data give past times).
pub async fn record_status_at(
    state: &AppState,
    case_id: &str,
    status: CaseStatus,
    actor_id: Option<&str>,
    note: Option<&str>,
    at: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    store::lock_case(&state.db, &mut tx, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::append_status(&mut tx, case_id, status.code(), actor_id, note, at).await?;
    let live = status_recorded(&mut tx, state, case_id, status, at, None).await?;
    tx.commit().await?;
    if let Some(event) = live {
        live::announce(state, event).await;
    }
    Ok(())
}

/// What follows a new status, in its transaction: the notice it comes with, if any (a Request
/// for Evidence's carries `evidence`: what is needed and by when), and a notification to the
/// person the case belongs to, in their language. Returns the live event to announce once the
/// transaction has committed (`infra::live::announce`), if the case has an owner.
pub async fn status_recorded(
    tx: &mut Transaction<'static, Any>,
    state: &AppState,
    case_id: &str,
    status: CaseStatus,
    at: i64,
    evidence: Option<(String, i64)>,
) -> Result<Option<LiveEvent>, AppError> {
    let notice = if evidence.is_some() {
        Some(NoticeKind::EvidenceRequest)
    } else {
        NoticeKind::for_status(status)
    };
    if let Some(kind) = notice {
        notices::issue(tx, case_id, kind, evidence, at).await?;
    }
    let Some(case) = store::find_case(&mut **tx, case_id).await? else {
        return Ok(None);
    };
    let Some(owner) = store::owner_of(&mut **tx, case_id).await? else {
        return Ok(None);
    };
    let (_, form) = decode(&case)?;
    let locale = accounts_store::locale_of(&state.db, &owner).await?;
    let c = catalogue(locale);
    let t = texts(locale);
    let title = format!("{}: {}", case.receipt_number, c.status(status).title);
    let mut body = c.description(status, &long_date(at, locale), form, &case.receipt_number);
    if let Some(kind) = notice {
        body.push(' ');
        body.push_str(&fill(
            t.new_notice,
            &[("notice", &letters::notice_title(locale, kind))],
        ));
    }
    let event = Event {
        key: format!(
            "case:{case_id}:status:{}",
            store::last_seq_in(tx, case_id).await?
        ),
        sms: fill(
            t.status_text_message,
            &[
                ("receipt", &case.receipt_number),
                ("status", &c.status(status).title),
            ],
        ),
        title,
        body,
        href: format!("/cases/{case_id}"),
    };
    notify(tx, state, &owner, &event, at).await?;
    Ok(Some(LiveEvent {
        account_id: owner,
        case_id: case_id.to_owned(),
    }))
}

/// Demo data: gives the account three cases (one with a long history, one waiting for evidence,
/// one just received) unless it already has cases. Returns their receipt numbers.
pub async fn seed_demo_cases(
    state: &AppState,
    account_id: &str,
    applicant_name: &str,
) -> Result<Vec<ReceiptNumber>, AppError> {
    if !store::list_for_account(&state.db, account_id)
        .await?
        .is_empty()
    {
        return Ok(Vec::new());
    }
    const DAY: i64 = 86_400;
    let now = state.now();
    /// Where, which form, when received, and the later statuses with how many days ago.
    type Plan = (ServiceCentre, FormType, i64, &'static [(CaseStatus, i64)]);
    let plans: [Plan; 3] = [
        (
            ServiceCentre::Ioe,
            FormType::I765,
            now - 120 * DAY,
            &[
                (CaseStatus::FingerprintFeeReceived, 110),
                (CaseStatus::FingerprintsTaken, 90),
                (CaseStatus::ActivelyReviewed, 60),
                (CaseStatus::Approved, 20),
                (CaseStatus::CardBeingProduced, 18),
                (CaseStatus::CardMailed, 12),
            ],
        ),
        (
            ServiceCentre::Nbc,
            FormType::I485,
            now - 75 * DAY,
            &[
                (CaseStatus::FingerprintsTaken, 50),
                (CaseStatus::EvidenceRequested, 6),
            ],
        ),
        (ServiceCentre::Eac, FormType::I130, now - 3 * DAY, &[]),
    ];
    let mut receipts = Vec::new();
    for (centre, form, received_at, steps) in plans {
        let created = create_case(
            state,
            &CaseFiling {
                centre,
                form,
                applicant_name: applicant_name.to_owned(),
                account_id: Some(account_id.to_owned()),
                received_at,
            },
            None,
        )
        .await?;
        for (status, days_ago) in steps {
            record_status_at(
                state,
                &created.id,
                *status,
                None,
                None,
                now - days_ago * DAY,
            )
            .await?;
        }
        receipts.push(created.receipt_number);
    }
    Ok(receipts)
}
