//! Everything the support desk says, in every language (`en.rs`, `es.rs`).

mod en;
mod es;

use crate::i18n::{use_locale, Locale, Msg, PerLocale};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<SupportTexts> = [en::TEXTS, es::TEXTS];

/// The texts in `locale`.
pub fn texts(locale: Locale) -> &'static SupportTexts {
    locale.pick(&TEXTS)
}

/// The texts in the current page's language.
pub fn use_texts() -> &'static SupportTexts {
    texts(use_locale())
}

/// A message of the support desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SupportMsg {
    /// The search is not an email address, account number or receipt number.
    QueryInvalid,
    /// Nothing matches.
    NothingFound,
    /// The sign-in pause was lifted.
    Unlocked,
    /// A new access code was issued.
    NoticeReissued,
}

impl From<SupportMsg> for Msg {
    fn from(msg: SupportMsg) -> Self {
        Msg::Support(msg)
    }
}

impl SupportMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            SupportMsg::QueryInvalid => t.query_invalid,
            SupportMsg::NothingFound => t.nothing_found,
            SupportMsg::Unlocked => t.unlocked,
            SupportMsg::NoticeReissued => t.notice_reissued,
        }
        .to_owned()
    }
}

/// The support desk's texts in one language; each field is named after where it appears.
#[allow(missing_docs)]
pub struct SupportTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub query: &'static str,
    pub query_hint: &'static str,
    pub search: &'static str,
    pub email: &'static str,
    pub account_number: &'static str,
    pub role: &'static str,
    pub authenticator: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub sign_in: &'static str,
    pub not_paused: &'static str,
    /// `{date}`.
    pub paused_until: &'static str,
    pub unlock: &'static str,
    pub cases: &'static str,
    pub none: &'static str,
    pub notice_title: &'static str,
    pub receipt_number: &'static str,
    pub code_valid_until: &'static str,
    pub notice_used: &'static str,
    pub reissue: &'static str,
    pub download: &'static str,
    pub query_invalid: &'static str,
    pub nothing_found: &'static str,
    pub unlocked: &'static str,
    pub notice_reissued: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_differs_between_languages() {
        for msg in [
            SupportMsg::QueryInvalid,
            SupportMsg::NothingFound,
            SupportMsg::Unlocked,
            SupportMsg::NoticeReissued,
        ] {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
    }
}
