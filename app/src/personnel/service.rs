//! The rules of staff invitations: only supervisors invite and withdraw; only staff roles can be
//! given; the link's token is 256 random bits, stored as its SHA-256, usable once within
//! [`INVITATION_HOURS`]; using it creates the account with the invited address (proven by the
//! email) and role, in the transaction that marks the invitation used. Every step is audited.

use super::{
    emails,
    model::{
        InvitationForm, InvitationView, JoinForm, PendingInvitation, StaffAccount, StaffOverview,
    },
    store::{self, InvitationRow, NewInvitation},
    texts::StaffMsg,
};
use crate::{
    accounts::{
        access::Principal,
        model::{Email, Role},
        service::{hash_new_password, insert_verified_account},
        store as accounts_store,
        texts::AccountsMsg,
    },
    error::{AppError, FieldError},
    i18n::{long_date, Locale},
    infra::{
        audit::{self, AuditEvent},
        crypto, outbox,
        rate_limit::{self, ip_key, Limit},
        state::AppState,
    },
};
use std::net::IpAddr;

/// How long an invitation's link works.
pub const INVITATION_HOURS: i64 = 72;

/// Link pages opened and accounts created per client address and hour (per server instance):
/// tokens cannot be guessed, so this only keeps a script from hammering the password hasher.
const JOIN_TRIES_PER_HOUR: i64 = 30;

/// The roles a supervisor may give.
fn staff_role(text: &str) -> Option<Role> {
    Role::parse(text.trim()).filter(|role| *role != Role::Applicant)
}

/// The staff accounts and the pending invitations.
pub async fn overview(state: &AppState, locale: Locale) -> Result<StaffOverview, AppError> {
    let members = accounts_store::list_staff(&state.db)
        .await?
        .into_iter()
        .map(|row| StaffAccount {
            email: row.email,
            role: row.role,
        })
        .collect();
    let pending = store::pending(&state.db, state.now())
        .await?
        .into_iter()
        .map(|row| PendingInvitation {
            expires: long_date(row.expires_at, locale),
            id: row.id,
            email: row.email,
            role: row.role,
        })
        .collect();
    Ok(StaffOverview { members, pending })
}

