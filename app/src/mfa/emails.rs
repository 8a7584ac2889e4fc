//! The emails the second-factor domain sends, rendered in the recipient's language from the
//! domain's text tables.

use super::texts::texts;
use crate::{
    i18n::{EmailText, Locale},
    infra::outbox::OutgoingEmail,
};

fn render(email: EmailText, to: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: email.body.to_owned(),
    }
}

/// A code from the account's authenticator app was entered again after it had been used.
pub fn code_replayed(locale: Locale, to: &str) -> OutgoingEmail {
    render(texts(locale).code_replayed_email, to)
}

/// An authenticator app was added to the account (sent to the account's address).
pub fn factor_added(locale: Locale, to: &str) -> OutgoingEmail {
    render(texts(locale).factor_added_email, to)
}

/// A new set of backup codes was made (the old one stopped working).
pub fn backup_codes_made(locale: Locale, to: &str) -> OutgoingEmail {
    render(texts(locale).backup_codes_made_email, to)
}

/// A backup code was used; `left` codes remain unused.
pub fn backup_code_used(locale: Locale, to: &str, left: i64) -> OutgoingEmail {
    let email = texts(locale).backup_code_used_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: crate::i18n::fill(email.body, &[("left", &left)]),
    }
}

/// A one-time code sent by email.
pub fn code(locale: Locale, to: &str, code: &str) -> OutgoingEmail {
    let email = texts(locale).code_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: crate::i18n::fill(email.body, &[("code", &code)]),
    }
}

/// A phone (ending in `ending`) now gets sign-in codes for the account.
pub fn phone_added(locale: Locale, to: &str, ending: &str) -> OutgoingEmail {
    let email = texts(locale).phone_added_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: crate::i18n::fill(email.body, &[("ending", &ending)]),
    }
}

/// Email codes were turned on as a sign-in method.
pub fn email_codes_added(locale: Locale, to: &str) -> OutgoingEmail {
    render(texts(locale).email_codes_added_email, to)
}

/// A sign-in method was removed from the account.
pub fn factor_removed(
    locale: Locale,
    to: &str,
    method: crate::accounts::model::AuthMethod,
) -> OutgoingEmail {
    let email = texts(locale).factor_removed_email;
    let names = crate::accounts::texts::texts(locale).auth_methods;
    let name = crate::accounts::model::AuthMethod::ALL
        .iter()
        .position(|m| *m == method)
        .map_or("", |i| names[i]);
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: crate::i18n::fill(email.body, &[("method", &name)]),
    }
}

/// A passkey or security key named `name` now signs in to the account.
pub fn passkey_added(locale: Locale, to: &str, name: &str) -> OutgoingEmail {
    let email = texts(locale).passkey_added_email;
    OutgoingEmail {
        to: to.to_owned(),
        subject: email.subject.to_owned(),
        body: crate::i18n::fill(email.body, &[("name", &name)]),
    }
}
