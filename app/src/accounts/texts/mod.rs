//! Everything the accounts domain says, in every language: page texts, messages and emails. One
//! table per language (`en.rs`, `es.rs`); the field comments name the values a template takes.

mod en;
mod es;

use crate::i18n::{fill, use_locale, EmailText, Locale, Msg, PerLocale, Plural};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<AccountsTexts> = [en::TEXTS, es::TEXTS];

/// The accounts texts of `locale`.
pub fn texts(locale: Locale) -> &'static AccountsTexts {
    locale.pick(&TEXTS)
}

/// The accounts texts of the current page's language.
pub fn use_texts() -> &'static AccountsTexts {
    texts(use_locale())
}

/// A message of the accounts domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountsMsg {
    /// The email address is not a valid address.
    EmailInvalid,
    /// The password was right but is turned off after 100 failures in a row (item 10).
    PasswordTurnedOff,
    /// The password is shorter than the minimum.
    PasswordTooShort {
        /// Minimum length in characters.
        min: usize,
    },
    /// The password is longer than the maximum.
    PasswordTooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// How long a password must be, from this server's policy.
    PasswordHint {
        /// Fewest characters.
        min: usize,
        /// Most characters.
        max: usize,
    },
    /// The password is on the list of common or breached passwords.
    PasswordCommon,
    /// The password is (a variant of) the email address or the service's name.
    PasswordContext,
    /// The two password fields differ.
    PasswordMismatch,
    /// The same security question was picked twice.
    QuestionsMustDiffer,
    /// A security question id that is not on the list.
    QuestionUnknown,
    /// A security answer is too short.
    AnswerTooShort {
        /// Minimum length in characters.
        min: usize,
    },
    /// A security answer is too long.
    AnswerTooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// A code must be exactly six digits.
    CodeFormat,
    /// The emailed code is wrong or has expired.
    CodeInvalid,
    /// A new verification code was sent.
    CodeSent,
    /// Sign-out finished.
    SignedOut,
    /// An online account number must be 12 digits with a valid check digit.
    AccountNumberFormat,
    /// An access code must be 12 characters of the code alphabet.
    AccessCodeFormat,
    /// Only one of account number (or receipt number) and access code was given.
    AccessNoticeIncomplete,
    /// The number and code do not match an Account Access Notice.
    AccessNoticeInvalid,
    /// The code matched but is past its 90 days.
    AccessNoticeExpired,
    /// The code matched but the notice was already used.
    AccessNoticeUsed,
    /// "I understand this cannot be undone" was not ticked.
    DeletionNotConfirmed,
    /// Staff accounts are closed by the service, not deleted by their holders.
    StaffDeletion,
}

impl From<AccountsMsg> for Msg {
    fn from(msg: AccountsMsg) -> Self {
        Msg::Accounts(msg)
    }
}

impl AccountsMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        let count = |n: &usize| u64::try_from(*n).unwrap_or(u64::MAX);
        match self {
            AccountsMsg::EmailInvalid => t.email_invalid.to_owned(),
            AccountsMsg::PasswordTurnedOff => t.password_turned_off.to_owned(),
            AccountsMsg::PasswordTooShort { min } => {
                t.password_too_short.format(locale, count(min), &[])
            }
            AccountsMsg::PasswordTooLong { max } => {
                t.password_too_long.format(locale, count(max), &[])
            }
            AccountsMsg::PasswordHint { min, max } => {
                fill(t.password_hint, &[("min", min), ("max", max)])
            }
            AccountsMsg::PasswordCommon => t.password_common.to_owned(),
            AccountsMsg::PasswordContext => t.password_context.to_owned(),
            AccountsMsg::PasswordMismatch => t.password_mismatch.to_owned(),
            AccountsMsg::QuestionsMustDiffer => t.questions_must_differ.to_owned(),
            AccountsMsg::QuestionUnknown => t.question_unknown.to_owned(),
            AccountsMsg::AnswerTooShort { min } => {
                t.answer_too_short.format(locale, count(min), &[])
            }
            AccountsMsg::AnswerTooLong { max } => t.answer_too_long.format(locale, count(max), &[]),
            AccountsMsg::CodeFormat => t.code_format.to_owned(),
            AccountsMsg::CodeInvalid => t.code_invalid.to_owned(),
            AccountsMsg::CodeSent => t.code_sent.to_owned(),
            AccountsMsg::SignedOut => t.signed_out.to_owned(),
            AccountsMsg::AccountNumberFormat => t.account_number_format.to_owned(),
            AccountsMsg::AccessCodeFormat => t.access_code_format.to_owned(),
            AccountsMsg::AccessNoticeIncomplete => t.access_notice_incomplete.to_owned(),
            AccountsMsg::AccessNoticeInvalid => t.access_notice_invalid.to_owned(),
            AccountsMsg::AccessNoticeExpired => t.access_notice_expired.to_owned(),
            AccountsMsg::AccessNoticeUsed => t.access_notice_used.to_owned(),
            AccountsMsg::DeletionNotConfirmed => t.deletion_not_confirmed.to_owned(),
            AccountsMsg::StaffDeletion => t.staff_deletion.to_owned(),
        }
    }
}

