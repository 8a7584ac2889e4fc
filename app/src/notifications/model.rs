//! What the notification centre shows and its settings form submits.

use serde::{Deserialize, Serialize};

/// One notification as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationItem {
    /// Random id.
    pub id: String,
    /// One line, e.g. "IOE0912345678: Case Was Approved".
    pub title: String,
    /// What it means.
    pub body: String,
    /// Where to look (the case page).
    pub href: String,
    /// When, written out in the page's language.
    pub date: String,
    /// Not read yet.
    pub unread: bool,
}

/// How a person wants to hear of changes besides the centre.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    /// Email on each change (on by default).
    pub by_email: bool,
    /// Text message on each change.
    pub by_text: bool,
    /// The last four digits of the verified phone texts go to (the account's text-message
    /// factor), if it has one.
    pub phone_ending: Option<String>,
    /// Whether this server can send texts at all.
    pub texts_available: bool,
}

/// The notification centre: the newest notifications, the unread count and the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationCentre {
    /// Newest first (at most 50).
    pub items: Vec<NotificationItem>,
    /// How many are unread (all of them, not only those listed).
    pub unread: i64,
    /// The delivery settings.
    pub settings: NotificationSettings,
}

/// The settings form as submitted (checkboxes send `on` when ticked and nothing otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    /// `on` for email.
    #[serde(default)]
    pub by_email: String,
    /// `on` for texts.
    #[serde(default)]
    pub by_text: String,
}
