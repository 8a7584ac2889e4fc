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
    /// Texts were asked for, but the account has no verified phone.
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
    /// `{ending}`: the last four digits of the verified phone.
    pub texts_go_to: &'static str,
    pub change_phone: &'static str,
    pub no_phone: &'static str,
    pub add_phone: &'static str,
    pub texts_unavailable: &'static str,
    pub save_settings: &'static str,
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
            NotificationsMsg::PhoneRequired,
            NotificationsMsg::SettingsSaved,
            NotificationsMsg::AllRead,
        ] {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
    }
}