/// Invites `form.email` as `form.role`: withdraws any earlier pending invitation to that address,
/// stores the new one and queues its email (in the supervisor's page language) in one
/// transaction.
pub async fn invite(
    state: &AppState,
    principal: &Principal,
    form: &InvitationForm,
    ip: IpAddr,
    locale: Locale,
) -> Result<(), AppError> {
    let email = Email::parse(&form.email).map_err(|m| FieldError::new("email", m));
    let role =
        staff_role(&form.role).ok_or_else(|| FieldError::new("role", StaffMsg::RoleInvalid.into()));
    let (email, role) = match (email, role) {
        (Ok(email), Ok(role)) => (email, role),
        (email, role) => {
            return Err(AppError::Validation {
                field_errors: [email.err(), role.err()].into_iter().flatten().collect(),
            })
        }
    };
    let now = state.now();
    let token = crypto::random_token();
    let id = crypto::random_hex(16);
    let expires_at = now + INVITATION_HOURS * 3600;
    let mut tx = state.db.begin_write().await?;
    if accounts_store::email_taken(&mut tx, email.as_str()).await? {
        return Err(AppError::field("email", StaffMsg::AlreadyHasAccount.into()));
    }
    let replaced = store::withdraw_pending_for(&mut tx, email.as_str(), now).await?;
    store::insert(
        &mut tx,
        &NewInvitation {
            id: &id,
            token_hash: &crypto::sha256_hex(token.as_bytes()),
            email: email.as_str(),
            role: role.as_str(),
            invited_by: &principal.account_id,
            locale: locale.tag(),
            expires_at,
        },
        now,
    )
    .await?;
    let link = format!(
        "{}/staff/join?token={token}",
        state.policy.base_url.trim_end_matches('/')
    );
    let message = emails::invitation(
        locale,
        email.as_str(),
        role.as_str(),
        &link,
        INVITATION_HOURS,
    );
    outbox::enqueue(&mut *tx, &state.keys, &message, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "staff.invited",
            actor_id: Some(&principal.account_id),
            subject: Some(&id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({ "role": role.as_str(), "replaced": replaced }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(invitation = %id, supervisor = %principal.account_id, role = role.as_str(), "staff invited");
    Ok(())
}

/// Withdraws a pending invitation (its link stops working).
pub async fn withdraw(
    state: &AppState,
    principal: &Principal,
    id: &str,
    ip: IpAddr,
) -> Result<(), AppError> {
    let row = store::withdraw(&state.db, id, state.now())
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &state.db.pool,
        &AuditEvent {
            action: "staff.invitation_withdrawn",
            actor_id: Some(&principal.account_id),
            subject: Some(&row.id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({}),
        },
        state.now(),
    )
    .await
}

fn throttle(state: &AppState, ip: IpAddr) -> Result<(), AppError> {
    let limit = Limit {
        max: JOIN_TRIES_PER_HOUR,
        window_secs: 3600,
    };
    rate_limit::hit_local(state, &format!("staff-join|{}", ip_key(ip)), limit)
}

/// Why a link's invitation cannot be used, if it cannot: unknown, used, withdrawn, expired. A
/// malformed or unknown token says only that the link is not valid.
fn usable(row: Option<InvitationRow>, now: i64) -> Result<InvitationRow, AppError> {
    let problem = match &row {
        None => StaffMsg::LinkInvalid,
        Some(row) if row.accepted_at.is_some() => StaffMsg::LinkUsed,
        Some(row) if row.withdrawn_at.is_some() => StaffMsg::LinkWithdrawn,
        Some(row) if row.expires_at <= now => StaffMsg::LinkExpired,
        Some(_) => return Ok(row.expect("matched Some")),
    };
    Err(AppError::field("token", problem.into()))
}

fn token_hash(token: &str) -> Result<String, AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(AppError::field("token", StaffMsg::LinkInvalid.into()));
    }
    Ok(crypto::sha256_hex(token.as_bytes()))
}

/// What the link's page shows: the invited address and role, if the link can still be used.
pub async fn invitation(
    state: &AppState,
    token: &str,
    ip: IpAddr,
) -> Result<InvitationView, AppError> {
    throttle(state, ip)?;
    let hash = token_hash(token)?;
    let row = usable(
        store::find_by_token(&state.db.pool, &hash, "").await?,
        state.now(),
    )?;
    Ok(InvitationView {
        email: row.email,
        role: row.role,
        password: state.policy.password,
    })
}

/// Uses the link: creates the account (verified address, invited role, no second factor yet, so
/// its first sign-in enrols one) and marks the invitation used, in one transaction.
pub async fn join(state: &AppState, form: &JoinForm, ip: IpAddr) -> Result<(), AppError> {
    throttle(state, ip)?;
    let hash = token_hash(&form.token)?;
    let row = usable(
        store::find_by_token(&state.db.pool, &hash, "").await?,
        state.now(),
    )?;
    let email =
        Email::parse(&row.email).map_err(|_| AppError::internal("stored invitation email"))?;
    let password_hash = hash_new_password(state, &email, &form.password).await?;
    if form.password != form.password_confirmation {
        return Err(AppError::field(
            "password_confirmation",
            AccountsMsg::PasswordMismatch.into(),
        ));
    }
    let role = staff_role(&row.role).ok_or_else(|| AppError::internal("stored invitation role"))?;
    let locale = Locale::from_tag(&row.locale).unwrap_or_default();
    let now = state.now();
    let mut tx = state.db.begin_write().await?;
    let locked = usable(
        store::find_by_token(&mut *tx, &hash, state.db.for_update()).await?,
        now,
    )?;
    let created =
        match insert_verified_account(&mut tx, &email, &password_hash, role, locale, now).await {
            Err(AppError::Conflict) => {
                return Err(AppError::field("token", StaffMsg::AlreadyHasAccount.into()))
            }
            other => other?,
        };
    if !store::accept(&mut tx, &locked.id, &created.id, now).await? {
        return Err(AppError::field("token", StaffMsg::LinkUsed.into()));
    }
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "staff.joined",
            actor_id: Some(&created.id),
            subject: Some(&locked.id),
            ip: Some(ip.to_string()),
            detail: serde_json::json!({ "role": role.as_str() }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(invitation = %locked.id, account_id = %created.id, role = role.as_str(), "staff account created");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(accepted: Option<i64>, withdrawn: Option<i64>, expires_at: i64) -> InvitationRow {
        InvitationRow {
            id: "i".into(),
            email: "a@b.test".into(),
            role: "officer".into(),
            locale: "en".into(),
            expires_at,
            accepted_at: accepted,
            withdrawn_at: withdrawn,
        }
    }

    fn problem(result: Result<InvitationRow, AppError>) -> String {
        format!("{:?}", result.expect_err("refused"))
    }

    #[test]
    fn a_link_is_usable_only_while_pending_and_before_it_expires() {
        assert!(usable(Some(row(None, None, 100)), 99).is_ok());
        assert!(problem(usable(Some(row(None, None, 100)), 100)).contains("LinkExpired"));
        assert!(problem(usable(Some(row(Some(5), None, 100)), 1)).contains("LinkUsed"));
        assert!(problem(usable(Some(row(None, Some(5), 100)), 1)).contains("LinkWithdrawn"));
        assert!(problem(usable(None, 1)).contains("LinkInvalid"));
    }

    #[test]
    fn only_staff_roles_can_be_given() {
        assert_eq!(staff_role(" officer "), Some(Role::Officer));
        assert_eq!(staff_role("supervisor"), Some(Role::Supervisor));
        assert_eq!(staff_role("support"), Some(Role::Support));
        assert_eq!(staff_role("applicant"), None);
        assert_eq!(staff_role("admin"), None);
    }

    #[test]
    fn empty_and_oversized_tokens_are_refused_before_any_lookup() {
        assert!(token_hash("").is_err());
        assert!(token_hash(&"a".repeat(129)).is_err());
        assert_eq!(token_hash(" abc ").unwrap(), crypto::sha256_hex(b"abc"));
    }
}
