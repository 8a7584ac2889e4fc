//! The rules of the officers' console: who sees which case (officers: the cases they hold and the
//! unassigned ones; supervisors: all), who may act on it (the officer holding it, or a
//! supervisor), validation of every form, and one audit entry per action in the same transaction
//! as the action. Case rows are read and written through `cases::store`: the console is the
//! cases domain seen from the other side of the desk, and the row lock a change needs is taken
//! there.

use super::{
    model::{
        EvidenceRequestForm, PaperFilingForm, QueueFilter, QueuePage, QueueRow, StaffAccessNotice,
        StaffCase, StaffHistoryEntry, StaffMember, StatusChange,
    },
    texts::OfficerMsg,
};
use crate::{
    accounts::{access::Principal, access_notices, model::Role, store as accounts_store},
    cases::{
        dates::long_date,
        letters::{self, NoticeFacts},
        model::{CaseStatus, FormType, ServiceCentre},
        service::{self as cases_service, decode, stored_status, CaseFiling},
        store::{self as cases_store, Assignee, CaseRow, QueueQuery},
        texts::catalogue,
    },
    error::{AppError, FieldError},
    i18n::{CommonMsg, Locale},
    infra::{
        audit::{self, AuditEvent},
        live, pdf,
        state::AppState,
    },
};
use std::{collections::HashMap, net::IpAddr};

/// Rows per queue page.
pub const PAGE_SIZE: i64 = 25;
/// Longest staff note or set of instructions, in characters.
pub const MAX_TEXT: usize = 2000;

fn is_supervisor(principal: &Principal) -> bool {
    principal.role == Role::Supervisor
}

/// Whether `principal` may see `case` at all (anything else is answered as not found).
fn may_see(principal: &Principal, case: &CaseRow) -> bool {
    is_supervisor(principal)
        || match &case.assigned_officer_id {
            None => true,
            Some(holder) => *holder == principal.account_id,
        }
}

/// Whether `principal` may change `case` (status, evidence requests).
fn may_act(principal: &Principal, case: &CaseRow) -> bool {
    is_supervisor(principal) || case.assigned_officer_id.as_deref() == Some(&principal.account_id)
}

fn staff_by_id(rows: Vec<accounts_store::StaffRow>) -> (Vec<StaffMember>, HashMap<String, String>) {
    let members: Vec<StaffMember> = rows
        .into_iter()
        .map(|row| StaffMember {
            id: row.id,
            email: row.email,
        })
        .collect();
    let emails = members
        .iter()
        .map(|m| (m.id.clone(), m.email.clone()))
        .collect();
    (members, emails)
}

fn cursor_of(case: &CaseRow) -> String {
    format!("{}.{}", case.status_changed_at, case.id)
}

fn parse_cursor(text: &str) -> Result<Option<(i64, String)>, AppError> {
    if text.is_empty() {
        return Ok(None);
    }
    let (time, id) = text.split_once('.').ok_or(AppError::BadRequest)?;
    let time = time.parse::<i64>().map_err(|_| AppError::BadRequest)?;
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest);
    }
    Ok(Some((time, id.to_owned())))
}

