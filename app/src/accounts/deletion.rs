//! Deleting an account at its owner's request: after a recent full sign-in and an explicit
//! "I understand", one transaction writes the audit entry the law requires, queues a goodbye to
//! the address and deletes the account row; the database removes with it the credentials,
//! sessions, history, notifications and settings (`ON DELETE CASCADE`) and unlinks the cases,
//! which the agency keeps (`ON DELETE SET NULL`). Staff accounts are closed by the service, not
//! by their holders.

use super::{emails, model::Role, store, texts::AccountsMsg};
use crate::{
    error::AppError,
    infra::{
        audit::{self, AuditEvent},
        outbox,
        request::client_ip,
        state::AppState,
    },
    session::{access::recently_signed_in, store::SessionHandle},
};

/// Deletes the signed-in account. `understood` is the page's "I understand this cannot be undone"
/// box, which must be ticked.
pub async fn delete_account(
    state: &AppState,
    session: &SessionHandle,
    understood: bool,
) -> Result<(), AppError> {
    let now = state.now();
    let account_id = recently_signed_in(session, now)?;
    if !understood {
        return Err(AppError::field(
            "understood",
            AccountsMsg::DeletionNotConfirmed.into(),
        ));
    }
    let role = store::role_of(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if role != Role::Applicant {
        return Err(AppError::field(
            "understood",
            AccountsMsg::StaffDeletion.into(),
        ));
    }
    let account = store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let locale = store::locale_of(&state.db, &account_id).await?;
    let goodbye = emails::account_deleted(locale, &account.email);
    let mut tx = state.db.begin_write().await?;
    if !store::lock(&state.db, &mut tx, &account_id).await? {
        return Err(AppError::Unauthorized);
    }
    audit::record(
        &mut *tx,
        &AuditEvent {
            action: "account.deleted",
            actor_id: Some(&account_id),
            subject: Some(&account_id),
            ip: client_ip().ok().map(|ip| ip.to_string()),
            detail: serde_json::json!({ "account_number": account.account_number, "by": "owner" }),
        },
        now,
    )
    .await?;
    outbox::enqueue(&mut *tx, &state.keys, &goodbye, now).await?;
    sqlx::query("DELETE FROM accounts WHERE id = $1")
        .bind(&account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, "account deleted by its owner");
    session.destroy(&state.db).await
}
