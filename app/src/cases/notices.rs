//! Notices on a case: issued in the transaction of what causes them (a new case, a status that
//! comes with a letter, a Request for Evidence), with their facts fixed at that moment, in the
//! language of the person the case belongs to; listed on the case page and rendered as PDF on
//! download.

use super::{
    dates::long_date,
    letters::{self, NoticeFacts, NoticeKind},
    model::CaseDocument,
    store::OWNED_BY_2,
};
use crate::{
    accounts::model::AccountNumber,
    error::AppError,
    i18n::Locale,
    infra::{crypto, db::Db},
};
use sqlx::{Any, Transaction};

#[derive(sqlx::FromRow)]
struct Subject {
    receipt_number: String,
    form_type: String,
    applicant_name: String,
    status: String,
    received_at: i64,
    account_number: Option<String>,
    account_locale: Option<String>,
    notice_locale: Option<String>,
}

/// A stored notice.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoticeRow {
    /// Random id.
    pub id: String,
    /// The case it is about.
    pub case_id: String,
    /// `NoticeKind` code.
    pub kind: String,
    /// Language tag.
    pub locale: String,
    /// JSON of `NoticeFacts`.
    pub facts: String,
    /// When it was issued.
    pub issued_at: i64,
}

const COLUMNS: &str = "id, case_id, kind, locale, facts, issued_at";

/// Issues a notice of `kind` on `case_id` inside the caller's transaction. The person's language
/// is their account's, else the one chosen for the paper filing's access notice, else English.
pub async fn issue(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    kind: NoticeKind,
    evidence: Option<(String, i64)>,
    now: i64,
) -> Result<(), AppError> {
    let subject: Subject = sqlx::query_as(
        "SELECT c.receipt_number, c.form_type, c.applicant_name, c.status, c.received_at,
                COALESCE(a.account_number, n.account_number) AS account_number,
                a.locale AS account_locale, n.locale AS notice_locale
         FROM cases c
         LEFT JOIN access_notices n ON n.case_id = c.id
         LEFT JOIN accounts a ON a.id = COALESCE(c.account_id, n.claimed_by)
         WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut **tx)
    .await?;
    let locale = subject
        .account_locale
        .as_deref()
        .or(subject.notice_locale.as_deref())
        .and_then(Locale::from_tag)
        .unwrap_or_default();
    let facts = NoticeFacts {
        receipt_number: subject.receipt_number,
        form: subject.form_type,
        applicant_name: subject.applicant_name,
        account_number: subject
            .account_number
            .as_deref()
            .and_then(AccountNumber::parse)
            .map(|n| n.formatted()),
        status: subject.status,
        received_at: subject.received_at,
        issued_at: now,
        evidence,
    };
    sqlx::query(
        "INSERT INTO case_notices (id, case_id, kind, locale, facts, issued_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(crypto::random_hex(16))
    .bind(case_id)
    .bind(kind.code())
    .bind(locale.tag())
    .bind(serde_json::to_string(&facts).map_err(AppError::internal)?)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A case's notices, newest first, as the case page lists them.
pub async fn documents(
    db: &Db,
    case_id: &str,
    locale: Locale,
) -> Result<Vec<CaseDocument>, AppError> {
    let rows: Vec<NoticeRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM case_notices WHERE case_id = $1 ORDER BY issued_at DESC, id DESC"
    ))
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let kind = NoticeKind::parse(&row.kind).ok_or_else(|| {
                AppError::internal(format_args!("unknown notice kind {:?}", row.kind))
            })?;
            let written_in = Locale::from_tag(&row.locale).unwrap_or_default();
            Ok(CaseDocument {
                href: format!("/documents/notices/{}", row.id),
                title: letters::notice_title(written_in, kind).to_owned(),
                date: long_date(row.issued_at, locale),
            })
        })
        .collect()
}

/// The notice with this id if its case belongs to `account_id` (`store::OWNED_BY_2`).
pub async fn find_for_account(
    db: &Db,
    notice_id: &str,
    account_id: &str,
) -> Result<Option<NoticeRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM case_notices
         WHERE id = $1 AND EXISTS (SELECT 1 FROM cases
                                   WHERE cases.id = case_notices.case_id AND {OWNED_BY_2})"
    ))
    .bind(notice_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The notice as a PDF, and the file name to save it under.
pub fn render(row: &NoticeRow, base_url: &str) -> Result<(String, Vec<u8>), AppError> {
    let kind = NoticeKind::parse(&row.kind)
        .ok_or_else(|| AppError::internal(format_args!("unknown notice kind {:?}", row.kind)))?;
    let facts: NoticeFacts = serde_json::from_str(&row.facts).map_err(AppError::internal)?;
    let locale = Locale::from_tag(&row.locale).unwrap_or_default();
    let letter = letters::case_notice(locale, kind, &facts, base_url);
    Ok((
        format!(
            "{}-{}.pdf",
            facts.receipt_number,
            kind.code().replace('_', "-")
        ),
        crate::infra::pdf::render(&letter),
    ))
}
