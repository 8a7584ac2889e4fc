//! Account Access Notices of paper filings: an online account number reserved for the person
//! and a one-time access code, valid 90 days. The code is kept as an HMAC (to check it) and
//! sealed with the server key (so staff can print the notice again until it is used). Claiming a
//! notice — by registering with its number, or by adding its case to an existing account — wipes
//! the sealed copy, records which account claimed it, and can happen once; the HMAC stays, so
//! the spent code, typed again, is answered "already used".
//!
//! Accounts own the reserved numbers (no account may get one by chance); the cases layer names
//! the case a notice belongs to and reads `claimed_by` to know whose case it is.

use super::{
    model::{AccessCode, AccountNumber},
    texts::AccountsMsg,
};
use crate::{
    error::AppError,
    i18n::Locale,
    infra::{crypto::Keys, db::Db, rate_limit, state::AppState},
};
use rand::{rngs::OsRng, Rng};
use sqlx::{Any, Transaction};
use std::net::IpAddr;

/// How long an access code stays valid.
pub const ACCESS_CODE_TTL_SECS: i64 = 90 * 86_400;

/// A notice as staff see it while it waits to be claimed.
#[derive(Debug, Clone)]
pub struct IssuedNotice {
    /// The reserved online account number.
    pub account_number: AccountNumber,
    /// The access code, in clear (only while unclaimed, for printing).
    pub code: Option<AccessCode>,
    /// When the code stops working.
    pub expires_at: i64,
    /// The language the notice is printed in.
    pub locale: Locale,
    /// When it was claimed, if it was.
    pub claimed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct NoticeRow {
    account_number: String,
    code_hash: Option<String>,
    code_ciphertext: Option<Vec<u8>>,
    code_expires_at: i64,
    locale: String,
    claimed_at: Option<i64>,
}

const COLUMNS: &str =
    "account_number, code_hash, code_ciphertext, code_expires_at, locale, claimed_at";

fn code_hash(keys: &Keys, account_number: &str, code: &AccessCode) -> String {
    keys.mac_hex(format!("access-code|{account_number}|{}", code.as_str()).as_bytes())
}

fn seal_context(account_number: &str) -> String {
    format!("access-code|{account_number}")
}

fn random_code() -> AccessCode {
    let mut indices = [0u8; 12];
    for index in &mut indices {
        *index = OsRng.gen_range(0..32);
    }
    AccessCode::from_indices(indices)
}

/// A fresh 12-digit account number (random body, Damm check digit).
pub fn random_account_number() -> AccountNumber {
    let mut body = [0u8; 11];
    for digit in &mut body {
        *digit = OsRng.gen_range(0..10);
    }
    AccountNumber::from_body(body)
}

/// Whether `number` belongs to an account or is reserved by a notice.
pub async fn number_in_use(
    tx: &mut Transaction<'static, Any>,
    number: &AccountNumber,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM accounts WHERE account_number = $1
         UNION ALL SELECT 1 FROM access_notices WHERE account_number = $1",
    )
    .bind(number.digits())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Reserves a number for the person of `case_id` and issues a code, inside the caller's
/// transaction (the one that records the paper filing).
pub async fn issue(
    tx: &mut Transaction<'static, Any>,
    keys: &Keys,
    case_id: &str,
    locale: Locale,
    now: i64,
) -> Result<(AccountNumber, AccessCode), AppError> {
    let code = random_code();
    for _ in 0..10 {
        let number = random_account_number();
        if number_in_use(tx, &number).await? {
            continue;
        }
        sqlx::query(
            "INSERT INTO access_notices (account_number, case_id, code_hash, code_ciphertext,
                                         code_expires_at, locale, claimed_by, claimed_at,
                                         created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7, $7)",
        )
        .bind(number.digits())
        .bind(case_id)
        .bind(code_hash(keys, number.digits(), &code))
        .bind(keys.encrypt(code.as_str().as_bytes(), &seal_context(number.digits())))
        .bind(now + ACCESS_CODE_TTL_SECS)
        .bind(locale.tag())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        return Ok((number, code));
    }
    Err(AppError::internal("no free account number after 10 draws"))
}

