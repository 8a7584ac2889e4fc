//! Everything password recovery says, in every language. One table per language (`en.rs`, `es.rs`).

mod en;
mod es;

use crate::i18n::{use_locale, EmailText, Locale, Msg, PerLocale};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<RecoveryTexts> = [en::TEXTS, es::TEXTS];

/// The recovery texts of `locale`.
pub fn texts(locale: Locale) -> &'static RecoveryTexts {
    locale.pick(&TEXTS)
}

/// The recovery texts of the current page's language.
pub fn use_texts() -> &'static RecoveryTexts {
    texts(use_locale())
}

/// A message of password recovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecoveryMsg {
    /// The reset link is unknown, expired or already used.
    LinkInvalid,
    /// The link to cancel an account reset is unknown, used, or the reset already took effect.
    CancelLinkInvalid,
    /// The link to finish an account reset is unknown, expired, used, or the reset was cancelled.
    FinishLinkInvalid,
    /// The "This wasn't me" link is unknown, expired or already used.
    ReportLinkInvalid,
    /// The account has no reset whose waiting period is over.
    ResetNotReady,
    /// Staff accounts are not reset by their holders.
    StaffReset,
    /// At least one security answer does not match.
    AnswersWrong,
}

impl From<RecoveryMsg> for Msg {
    fn from(msg: RecoveryMsg) -> Self {
        Msg::Recovery(msg)
    }
}

impl RecoveryMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            RecoveryMsg::LinkInvalid => t.link_invalid,
            RecoveryMsg::CancelLinkInvalid => t.cancel_link_invalid,
            RecoveryMsg::FinishLinkInvalid => t.finish_link_invalid,
            RecoveryMsg::ReportLinkInvalid => t.report_link_invalid,
            RecoveryMsg::ResetNotReady => t.reset_not_ready,
            RecoveryMsg::StaffReset => t.staff_reset,
            RecoveryMsg::AnswersWrong => t.answers_wrong,
        }
        .to_owned()
    }
}

/// The recovery texts of one language; each field is named after the place it appears.
#[allow(missing_docs)]
pub struct RecoveryTexts {
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_submit: &'static str,
    /// `{minutes}`: how long the link works.
    pub forgot_sent: &'static str,
    pub reset_title: &'static str,
    pub reset_intro: &'static str,
    pub reset_continue: &'static str,
    pub link_invalid: &'static str,
    pub questions_title: &'static str,
    pub questions_intro: &'static str,
    pub answers_wrong: &'static str,
    pub continue_button: &'static str,
    pub factor_title: &'static str,
    pub factor_intro: &'static str,
    pub factor_code: &'static str,
    pub factor_code_hint: &'static str,
    pub factor_lost: &'static str,
    pub new_password_title: &'static str,
    pub new_password_intro: &'static str,
    pub new_password_submit: &'static str,
    /// `{link}`, `{minutes}`.
    pub reset_email: EmailText,
    /// `{base_url}`.
    pub password_reset_email: EmailText,
    /// `{base_url}`.
    pub no_account_email: EmailText,
    pub cancel_link_invalid: &'static str,
    pub finish_link_invalid: &'static str,
    pub reset_not_ready: &'static str,
    pub staff_reset: &'static str,
    pub account_reset_ready: &'static str,
    pub account_reset_send_finish: &'static str,
    pub account_reset_finish_sent: &'static str,
    pub account_reset_finish_title: &'static str,
    pub account_reset_finish_intro: &'static str,
    pub account_reset_finish_button: &'static str,
    pub account_reset_finished: &'static str,
    /// `{link}`: the finish link; `{minutes}`: how long it works.
    pub account_reset_finish_email: EmailText,
    pub account_reset_title: &'static str,
    /// `{hours}`: the waiting period.
    pub account_reset_intro: &'static str,
    pub account_reset_button: &'static str,
    /// `{when}`: when the reset takes effect.
    pub account_reset_pending: &'static str,
    pub account_reset_back: &'static str,
    pub account_reset_cancel_title: &'static str,
    pub account_reset_cancel_intro: &'static str,
    pub account_reset_cancel_button: &'static str,
    pub account_reset_cancelled: &'static str,
    pub account_reset_sign_in: &'static str,
    /// `{link}`: the cancel link; `{when}`: when it takes effect.
    pub account_reset_requested_email: EmailText,
    /// `{when}`: when it takes effect.
    pub account_reset_sms: &'static str,
    pub account_reset_cancelled_email: EmailText,
    pub report_title: &'static str,
    pub report_intro: &'static str,
    pub report_button: &'static str,
    pub report_done: &'static str,
    pub report_link_invalid: &'static str,
    /// `{link}`, `{minutes}`, `{base_url}`.
    pub account_secured_email: EmailText,
    /// `{base_url}`: the service's address.
    pub account_reset_done_email: EmailText,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_and_email_differs_between_languages() {
        for msg in [
            RecoveryMsg::LinkInvalid,
            RecoveryMsg::CancelLinkInvalid,
            RecoveryMsg::FinishLinkInvalid,
            RecoveryMsg::ResetNotReady,
            RecoveryMsg::StaffReset,
            RecoveryMsg::AnswersWrong,
        ] {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
        let (en, es) = (texts(Locale::En), texts(Locale::Es));
        assert_ne!(en.reset_email.body, es.reset_email.body);
        assert!(es.reset_email.body.contains("{link}"));
        assert!(es.password_reset_email.body.contains("{base_url}"));
        assert!(es.no_account_email.body.contains("{base_url}"));
        assert_ne!(en.no_account_email.subject, es.no_account_email.subject);
        assert!(es.account_reset_requested_email.body.contains("{link}"));
        assert!(es.account_reset_requested_email.body.contains("{when}"));
        assert!(es.account_reset_sms.contains("{when}"));
        assert!(es.account_reset_done_email.body.contains("{base_url}"));
        assert!(es.account_reset_finish_email.body.contains("{link}"));
        assert!(es.account_reset_finish_email.body.contains("{minutes}"));
        assert_ne!(
            en.account_reset_cancelled_email.body,
            es.account_reset_cancelled_email.body
        );
    }
}
