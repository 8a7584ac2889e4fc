//! The support desk's rules: what a search may find (an account by email address or account
//! number, a paper filing by receipt number) and show, lifting a sign-in pause, and issuing an
//! access notice's code again — each recorded in the audit log.

use super::{
    model::{SupportAccount, SupportNotice, SupportResult},
    texts::SupportMsg,
};
use crate::{
    accounts::{
        access::Principal,
        access_notices,
        model::{AccountNumber, Email},
        service::login_subject,
        store as accounts_store,
    },
    cases::{model::ReceiptNumber, store as cases_store},
    error::AppError,
    i18n::{long_date, Locale},
    infra::{
        audit::{self, AuditEvent},
        rate_limit,
        state::AppState,
    },
};
use std::net::IpAddr;

async fn record(
    state: &AppState,
    principal: &Principal,
    action: &str,
    subject: &str,
    ip: IpAddr,
) -> Result<(), AppError> {
    audit::record(
        &state.db.pool,
        &AuditEvent {
            action,
            actor_id: Some(&principal.account_id),
            subject: Some(subject),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({}),
        },
        state.now(),
    )
    .await
}

/// Finds what `query` names. Malformed input and no match are field errors on `q`.
pub async fn search(
    state: &AppState,
    principal: &Principal,
    query: &str,
    ip: IpAddr,
    locale: Locale,
) -> Result<SupportResult, AppError> {
    let query = query.trim();
    let nothing = || AppError::field("q", SupportMsg::NothingFound.into());
    if let Ok(receipt) = ReceiptNumber::parse(query) {
        let case = cases_store::find_by_receipt(&state.db, receipt.as_str())
            .await?
            .ok_or_else(nothing)?;
        let notice = access_notices::for_case(&state.db, &state.keys, &case.id)
            .await?
            .ok_or_else(nothing)?;
        record(state, principal, "support.notice_viewed", &case.id, ip).await?;
        return Ok(SupportResult {
            account: None,
            notice: Some(SupportNotice {
                case_id: case.id,
                receipt_number: case.receipt_number,
                account_number: notice.account_number.formatted(),
                expires: long_date(notice.expires_at, locale),
                claimed: notice.claimed_at.is_some(),
            }),
        });
    }
    let account = if let Some(number) = AccountNumber::parse(query) {
        accounts_store::find_by_number(&state.db, number.digits()).await?
    } else if let Ok(email) = Email::parse(query) {
        accounts_store::find_by_email(&state.db, email.as_str()).await?
    } else {
        return Err(AppError::field("q", SupportMsg::QueryInvalid.into()));
    };
    let account = account.ok_or_else(nothing)?;
    let role = accounts_store::role_of(&state.db, &account.id)
        .await?
        .ok_or_else(nothing)?;
    let email =
        Email::parse(&account.email).map_err(|_| AppError::internal("stored email malformed"))?;
    let paused =
        rate_limit::paused_until(&state.db, &login_subject(state, &email), state.now()).await?;
    let receipts = cases_store::list_for_account(&state.db, &account.id)
        .await?
        .into_iter()
        .map(|case| case.receipt_number)
        .collect();
    record(state, principal, "support.account_viewed", &account.id, ip).await?;
    Ok(SupportResult {
        account: Some(SupportAccount {
            id: account.id,
            email: account.email,
            account_number: AccountNumber::parse(&account.account_number)
                .map(|n| n.formatted())
                .unwrap_or(account.account_number),
            role: role.as_str().to_owned(),
            has_authenticator: account.enrolled_at.is_some(),
            paused_until: paused.map(|until| long_date(until, locale)),
            receipts,
        }),
        notice: None,
    })
}

/// Lifts the sign-in pause of `account_id` and turns its sign-in methods stopped after 100
/// failures (item 10) back on; returns its email address (to show it again).
pub async fn unlock(
    state: &AppState,
    principal: &Principal,
    account_id: &str,
    ip: IpAddr,
) -> Result<String, AppError> {
    let account = accounts_store::find_by_id(&state.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let email =
        Email::parse(&account.email).map_err(|_| AppError::internal("stored email malformed"))?;
    rate_limit::reset_account(&state.db, &login_subject(state, &email)).await?;
    crate::accounts::factor_lockout::lift_all(&state.db, &account.id).await?;
    record(
        state,
        principal,
        "support.account_unlocked",
        &account.id,
        ip,
    )
    .await?;
    tracing::info!(account_id = %account.id, by = %principal.account_id, "sign-in pause and turned-off sign-in methods lifted by support");
    Ok(account.email)
}

/// Issues a new code for the unused access notice of `case_id`; returns the receipt number.
pub async fn reissue_notice(
    state: &AppState,
    principal: &Principal,
    case_id: &str,
    ip: IpAddr,
) -> Result<String, AppError> {
    let case = cases_store::find_case(&state.db.pool, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.now();
    let mut tx = state.db.begin_write().await?;
    if !access_notices::reissue(&mut tx, &state.keys, &case.id, now).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "support.access_notice_reissued",
            actor_id: Some(&principal.account_id),
            subject: Some(&case.id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({}),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(case.receipt_number)
}