/// A page of the queue for `principal`.
pub async fn queue(
    state: &AppState,
    principal: &Principal,
    filter: &QueueFilter,
    locale: Locale,
) -> Result<QueuePage, AppError> {
    let field = |name: &str| AppError::field(name, OfficerMsg::FilterInvalid.into());
    let status = match filter.status.trim() {
        "" => None,
        code => Some(
            CaseStatus::parse(code)
                .ok_or_else(|| field("status"))?
                .code(),
        ),
    };
    let form = match filter.form.trim() {
        "" => None,
        code => Some(FormType::parse(code).ok_or_else(|| field("form"))?.code()),
    };
    let centre = match filter.centre.trim() {
        "" => None,
        code => Some(
            ServiceCentre::parse(code)
                .ok_or_else(|| field("centre"))?
                .code(),
        ),
    };
    let (staff, emails) = staff_by_id(accounts_store::list_case_workers(&state.db).await?);
    let assignee = match filter.assignee.trim() {
        "" => Assignee::Any,
        "me" => Assignee::Officer(principal.account_id.clone()),
        "unassigned" => Assignee::Unassigned,
        id if emails.contains_key(id) => Assignee::Officer(id.to_owned()),
        _ => return Err(field("assignee")),
    };
    let rows = cases_store::queue(
        &state.db,
        &QueueQuery {
            status: status.map(str::to_owned),
            form: form.map(str::to_owned),
            centre: centre.map(str::to_owned),
            assignee,
            visible_to: (!is_supervisor(principal)).then(|| principal.account_id.clone()),
            after: parse_cursor(filter.after.trim())?,
            limit: PAGE_SIZE + 1,
        },
    )
    .await?;
    let next = (rows.len() as i64 > PAGE_SIZE)
        .then(|| rows.get(PAGE_SIZE as usize - 1).map(cursor_of))
        .flatten();
    let c = catalogue(locale);
    let rows = rows
        .iter()
        .take(PAGE_SIZE as usize)
        .map(|row| {
            let (status, form) = decode(row)?;
            Ok(QueueRow {
                id: row.id.clone(),
                receipt_number: row.receipt_number.clone(),
                form: form.code().to_owned(),
                status_title: c.status(status).title.to_owned(),
                last_updated: long_date(row.status_changed_at, locale),
                assignee: row
                    .assigned_officer_id
                    .as_ref()
                    .map(|id| emails.get(id).cloned().unwrap_or_else(|| id.clone())),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(QueuePage {
        rows,
        next,
        staff,
        may_manage_staff: principal.role == Role::Supervisor,
    })
}

/// A case as `principal` may see it; a case outside their scope is not found.
pub async fn staff_case(
    state: &AppState,
    principal: &Principal,
    case_id: &str,
    ip: IpAddr,
    locale: Locale,
) -> Result<StaffCase, AppError> {
    let row = cases_store::find_case(&state.db.pool, case_id)
        .await?
        .filter(|row| may_see(principal, row))
        .ok_or(AppError::NotFound)?;
    let (status, form) = decode(&row)?;
    let (staff, emails) = staff_by_id(accounts_store::list_case_workers(&state.db).await?);
    let email_of = |id: &String| emails.get(id).cloned().unwrap_or_else(|| id.clone());
    let c = catalogue(locale);
    let history = cases_store::staff_events(&state.db, &row.id)
        .await?
        .into_iter()
        .map(|event| {
            let past = stored_status(&event.status)?;
            Ok(StaffHistoryEntry {
                date: long_date(event.occurred_at, locale),
                title: c.status(past).title.to_owned(),
                actor: event.actor_id.as_ref().map(email_of),
                note: event.note,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let open_request = cases_store::open_evidence_request(&state.db, &row.id)
        .await?
        .map(|request| (long_date(request.due_at, locale), request.instructions));
    audit::record(
        &state.db.pool,
        &AuditEvent {
            action: "case.viewed",
            actor_id: Some(&principal.account_id),
            subject: Some(&row.id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({}),
        },
        state.now(),
    )
    .await?;
    Ok(StaffCase {
        id: row.id.clone(),
        receipt_number: row.receipt_number.clone(),
        form: format!("{} ({})", form.code(), c.form_name(form)),
        applicant_name: row.applicant_name.clone(),
        linked: cases_store::owner_of(&state.db.pool, &row.id)
            .await?
            .is_some(),
        status: status.code().to_owned(),
        status_title: c.status(status).title.to_owned(),
        received: long_date(row.received_at, locale),
        assignee: row.assigned_officer_id.as_ref().map(email_of),
        held_by_caller: row.assigned_officer_id.as_deref() == Some(&principal.account_id),
        may_assign_others: is_supervisor(principal),
        staff: if is_supervisor(principal) {
            staff
        } else {
            Vec::new()
        },
        open_request,
        history,
        access_notice: access_notices::for_case(&state.db, &state.keys, &row.id)
            .await?
            .map(|notice| StaffAccessNotice {
                account_number: notice.account_number.formatted(),
                expires: long_date(notice.expires_at, locale),
                claimed: notice.claimed_at.is_some(),
                href: notice
                    .code
                    .is_some()
                    .then(|| format!("/documents/access-notices/{}", row.id)),
            }),
    })
}

/// Locks the case and checks that `principal` may see it; the transaction is returned open.
async fn lock_visible(
    state: &AppState,
    principal: &Principal,
    case_id: &str,
) -> Result<(sqlx::Transaction<'static, sqlx::Any>, CaseRow), AppError> {
    let mut tx = state.db.begin_write().await?;
    let row = cases_store::lock_case(&state.db, &mut tx, case_id)
        .await?
        .filter(|row| may_see(principal, row))
        .ok_or(AppError::NotFound)?;
    Ok((tx, row))
}

/// Gives a case to someone: `me` (an officer takes an unassigned case), an empty target (the
/// holder or a supervisor releases it), or an officer's id (supervisors only).
pub async fn assign(
    state: &AppState,
    principal: &Principal,
    case_id: &str,
    target: &str,
    ip: IpAddr,
) -> Result<(), AppError> {
    let (mut tx, row) = lock_visible(state, principal, case_id).await?;
    let holder = row.assigned_officer_id.as_deref();
    let new_holder = match target.trim() {
        "me" if holder.is_none() || is_supervisor(principal) => Some(principal.account_id.clone()),
        "" if holder == Some(&principal.account_id) || is_supervisor(principal) => None,
        id if is_supervisor(principal) && !id.is_empty() && id != "me" => {
            let staff = accounts_store::list_case_workers(&state.db).await?;
            if !staff.iter().any(|s| s.id == id) {
                return Err(AppError::field(
                    "officer",
                    OfficerMsg::AssigneeUnknown.into(),
                ));
            }
            Some(id.to_owned())
        }
        _ => return Err(AppError::Forbidden),
    };
    let now = state.now();
    cases_store::set_assignee(&mut tx, case_id, new_holder.as_deref(), now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "case.assigned",
            actor_id: Some(&principal.account_id),
            subject: Some(case_id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({ "from": holder, "to": new_holder }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn checked_text(text: &str, field: &str, required: bool) -> Result<String, AppError> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(AppError::field(
            field,
            crate::i18n::CommonMsg::Required.into(),
        ));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(AppError::field(
            field,
            OfficerMsg::TextTooLong { max: MAX_TEXT }.into(),
        ));
    }
    Ok(text.to_owned())
}

/// Records a new status from the catalogue on a case the caller may act on.
pub async fn change_status(
    state: &AppState,
    principal: &Principal,
    change: &StatusChange,
    ip: IpAddr,
) -> Result<(), AppError> {
    let status = CaseStatus::parse(change.status.trim())
        .ok_or_else(|| AppError::field("status", OfficerMsg::StatusUnknown.into()))?;
    let note = checked_text(&change.note, "note", false)?;
    let (mut tx, row) = lock_visible(state, principal, &change.id).await?;
    if !may_act(principal, &row) {
        return Err(AppError::Forbidden);
    }
    let now = state.now();
    let note = (!note.is_empty()).then_some(note);
    cases_store::append_status(
        &mut tx,
        &row.id,
        status.code(),
        Some(&principal.account_id),
        note.as_deref(),
        now,
    )
    .await?;
    let live = cases_service::status_recorded(&mut tx, state, &row.id, status, now, None).await?;
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "case.status_changed",
            actor_id: Some(&principal.account_id),
            subject: Some(&row.id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({ "from": row.status, "to": status.code() }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    if let Some(event) = live {
        live::announce(state, event).await;
    }
    Ok(())
}

/// Longest applicant name, in characters.
pub const MAX_NAME: usize = 200;

/// Records a case filed on paper: creates it (received today, "Case Was Received", receipt
/// notice) with an Account Access Notice reserving an account number for the person, all in one
/// transaction with its audit entry. Returns the new case's id.
pub async fn record_paper_filing(
    state: &AppState,
    principal: &Principal,
    form: &PaperFilingForm,
    ip: IpAddr,
) -> Result<String, AppError> {
    let mut field_errors = Vec::new();
    let kind = FormType::parse(form.form.trim());
    if kind.is_none() {
        field_errors.push(FieldError::new("form", OfficerMsg::FilterInvalid.into()));
    }
    let centre = ServiceCentre::parse(form.centre.trim());
    if centre.is_none() {
        field_errors.push(FieldError::new("centre", OfficerMsg::FilterInvalid.into()));
    }
    let name = form
        .applicant_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        field_errors.push(FieldError::new(
            "applicant_name",
            CommonMsg::Required.into(),
        ));
    } else if name.chars().count() > MAX_NAME {
        field_errors.push(FieldError::new(
            "applicant_name",
            OfficerMsg::TextTooLong { max: MAX_NAME }.into(),
        ));
    } else if name.chars().any(char::is_control) {
        field_errors.push(FieldError::new(
            "applicant_name",
            OfficerMsg::FilterInvalid.into(),
        ));
    }
    let language = Locale::from_tag(form.language.trim());
    if language.is_none() {
        field_errors.push(FieldError::new(
            "language",
            OfficerMsg::FilterInvalid.into(),
        ));
    }
    let (Some(kind), Some(centre), Some(language), true) =
        (kind, centre, language, field_errors.is_empty())
    else {
        return Err(AppError::Validation { field_errors });
    };
    let now = state.now();
    let filing = CaseFiling {
        centre,
        form: kind,
        applicant_name: name,
        account_id: None,
        received_at: now,
    };
    let (mut tx, created) =
        cases_service::begin_case(state, &filing, Some(&principal.account_id)).await?;
    access_notices::issue(&mut tx, &state.keys, &created.id, language, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "case.paper_filing_recorded",
            actor_id: Some(&principal.account_id),
            subject: Some(&created.id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({ "receipt": created.receipt_number.as_str() }),
        },
        now,
    )
    .await?;
    cases_service::finish_case(state, tx, &created).await?;
    tracing::info!(case_id = %created.id, officer = %principal.account_id, "paper filing recorded");
    Ok(created.id)
}

/// The printable Account Access Notice of a case the caller may see, while it is unclaimed; the
/// printing is audited. Returns the file name and the PDF.
pub async fn access_notice_pdf(
    state: &AppState,
    principal: &Principal,
    case_id: &str,
    ip: IpAddr,
) -> Result<(String, Vec<u8>), AppError> {
    let row = cases_store::find_case(&state.db.pool, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !(may_see(principal, &row) || principal.role == Role::Support) {
        return Err(AppError::NotFound);
    }
    let notice = access_notices::for_case(&state.db, &state.keys, &row.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let code = notice.code.ok_or(AppError::NotFound)?;
    let now = state.now();
    let facts = NoticeFacts {
        receipt_number: row.receipt_number.clone(),
        form: row.form_type.clone(),
        applicant_name: row.applicant_name.clone(),
        account_number: Some(notice.account_number.formatted()),
        status: row.status.clone(),
        received_at: row.received_at,
        issued_at: now,
        evidence: None,
    };
    let letter = letters::access_notice(
        notice.locale,
        &facts,
        &notice.account_number.formatted(),
        &code.formatted(),
        notice.expires_at,
        &state.policy.base_url,
    );
    audit::record(
        &state.db.pool,
        &AuditEvent {
            action: "access_notice.printed",
            actor_id: Some(&principal.account_id),
            subject: Some(&row.id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({}),
        },
        now,
    )
    .await?;
    Ok((
        format!("{}-account-access-notice.pdf", row.receipt_number),
        pdf::render(&letter),
    ))
}

/// The end (23:59:59 UTC) of the day written `YYYY-MM-DD`, if it is a real date.
pub fn end_of_day(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    let midnight = date.midnight().assume_utc().unix_timestamp();
    Some(midnight + 86_399)
}

/// Sends a Request for Evidence due on a later day, and records its status on the case.
pub async fn request_evidence(
    state: &AppState,
    principal: &Principal,
    form: &EvidenceRequestForm,
    ip: IpAddr,
) -> Result<(), AppError> {
    let now = state.now();
    let due_at = end_of_day(&form.due_date)
        .ok_or_else(|| AppError::field("due_date", OfficerMsg::DueDateFormat.into()))?;
    if due_at < now + 86_400 {
        return Err(AppError::field(
            "due_date",
            OfficerMsg::DueDateTooSoon.into(),
        ));
    }
    let instructions = checked_text(&form.instructions, "instructions", true)?;
    let (mut tx, row) = lock_visible(state, principal, &form.id).await?;
    if !may_act(principal, &row) {
        return Err(AppError::Forbidden);
    }
    let request_id = cases_store::insert_evidence_request(
        &mut tx,
        &row.id,
        &instructions,
        due_at,
        &principal.account_id,
        now,
    )
    .await?;
    cases_store::append_status(
        &mut tx,
        &row.id,
        CaseStatus::EvidenceRequested.code(),
        Some(&principal.account_id),
        None,
        now,
    )
    .await?;
    let live = cases_service::status_recorded(
        &mut tx,
        state,
        &row.id,
        CaseStatus::EvidenceRequested,
        now,
        Some((instructions.clone(), due_at)),
    )
    .await?;
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "case.evidence_requested",
            actor_id: Some(&principal.account_id),
            subject: Some(&row.id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({ "request": request_id, "due_at": due_at }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    if let Some(event) = live {
        live::announce(state, event).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_are_real_calendar_days_ending_at_midnight_utc() {
        assert_eq!(end_of_day("1970-01-01"), Some(86_399));
        assert_eq!(end_of_day("2024-02-29"), Some(1_709_251_199));
        assert_eq!(end_of_day("2023-02-29"), None);
        assert_eq!(end_of_day("2024-13-01"), None);
        assert_eq!(end_of_day("tomorrow"), None);
        assert_eq!(end_of_day(""), None);
    }

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            parse_cursor(&format!("17.{id}")),
            Ok(Some((17, id.to_owned())))
        );
        assert_eq!(parse_cursor(""), Ok(None));
        for junk in ["17", "x.y", "17.zz", "17.' OR 1=1 --"] {
            assert_eq!(parse_cursor(junk), Err(AppError::BadRequest), "{junk}");
        }
    }
}
