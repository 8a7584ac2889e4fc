//! Everything the personal-details and change-of-address pages say, in every language
//! (`en.rs`, `es.rs`).

mod en;
mod es;

use crate::i18n::{fill, use_locale, EmailText, Locale, Msg, PerLocale};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<ProfileTexts> = [en::TEXTS, es::TEXTS];

/// The texts in `locale`.
pub fn texts(locale: Locale) -> &'static ProfileTexts {
    locale.pick(&TEXTS)
}

/// The texts in the current page's language.
pub fn use_texts() -> &'static ProfileTexts {
    texts(use_locale())
}

/// A message about personal details or a change of address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileMsg {
    /// A name, address line or city is longer than `max` characters.
    TooLong {
        /// The longest accepted.
        max: usize,
    },
    /// The text holds control characters (a pasted tab or line break, or worse).
    CharactersInvalid,
    /// Some but not all of month, day and year were given.
    DateIncomplete,
    /// The date does not exist (31 April) or is not made of numbers.
    DateInvalid,
    /// The year is not four digits.
    YearFormat,
    /// The date is after today.
    DateInFuture,
    /// The date is before `year`.
    DateTooEarly {
        /// The earliest year accepted.
        year: i32,
    },
    /// Not a USPS state, territory or military code.
    StateInvalid,
    /// Not five digits or ZIP+4.
    ZipInvalid,
    /// The new address is the one the account already has.
    SameEmail,
    /// A code was entered but no change is waiting for one.
    NoChangePending,
}

impl From<ProfileMsg> for Msg {
    fn from(msg: ProfileMsg) -> Self {
        Msg::Profile(msg)
    }
}

impl ProfileMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            ProfileMsg::TooLong { max } => fill(t.too_long, &[("n", max)]),
            ProfileMsg::CharactersInvalid => t.characters_invalid.to_owned(),
            ProfileMsg::DateIncomplete => t.date_incomplete.to_owned(),
            ProfileMsg::DateInvalid => t.date_invalid.to_owned(),
            ProfileMsg::YearFormat => t.year_format.to_owned(),
            ProfileMsg::DateInFuture => t.date_in_future.to_owned(),
            ProfileMsg::DateTooEarly { year } => fill(t.date_too_early, &[("year", year)]),
            ProfileMsg::StateInvalid => t.state_invalid.to_owned(),
            ProfileMsg::ZipInvalid => t.zip_invalid.to_owned(),
            ProfileMsg::SameEmail => t.same_email.to_owned(),
            ProfileMsg::NoChangePending => t.no_change_pending.to_owned(),
        }
    }
}

/// The texts of one language; each field is named after where it appears.
#[allow(missing_docs)]
pub struct ProfileTexts {
    pub details_heading: &'static str,
    pub name: &'static str,
    pub date_of_birth: &'static str,
    pub mailing_address: &'static str,
    pub not_given: &'static str,
    pub edit_details: &'static str,
    pub change_email: &'static str,
    pub change_password: &'static str,
    pub change_phone: &'static str,
    pub notification_settings: &'static str,
    pub security: &'static str,
    pub history: &'static str,
    pub devices: &'static str,
    pub details_saved: &'static str,
    pub email_changed: &'static str,
    pub details_title: &'static str,
    pub details_intro: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub date_of_birth_legend: &'static str,
    pub date_of_birth_hint: &'static str,
    pub month: &'static str,
    pub day: &'static str,
    pub year: &'static str,
    pub address_legend: &'static str,
    pub address_hint: &'static str,
    pub address_line1: &'static str,
    pub address_line2: &'static str,
    pub city: &'static str,
    pub state: &'static str,
    pub choose_state: &'static str,
    pub zip_code: &'static str,
    pub zip_hint: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub email_title: &'static str,
    pub email_intro: &'static str,
    pub current_email: &'static str,
    pub new_email: &'static str,
    pub send_code: &'static str,
    /// `{email}`: the new address.
    pub code_sent_to: &'static str,
    pub code: &'static str,
    pub code_hint: &'static str,
    pub confirm_change: &'static str,
    pub start_over: &'static str,
    /// `{n}`: the maximum.
    pub too_long: &'static str,
    pub characters_invalid: &'static str,
    pub date_incomplete: &'static str,
    pub date_invalid: &'static str,
    pub year_format: &'static str,
    pub date_in_future: &'static str,
    /// `{year}`: the earliest year.
    pub date_too_early: &'static str,
    pub state_invalid: &'static str,
    pub zip_invalid: &'static str,
    pub same_email: &'static str,
    pub no_change_pending: &'static str,
    /// `{code}`, `{minutes}`.
    pub change_code_email: EmailText,
    /// Sent to a new address that already has its own account, instead of a code.
    pub address_taken_email: EmailText,
    /// To the old address. `{new}`: the new address, partly hidden.
    pub email_changed_old_email: EmailText,
    /// To the new address.
    pub email_changed_new_email: EmailText,
    /// To the current address when a change is asked for. `{new}`: partly hidden.
    pub email_change_asked_email: EmailText,
    /// To the account's address when the personal details were saved.
    pub details_changed_email: EmailText,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_differs_between_languages_and_carries_its_values() {
        for msg in [
            ProfileMsg::TooLong { max: 100 },
            ProfileMsg::CharactersInvalid,
            ProfileMsg::DateIncomplete,
            ProfileMsg::DateInvalid,
            ProfileMsg::YearFormat,
            ProfileMsg::DateInFuture,
            ProfileMsg::DateTooEarly { year: 1900 },
            ProfileMsg::StateInvalid,
            ProfileMsg::ZipInvalid,
            ProfileMsg::SameEmail,
            ProfileMsg::NoChangePending,
        ] {
            let (en, es) = (msg.text(Locale::En), msg.text(Locale::Es));
            assert_ne!(en, es, "{msg:?}");
            assert!(!en.contains('{') && !es.contains('{'), "{en} / {es}");
        }
        assert!(ProfileMsg::TooLong { max: 100 }
            .text(Locale::Es)
            .contains("100"));
        assert!(ProfileMsg::DateTooEarly { year: 1900 }
            .text(Locale::En)
            .contains("1900"));
    }
}
