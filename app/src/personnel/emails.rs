//! The email a staff invitation sends, in the language of the page it was sent from.

use super::texts::texts;
use crate::{i18n::fill, i18n::Locale, infra::outbox::OutgoingEmail};

/// The invitation with its one-time link.
pub fn invitation(locale: Locale, to: &str, role: &str, link: &str, hours: i64) -> OutgoingEmail {
    let t = texts(locale);
    OutgoingEmail {
        to: to.to_owned(),
        subject: t.email_subject.to_owned(),
        body: fill(
            t.email_body,
            &[
                ("role", &t.role_name(role)),
                ("link", &link),
                ("hours", &hours),
            ],
        ),
    }
}