/// The accounts texts of one language; each field is named after the place it appears.
#[allow(missing_docs)]
pub struct AccountsTexts {
    pub landing_title: &'static str,
    pub landing_intro: &'static str,
    pub create_account: &'static str,
    pub sign_in: &'static str,
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub email: &'static str,
    pub email_hint: &'static str,
    pub password: &'static str,
    pub confirm_password: &'static str,
    pub security_questions: &'static str,
    pub security_questions_hint: &'static str,
    pub security_question_n: [&'static str; 3],
    pub answer_n: [&'static str; 3],
    pub choose_question: &'static str,
    pub create_account_button: &'static str,
    pub password_ok: &'static str,
    pub strength_labels: [&'static str; 5],
    pub strength_prefix: &'static str,
    /// `{n}`: characters typed so far.
    pub characters_count: Plural,
    pub verify_title: &'static str,
    pub verify_intro: &'static str,
    pub verification_code: &'static str,
    pub verification_code_hint: &'static str,
    pub verify_button: &'static str,
    pub resend_button: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub no_account: &'static str,
    pub account_title: &'static str,
    pub profile: &'static str,
    pub profile_title: &'static str,
    pub account_number: &'static str,
    pub account_number_hint: &'static str,
    pub forgot_password: &'static str,
    pub password_was_reset: &'static str,
    pub show_password: &'static str,
    pub hide_password: &'static str,
    pub password_changed_email: EmailText,
    pub password_turned_off: &'static str,
    /// `{method}`: the method's name; `{n}`: the failures.
    pub method_turned_off_email: EmailText,
    pub reauth_link: &'static str,
    pub change_password_title: &'static str,
    pub change_password_intro: &'static str,
    pub current_password: &'static str,
    pub sign_out_others: &'static str,
    pub change_password_submit: &'static str,
    pub password_changed_notice: &'static str,
    pub devices_title: &'static str,
    pub devices_intro: &'static str,
    pub this_device: &'static str,
    pub password_only: &'static str,
    pub recovering_device: &'static str,
    pub device_unknown: &'static str,
    /// `{started}`, `{last_seen}`.
    pub device_times: &'static str,
    pub sign_out_device: &'static str,
    pub sign_out_others_button: &'static str,
    pub devices_more: &'static str,
    pub devices_signed_out_notice: &'static str,
    pub history_title: &'static str,
    pub history_intro: &'static str,
    pub history_empty: &'static str,
    pub history_older: &'static str,
    pub history_newest: &'static str,
    pub history_what: &'static str,
    pub history_when: &'static str,
    pub history_where: &'static str,
    /// One per `AccountEventKind::ALL`, in that order.
    pub event_kinds: [&'static str; 19],
    /// One per `AuthMethod::ALL`, in that order.
    pub auth_methods: [&'static str; 6],
    pub copy_account_number: &'static str,
    pub copied: &'static str,
    pub security_question_texts: [&'static str; 8],
    pub email_invalid: &'static str,
    /// `{n}`: the policy's minimum.
    pub password_too_short: Plural,
    /// `{n}`: the policy's maximum.
    pub password_too_long: Plural,
    /// `{min}`, `{max}`: the policy's limits.
    pub password_hint: &'static str,
    pub password_common: &'static str,
    pub password_context: &'static str,
    pub password_mismatch: &'static str,
    pub questions_must_differ: &'static str,
    pub question_unknown: &'static str,
    /// `{n}`: the minimum.
    pub answer_too_short: Plural,
    /// `{n}`: the maximum.
    pub answer_too_long: Plural,
    pub code_format: &'static str,
    pub code_invalid: &'static str,
    pub code_sent: &'static str,
    pub signed_out: &'static str,
    pub notice_legend: &'static str,
    pub notice_hint: &'static str,
    pub notice_account_number: &'static str,
    pub notice_access_code: &'static str,
    pub account_number_format: &'static str,
    pub access_code_format: &'static str,
    pub access_notice_incomplete: &'static str,
    pub access_notice_invalid: &'static str,
    pub access_notice_expired: &'static str,
    pub access_notice_used: &'static str,
    /// `{code}`; `{n}`: minutes the code lives.
    pub verification_email_subject: &'static str,
    /// `{code}`; `{n}`: minutes the code lives.
    pub verification_email_body: Plural,
    /// `{base_url}`: where to sign in.
    pub already_registered_email: EmailText,
    /// `{when}`, `{device}`, `{place}`, `{link}` ("This wasn't me").
    pub new_sign_in_email: EmailText,
    /// Stands for the browser or the address in a new sign-in email when it is not known.
    pub not_known: &'static str,
    pub delete_link: &'static str,
    pub delete_title: &'static str,
    pub delete_intro: &'static str,
    pub delete_removed_heading: &'static str,
    pub delete_removed: [&'static str; 4],
    pub delete_kept_heading: &'static str,
    pub delete_kept: [&'static str; 3],
    pub delete_understood: &'static str,
    pub delete_submit: &'static str,
    pub deletion_not_confirmed: &'static str,
    pub staff_deletion: &'static str,
    pub account_deleted: &'static str,
    pub account_deleted_email: EmailText,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_differs_between_languages_and_carries_its_values() {
        let samples = [
            AccountsMsg::EmailInvalid,
            AccountsMsg::PasswordTurnedOff,
            AccountsMsg::PasswordTooShort { min: 12 },
            AccountsMsg::PasswordHint { min: 12, max: 128 },
            AccountsMsg::PasswordCommon,
            AccountsMsg::AnswerTooLong { max: 64 },
            AccountsMsg::CodeInvalid,
            AccountsMsg::SignedOut,
            AccountsMsg::AccountNumberFormat,
            AccountsMsg::AccessCodeFormat,
            AccountsMsg::AccessNoticeIncomplete,
            AccountsMsg::AccessNoticeInvalid,
            AccountsMsg::AccessNoticeExpired,
            AccountsMsg::AccessNoticeUsed,
            AccountsMsg::DeletionNotConfirmed,
            AccountsMsg::StaffDeletion,
        ];
        for msg in samples {
            let (en, es) = (msg.text(Locale::En), msg.text(Locale::Es));
            assert_ne!(en, es, "{msg:?}");
            assert!(!en.contains('{') && !es.contains('{'), "{en} / {es}");
        }
        let hint = AccountsMsg::PasswordHint { min: 15, max: 99 }.text(Locale::Es);
        assert!(hint.contains("15") && hint.contains("99"), "{hint}");
    }

    #[test]
    fn counts_take_the_plural_form_of_their_language() {
        let en = &texts(Locale::En).characters_count;
        assert_eq!(en.format(Locale::En, 1, &[]), "1 character");
        assert_eq!(en.format(Locale::En, 12, &[]), "12 characters");
        let es = &texts(Locale::Es).characters_count;
        assert_eq!(es.format(Locale::Es, 1, &[]), "1 carácter");
        assert_eq!(es.format(Locale::Es, 12, &[]), "12 caracteres");
    }
}
