//! Storing and delivering notifications. [`notify`] runs in the transaction of the change that
//! causes it: the notification, its email and its text are committed with the change or not at
//! all, and each is keyed by the event, so an event delivered twice notifies once.

use super::{
    model::{NotificationCentre, NotificationItem, NotificationSettings, SettingsForm},
    texts::NotificationsMsg,
};
use crate::{
    accounts::store as accounts_store,
    error::AppError,
    i18n::Locale,
    infra::{
        crypto,
        outbox::{self, OutgoingEmail},
        sms::OutgoingSms,
        state::AppState,
    },
    mfa::{model::phone_ending, sent_codes::verified_phone},
};
use sqlx::{Any, Transaction};

/// Most notifications the centre lists.
pub const LISTED: i64 = 50;

/// An event to tell a person about, in their language.
#[derive(Debug, Clone)]
pub struct Event {
    /// Names the event uniquely for the account (e.g. `case:{id}:event:{seq}`).
    pub key: String,
    /// The centre's one-line title, also the email subject.
    pub title: String,
    /// The centre's text, also the email body's first paragraph.
    pub body: String,
    /// The path to look at (the case page).
    pub href: String,
    /// The text message (short; no personal data beyond a receipt number).
    pub sms: String,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    by_email: i64,
    by_text: i64,
}

async fn settings_row<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    account_id: &str,
) -> Result<SettingsRow, AppError> {
    let row: Option<SettingsRow> =
        sqlx::query_as("SELECT by_email, by_text FROM notification_settings WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(executor)
            .await?;
    Ok(row.unwrap_or(SettingsRow {
        by_email: 1,
        by_text: 0,
    }))
}

/// Records `event` for `account_id` and queues its email and text per the account's settings,
/// inside `tx`. Returns whether it was new (a repeated event changes nothing).
pub async fn notify(
    tx: &mut Transaction<'static, Any>,
    state: &AppState,
    account_id: &str,
    event: &Event,
    now: i64,
) -> Result<bool, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO notifications (id, account_id, event_key, title, body, href, read_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)
         ON CONFLICT (account_id, event_key) DO NOTHING",
    )
    .bind(crypto::random_hex(16))
    .bind(account_id)
    .bind(&event.key)
    .bind(&event.title)
    .bind(&event.body)
    .bind(&event.href)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if !inserted {
        return Ok(false);
    }
    let settings = settings_row(&mut **tx, account_id).await?;
    if settings.by_email == 1 {
        if let Some(account) = accounts_store::find_by_id(&state.db, account_id).await? {
            let link = format!(
                "{}{}",
                state.policy.base_url.trim_end_matches('/'),
                event.href
            );
            let email = OutgoingEmail {
                to: account.email,
                subject: event.title.clone(),
                body: format!("{}\n\n{link}\n", event.body),
            };
            let key = format!("{account_id}:{}:email", event.key);
            outbox::enqueue_for_event(&mut **tx, &state.keys, "email", &email, &key, now).await?;
        }
    }
    // Texts go only to the phone the account proved it holds (its text-message factor), read
    // now, so a changed or removed phone takes effect at once.
    let phone = if settings.by_text == 1 && state.sms.enabled() {
        verified_phone(&mut **tx, account_id).await?
    } else {
        None
    };
    if let Some(phone) = phone {
        let sms = OutgoingSms {
            to: phone,
            body: event.sms.clone(),
        };
        let key = format!("{account_id}:{}:sms", event.key);
        outbox::enqueue_for_event(&mut **tx, &state.keys, "sms", &sms, &key, now).await?;
    }
    Ok(true)
}

/// How many of the account's notifications are unread.
pub async fn unread_count(state: &AppState, account_id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL",
    )
    .bind(account_id)
    .fetch_one(&state.db.pool)
    .await?)
}

/// The account's notification centre.
pub async fn centre(
    state: &AppState,
    account_id: &str,
    date: impl Fn(i64, Locale) -> String,
    locale: Locale,
) -> Result<NotificationCentre, AppError> {
    let rows: Vec<(String, String, String, String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT id, title, body, href, read_at, created_at FROM notifications
         WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(LISTED)
    .fetch_all(&state.db.pool)
    .await?;
    let items = rows
        .into_iter()
        .map(
            |(id, title, body, href, read_at, created_at)| NotificationItem {
                id,
                title,
                body,
                href,
                date: date(created_at, locale),
                unread: read_at.is_none(),
            },
        )
        .collect();
    let settings = settings_row(&state.db.pool, account_id).await?;
    Ok(NotificationCentre {
        items,
        unread: unread_count(state, account_id).await?,
        settings: NotificationSettings {
            by_email: settings.by_email == 1,
            by_text: settings.by_text == 1,
            phone_ending: verified_phone(&state.db.pool, account_id)
                .await?
                .map(|phone| phone_ending(&phone)),
            texts_available: state.sms.enabled(),
        },
    })
}

/// Marks all of the account's notifications read.
pub async fn mark_all_read(state: &AppState, account_id: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL")
        .bind(state.now())
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves how the account wants to be told (texts need a valid number and a configured sender).
pub async fn save_settings(
    state: &AppState,
    account_id: &str,
    form: &SettingsForm,
) -> Result<(), AppError> {
    let by_email = form.by_email == "on";
    let by_text = form.by_text == "on";
    if by_text && verified_phone(&state.db.pool, account_id).await?.is_none() {
        return Err(AppError::field(
            "by_text",
            NotificationsMsg::PhoneRequired.into(),
        ));
    }
    let by_text = by_text && state.sms.enabled();
    let now = state.now();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO notification_settings (account_id, by_email, by_text, phone, updated_at)
         VALUES ($1, $2, $3, NULL, $4)
         ON CONFLICT (account_id) DO UPDATE SET by_email = $2, by_text = $3, phone = NULL,
                                                 updated_at = $4",
    )
    .bind(account_id)
    .bind(i64::from(by_email))
    .bind(i64::from(by_text))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
