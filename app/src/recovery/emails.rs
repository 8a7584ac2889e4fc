//! The emails of password recovery, in the recipient's language.

use super::texts::texts;
use crate::{
    i18n::{fill, Locale},
    infra::outbox::OutgoingEmail,
};

/// The reset link, valid for `minutes`.
pub fn reset_link(locale: Locale, to: &str, link: &str, minutes: i64) -> OutgoingEmail {
    let email = texts(locale).reset_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: fill(email.body, &[("link", &link), ("minutes", &minutes)]),
    }
}

/// The password was reset and every session ended.
pub fn password_reset(locale: Locale, to: &str, base_url: &str) -> OutgoingEmail {
    let email = texts(locale).password_reset_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: fill(email.body, &[("base_url", &base_url)]),
    }
}

/// Someone asked for a reset link for an address that has no account.
pub fn no_account(locale: Locale, to: &str, base_url: &str) -> OutgoingEmail {
    let email = texts(locale).no_account_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: fill(email.body, &[("base_url", &base_url.trim_end_matches('/'))]),
    }
}

/// Someone asked for the account's sign-in methods to be reset; it takes effect `when` unless
/// cancelled at `link`.
pub fn account_reset_requested(locale: Locale, to: &str, link: &str, when: &str) -> OutgoingEmail {
    let email = texts(locale).account_reset_requested_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: fill(email.body, &[("link", &link), ("when", &when)]),
    }
}

/// The account reset was cancelled.
pub fn account_reset_cancelled(locale: Locale, to: &str) -> OutgoingEmail {
    let email = texts(locale).account_reset_cancelled_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: email.body.to_owned(),
    }
}

/// The account reset took effect: every sign-in method is gone.
pub fn account_reset_done(locale: Locale, to: &str, base_url: &str) -> OutgoingEmail {
    let email = texts(locale).account_reset_done_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: fill(email.body, &[("base_url", &base_url.trim_end_matches('/'))]),
    }
}

/// The link that finishes the account reset, working for `minutes`.
pub fn account_reset_finish(locale: Locale, to: &str, link: &str, minutes: i64) -> OutgoingEmail {
    let email = texts(locale).account_reset_finish_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: fill(email.body, &[("link", &link), ("minutes", &minutes)]),
    }
}

/// A sign-in was reported as not the owner's: the account is secured, and here is the way back.
pub fn account_secured(
    locale: Locale,
    to: &str,
    link: &str,
    minutes: i64,
    base_url: &str,
) -> OutgoingEmail {
    let email = texts(locale).account_secured_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: fill(
            email.body,
            &[
                ("link", &link),
                ("minutes", &minutes),
                ("base_url", &base_url.trim_end_matches('/')),
            ],
        ),
    }
}