/// A new code (and 90 more days) for an unclaimed notice: the old code stops working.
pub async fn reissue(
    tx: &mut Transaction<'static, Any>,
    keys: &Keys,
    case_id: &str,
    now: i64,
) -> Result<bool, AppError> {
    let Some(row) = find_row(&mut **tx, case_id).await? else {
        return Ok(false);
    };
    if row.claimed_at.is_some() {
        return Ok(false);
    }
    let code = random_code();
    sqlx::query(
        "UPDATE access_notices SET code_hash = $1, code_ciphertext = $2, code_expires_at = $3,
                                   updated_at = $4
         WHERE account_number = $5 AND claimed_at IS NULL",
    )
    .bind(code_hash(keys, &row.account_number, &code))
    .bind(keys.encrypt(code.as_str().as_bytes(), &seal_context(&row.account_number)))
    .bind(now + ACCESS_CODE_TTL_SECS)
    .bind(now)
    .bind(&row.account_number)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

async fn find_row<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    case_id: &str,
) -> Result<Option<NoticeRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM access_notices WHERE case_id = $1"
    ))
    .bind(case_id)
    .fetch_optional(executor)
    .await?)
}

/// The notice of `case_id`, with its code unsealed while it is unclaimed.
pub async fn for_case(
    db: &Db,
    keys: &Keys,
    case_id: &str,
) -> Result<Option<IssuedNotice>, AppError> {
    let Some(row) = find_row(&db.pool, case_id).await? else {
        return Ok(None);
    };
    let code = match &row.code_ciphertext {
        Some(sealed) if row.claimed_at.is_none() => {
            let bytes = keys
                .decrypt(sealed, &seal_context(&row.account_number))
                .map_err(|_| AppError::internal("access code does not unseal"))?;
            let text = String::from_utf8(bytes).map_err(AppError::internal)?;
            Some(
                AccessCode::parse(&text)
                    .map_err(|_| AppError::internal("sealed code malformed"))?,
            )
        }
        _ => None,
    };
    Ok(Some(IssuedNotice {
        account_number: AccountNumber::parse(&row.account_number)
            .ok_or_else(|| AppError::internal("stored account number malformed"))?,
        code,
        expires_at: row.code_expires_at,
        locale: Locale::from_tag(&row.locale).unwrap_or_default(),
        claimed_at: row.claimed_at,
    }))
}

/// Counts an attempt with a notice from `ip` and on the notice named by `subject` (its account
/// number or receipt number): a wrong guess costs as much as a right one, so neither limit says
/// which was which.
pub async fn throttle(state: &AppState, ip: IpAddr, subject: &str) -> Result<(), AppError> {
    rate_limit::hit(
        state,
        &format!("access_notice:ip:{}", rate_limit::ip_key(ip)),
        rate_limit::ACCESS_NOTICE_PER_IP,
    )
    .await?;
    let subject = state
        .keys
        .mac_hex(format!("access-notice|{subject}").as_bytes());
    rate_limit::hit(
        state,
        &format!("access_notice:subject:{subject}"),
        rate_limit::ACCESS_NOTICE_PER_NOTICE,
    )
    .await
}

/// Checks `code` against `row`: a wrong code, an expired one and a used one are told apart only
/// once the code itself is right (knowing it proves the notice was in hand).
fn check(
    keys: &Keys,
    row: Option<&NoticeRow>,
    code: &AccessCode,
    now: i64,
) -> Result<(), AccountsMsg> {
    let Some(row) = row else {
        return Err(AccountsMsg::AccessNoticeInvalid);
    };
    let expected = code_hash(keys, &row.account_number, code);
    let matches = |stored: &Option<String>| {
        stored.as_deref().is_some_and(|stored| {
            crate::infra::crypto::constant_time_eq(stored.as_bytes(), expected.as_bytes())
        })
    };
    if !matches(&row.code_hash) {
        return Err(AccountsMsg::AccessNoticeInvalid);
    }
    if row.claimed_at.is_some() {
        return Err(AccountsMsg::AccessNoticeUsed);
    }
    if row.code_expires_at <= now {
        return Err(AccountsMsg::AccessNoticeExpired);
    }
    Ok(())
}

