//! Everything the notification centre says, in every language (`en.rs`, `es.rs`).

mod en;
mod es;

use crate::i18n::{use_locale, Locale, Msg, PerLocale};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<NotificationsTexts> = [en::TEXTS, es::TEXTS];

/// The texts in `locale`.
pub fn texts(locale: Locale) -> &'static NotificationsTexts {
    locale.pick(&TEXTS)
}

/// The texts in the current page's language.
pub fn use_texts() -> &'static NotificationsTexts {
    texts(use_locale())
}

/// A message of the notification centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotificationsMsg {
    /// The phone number is not a number texts can go to.
    PhoneInvalid,
    /// Texts were asked for without a number.
    PhoneRequired,
    /// The settings were saved.
    SettingsSaved,
    /// Everything was marked read.
    AllRead,
}

impl From<NotificationsMsg> for Msg {
    fn from(msg: NotificationsMsg) -> Self {
        Msg::Notifications(msg)
    }
}

impl NotificationsMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            NotificationsMsg::PhoneInvalid => t.phone_invalid,
            NotificationsMsg::PhoneRequired => t.phone_required,
            NotificationsMsg::SettingsSaved => t.settings_saved,
            NotificationsMsg::AllRead => t.all_read,
        }
        .to_owned()
    }
}

/// The notification centre's texts in one language; each field is named after where it appears.
#[allow(missing_docs)]
pub struct NotificationsTexts {
    pub title: &'static str,
    pub intro: &'static str,
    /// `{n}`: unread notifications.
    pub unread_count: &'static str,
    pub nothing_yet: &'static str,
    pub new_label: &'static str,
    pub mark_all_read: &'static str,
    pub settings_title: &'static str,
    pub by_email: &'static str,
    pub by_text: &'static str,
    pub phone: &'static str,
    pub phone_hint: &'static str,
    pub texts_unavailable: &'static str,
    pub save_settings: &'static str,
    pub phone_invalid: &'static str,
    pub phone_required: &'static str,
    pub settings_saved: &'static str,
    pub all_read: &'static str,
    pub link: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_differs_between_languages() {
        for msg in [
            NotificationsMsg::PhoneInvalid,
            NotificationsMsg::PhoneRequired,
            NotificationsMsg::SettingsSaved,
            NotificationsMsg::AllRead,
        ] {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
    }
}
