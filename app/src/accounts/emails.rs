//! The emails the accounts domain sends. Each function renders one message in the recipient's
//! language from the domain's text tables; the outbox delivers it.

use super::texts::texts;
use crate::{i18n::fill, i18n::Locale, infra::outbox::OutgoingEmail};

/// The six-digit code that proves a registrant can read the mailbox.
pub fn verification_code(locale: Locale, to: &str, code: &str, minutes: i64) -> OutgoingEmail {
    let t = texts(locale);
    let minutes = u64::try_from(minutes).unwrap_or(0);
    OutgoingEmail {
        to: to.to_owned(),
        subject: t.verification_email_subject.to_owned(),
        body: t
            .verification_email_body
            .format(locale, minutes, &[("code", &code)]),
    }
}

/// Sent instead of a code when someone registers an address that already has an account.
pub fn address_already_registered(locale: Locale, to: &str, base_url: &str) -> OutgoingEmail {
    let email = texts(locale).already_registered_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: fill(email.body, &[("base_url", &base_url)]),
    }
}

/// A sign-in method was turned off after too many failures in a row (item 10).
pub fn method_turned_off(
    locale: Locale,
    to: &str,
    method: super::model::AuthMethod,
) -> OutgoingEmail {
    let t = texts(locale);
    let name = super::model::AuthMethod::ALL
        .iter()
        .position(|m| *m == method)
        .map_or("", |i| t.auth_methods[i]);
    OutgoingEmail {
        to: to.to_owned(),
        subject: t.method_turned_off_email.subject.to_owned(),
        body: fill(
            t.method_turned_off_email.body,
            &[
                ("method", &name),
                ("n", &super::factor_lockout::HARD_STOP_FAILURES),
            ],
        ),
    }
}

/// The password was changed by someone who knew the current one.
pub fn password_changed(locale: Locale, to: &str) -> OutgoingEmail {
    let email = texts(locale).password_changed_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: email.body.to_owned(),
    }
}

/// A full sign-in from a browser the account had not been used on, with the "This wasn't me"
/// link; `device` and `place` are left "not known" when the request did not say.
pub fn new_sign_in(
    locale: Locale,
    to: &str,
    when: &str,
    device: Option<&str>,
    place: Option<&str>,
    link: &str,
) -> OutgoingEmail {
    let t = texts(locale);
    OutgoingEmail {
        to: to.to_owned(),
        subject: t.new_sign_in_email.subject.to_owned(),
        body: fill(
            t.new_sign_in_email.body,
            &[
                ("when", &when),
                ("device", &device.unwrap_or(t.not_known)),
                ("place", &place.unwrap_or(t.not_known)),
                ("link", &link),
            ],
        ),
    }
}

/// The account was deleted at its owner's request (sent to the address it had).
pub fn account_deleted(locale: Locale, to: &str) -> OutgoingEmail {
    let email = texts(locale).account_deleted_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: email.body.to_owned(),
    }
}
