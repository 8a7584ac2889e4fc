//! Everything the staff pages and the invitation email say, in every language (`en.rs`, `es.rs`).

mod en;
mod es;

use crate::i18n::{use_locale, Locale, Msg, PerLocale};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<StaffTexts> = [en::TEXTS, es::TEXTS];

/// The texts in `locale`.
pub fn texts(locale: Locale) -> &'static StaffTexts {
    locale.pick(&TEXTS)
}

/// The texts in the current page's language.
pub fn use_texts() -> &'static StaffTexts {
    texts(use_locale())
}

/// A message about staff accounts and invitations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffMsg {
    /// The role is not one staff can have.
    RoleInvalid,
    /// An account already uses the invited address.
    AlreadyHasAccount,
    /// The invitation was sent.
    Invited,
    /// The invitation was withdrawn.
    Withdrawn,
    /// The link is not (or no longer) an invitation.
    LinkInvalid,
    /// The link's 72 hours are over.
    LinkExpired,
    /// The link was used already.
    LinkUsed,
    /// A supervisor withdrew the invitation.
    LinkWithdrawn,
    /// The account was created.
    Joined,
}

impl From<StaffMsg> for Msg {
    fn from(msg: StaffMsg) -> Self {
        Msg::Staff(msg)
    }
}

impl StaffMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            StaffMsg::RoleInvalid => t.role_invalid,
            StaffMsg::AlreadyHasAccount => t.already_has_account,
            StaffMsg::Invited => t.invited,
            StaffMsg::Withdrawn => t.withdrawn,
            StaffMsg::LinkInvalid => t.link_invalid,
            StaffMsg::LinkExpired => t.link_expired,
            StaffMsg::LinkUsed => t.link_used,
            StaffMsg::LinkWithdrawn => t.link_withdrawn,
            StaffMsg::Joined => t.joined,
        }
        .to_owned()
    }
}

/// The staff texts in one language; each field is named after where it appears.
#[allow(missing_docs)]
pub struct StaffTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub back_to_queue: &'static str,
    pub members_title: &'static str,
    pub email: &'static str,
    pub role: &'static str,
    pub pending_title: &'static str,
    pub no_pending: &'static str,
    pub expires: &'static str,
    pub withdraw: &'static str,
    pub invite_title: &'static str,
    pub invite_hint: &'static str,
    pub work_email: &'static str,
    pub choose_role: &'static str,
    pub send_invitation: &'static str,
    /// Indexed like `Role::ALL`.
    pub role_names: [&'static str; 4],
    pub join_title: &'static str,
    /// `{role}`.
    pub join_intro: &'static str,
    pub join_next: &'static str,
    pub create_account: &'static str,
    pub sign_in: &'static str,
    pub email_subject: &'static str,
    /// `{role}`, `{link}`, `{hours}`.
    pub email_body: &'static str,
    pub role_invalid: &'static str,
    pub already_has_account: &'static str,
    pub invited: &'static str,
    pub withdrawn: &'static str,
    pub link_invalid: &'static str,
    pub link_expired: &'static str,
    pub link_used: &'static str,
    pub link_withdrawn: &'static str,
    pub joined: &'static str,
}

impl StaffTexts {
    /// The name of the role stored as `stored` in this language (the stored name if unknown).
    pub fn role_name(&self, stored: &str) -> String {
        use crate::accounts::model::Role;
        Role::ALL
            .iter()
            .position(|role| role.as_str() == stored)
            .map_or_else(|| stored.to_owned(), |i| self.role_names[i].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_differs_between_languages() {
        for msg in [
            StaffMsg::RoleInvalid,
            StaffMsg::AlreadyHasAccount,
            StaffMsg::Invited,
            StaffMsg::Withdrawn,
            StaffMsg::LinkInvalid,
            StaffMsg::LinkExpired,
            StaffMsg::LinkUsed,
            StaffMsg::LinkWithdrawn,
            StaffMsg::Joined,
        ] {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
    }

    #[test]
    fn roles_are_named_in_both_languages() {
        assert_eq!(texts(Locale::En).role_name("support"), "Support");
        assert_eq!(texts(Locale::Es).role_name("officer"), "Oficial");
        assert_eq!(texts(Locale::En).role_name("unknown"), "unknown");
    }
}