/// Checks a number and code typed at registration (nothing is claimed yet: the registration
/// claims the number when its email is proven). A refusal is a field error on the code.
pub async fn check_for_registration(
    state: &AppState,
    number: &AccountNumber,
    code: &AccessCode,
    now: i64,
) -> Result<(), AppError> {
    let row: Option<NoticeRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM access_notices WHERE account_number = $1"
    ))
    .bind(number.digits())
    .fetch_optional(&state.db.pool)
    .await?;
    check(&state.keys, row.as_ref(), code, now)
        .map_err(|message| AppError::field("notice_access_code", message.into()))
}
/// Claims the notice reserving `number` for `account_id` (a registration made with it whose email
/// was just proven). `Ok(false)`: it was claimed meanwhile or has expired.
pub async fn claim_number(
    tx: &mut Transaction<'static, Any>,
    number: &AccountNumber,
    account_id: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE access_notices SET claimed_by = $1, claimed_at = $2, code_ciphertext = NULL,
                                   updated_at = $2
         WHERE account_number = $3 AND claimed_at IS NULL AND code_expires_at > $2",
    )
    .bind(account_id)
    .bind(now)
    .bind(number.digits())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Checks `code` for the notice of `case_id` and claims it for `account_id` (an existing account
/// adding a paper case), inside the caller's transaction.
pub async fn claim_for_case(
    tx: &mut Transaction<'static, Any>,
    keys: &Keys,
    case_id: Option<&str>,
    code: &AccessCode,
    account_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let row = match case_id {
        Some(case_id) => find_row(&mut **tx, case_id).await?,
        None => None,
    };
    check(keys, row.as_ref(), code, now)
        .map_err(|message| AppError::field("access_code", message.into()))?;
    let row = row.ok_or(AppError::NotFound)?;
    let done = sqlx::query(
        "UPDATE access_notices SET claimed_by = $1, claimed_at = $2, code_ciphertext = NULL,
                                   updated_at = $2
         WHERE account_number = $3 AND claimed_at IS NULL",
    )
    .bind(account_id)
    .bind(now)
    .bind(&row.account_number)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::field(
            "access_code",
            AccountsMsg::AccessNoticeUsed.into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(keys: &Keys, code: &AccessCode, expires_at: i64, claimed: bool) -> NoticeRow {
        NoticeRow {
            account_number: "123456789012".into(),
            code_hash: Some(code_hash(keys, "123456789012", code)),
            code_ciphertext: None,
            code_expires_at: expires_at,
            locale: "en".into(),
            claimed_at: claimed.then_some(5),
        }
    }

    #[test]
    fn a_code_is_right_wrong_expired_or_used_and_only_the_right_code_learns_which() {
        let keys = Keys::from_master(&[7; 32]);
        let code = random_code();
        let other = random_code();
        let now = 1_000;
        assert_eq!(
            check(&keys, Some(&row(&keys, &code, now + 1, false)), &code, now),
            Ok(())
        );
        assert_eq!(
            check(&keys, Some(&row(&keys, &code, now + 1, false)), &other, now),
            Err(AccountsMsg::AccessNoticeInvalid)
        );
        assert_eq!(
            check(&keys, Some(&row(&keys, &code, now, false)), &code, now),
            Err(AccountsMsg::AccessNoticeExpired)
        );
        // An expired notice does not tell a wrong code that it expired.
        assert_eq!(
            check(&keys, Some(&row(&keys, &code, now, false)), &other, now),
            Err(AccountsMsg::AccessNoticeInvalid)
        );
        assert_eq!(
            check(&keys, Some(&row(&keys, &code, now + 1, true)), &code, now),
            Err(AccountsMsg::AccessNoticeUsed)
        );
        assert_eq!(
            check(&keys, Some(&row(&keys, &code, now + 1, true)), &other, now),
            Err(AccountsMsg::AccessNoticeInvalid)
        );
        assert_eq!(
            check(&keys, None, &code, now),
            Err(AccountsMsg::AccessNoticeInvalid)
        );
    }

    #[test]
    fn codes_are_random_and_well_formed() {
        let a = random_code();
        let b = random_code();
        assert_ne!(a, b);
        assert_eq!(AccessCode::parse(&a.formatted()), Ok(a));
        assert!(AccountNumber::parse(random_account_number().digits()).is_some());
    }
}
