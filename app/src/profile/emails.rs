//! The emails a change of address sends, in the recipient's language.

use super::texts::texts;
use crate::{
    i18n::{fill, EmailText, Locale},
    infra::outbox::OutgoingEmail,
};

fn email(to: &str, text: &EmailText, values: &[(&str, &dyn std::fmt::Display)]) -> OutgoingEmail {
    OutgoingEmail {
        to: to.to_owned(),
        subject: text.subject.to_owned(),
        body: fill(text.body, values),
    }
}

/// The code that proves the person can read the new address.
pub fn change_code(locale: Locale, to: &str, code: &str, minutes: i64) -> OutgoingEmail {
    email(
        to,
        &texts(locale).change_code_email,
        &[("code", &code), ("minutes", &minutes)],
    )
}

/// Sent instead of a code when the new address already has its own account.
pub fn address_taken(locale: Locale, to: &str) -> OutgoingEmail {
    email(to, &texts(locale).address_taken_email, &[])
}

/// To the old address once the change is made; the new address is partly hidden, so that a
/// stranger reading an old mailbox learns little.
pub fn changed_from(locale: Locale, to: &str, new_email: &str) -> OutgoingEmail {
    email(
        to,
        &texts(locale).email_changed_old_email,
        &[("new", &partly_hidden(new_email))],
    )
}

/// To the current address when a change to `new_email` is asked for.
pub fn change_asked(locale: Locale, to: &str, new_email: &str) -> OutgoingEmail {
    email(
        to,
        &texts(locale).email_change_asked_email,
        &[("new", &partly_hidden(new_email))],
    )
}

/// To the account's address when the personal details were saved.
pub fn details_changed(locale: Locale, to: &str) -> OutgoingEmail {
    email(to, &texts(locale).details_changed_email, &[])
}

/// To the new address once the change is made.
pub fn changed_to(locale: Locale, to: &str) -> OutgoingEmail {
    email(to, &texts(locale).email_changed_new_email, &[])
}

/// `ana@example.com` as `a***@example.com`.
pub fn partly_hidden(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_address_sees_only_the_first_letter_and_domain_of_the_new_one() {
        assert_eq!(partly_hidden("ana.maria@example.com"), "a***@example.com");
        let mail = changed_from(Locale::En, "old@example.com", "secret@example.org");
        assert!(mail.body.contains("s***@example.org"), "{}", mail.body);
        assert!(!mail.body.contains("secret"), "{}", mail.body);
        assert!(change_code(Locale::Es, "n@example.com", "123456", 10)
            .body
            .contains("123456"));
    }
}
