//! Everything the second-factor domain says, in every language: page texts, messages and emails.
//! One table per language (`en.rs`, `es.rs`).

mod en;
mod es;

use crate::i18n::{use_locale, EmailText, Locale, Msg, PerLocale};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<MfaTexts> = [en::TEXTS, es::TEXTS];

/// The second-factor texts of `locale`.
pub fn texts(locale: Locale) -> &'static MfaTexts {
    locale.pick(&TEXTS)
}

/// The second-factor texts of the current page's language.
pub fn use_texts() -> &'static MfaTexts {
    texts(use_locale())
}

/// A message of the second-factor domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MfaMsg {
    /// The authenticator code is wrong (or too old).
    CodeInvalid,
    /// The authenticator code was already used for a sign-in.
    CodeReused,
}

impl From<MfaMsg> for Msg {
    fn from(msg: MfaMsg) -> Self {
        Msg::Mfa(msg)
    }
}

impl MfaMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            MfaMsg::CodeInvalid => t.code_invalid,
            MfaMsg::CodeReused => t.code_reused,
        }
        .to_owned()
    }
}

/// The second-factor texts of one language; each field is named after the place it appears.
#[allow(missing_docs)]
pub struct MfaTexts {
    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub setup_step_scan: &'static str,
    pub qr_alt: &'static str,
    pub setup_manual: &'static str,
    pub auth_code: &'static str,
    pub auth_code_hint: &'static str,
    pub setup_confirm: &'static str,
    pub code_title: &'static str,
    pub code_intro: &'static str,
    pub code_verify: &'static str,
    pub code_invalid: &'static str,
    pub code_reused: &'static str,
    pub code_replayed_email: EmailText,
    pub factor_added_email: EmailText,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_and_email_differs_between_languages() {
        for msg in [MfaMsg::CodeInvalid, MfaMsg::CodeReused] {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
        let (en, es) = (texts(Locale::En), texts(Locale::Es));
        assert_ne!(en.code_replayed_email.body, es.code_replayed_email.body);
        assert_ne!(en.factor_added_email.subject, es.factor_added_email.subject);
    }
}
