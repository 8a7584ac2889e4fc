//! SECURITY.md item 25: every notice of a security-relevant change (password, reset, factors,
//! backup codes, email address, personal details, a new browser) tells the owner, in every
//! language, what to do if it was not them. The server tests prove each change sends its notice
//! to the old and the new address; this one proves no notice lacks the way out.
#![cfg(feature = "ssr")]

use app::{
    accounts::{self, model::AuthMethod},
    i18n::Locale,
    infra::outbox::OutgoingEmail,
    mfa, profile, recovery,
};

const OWNER: &str = "owner@example.com";
const NEW_ADDRESS: &str = "new@example.com";
const BASE_URL: &str = "https://caseport.example";

fn notices(locale: Locale) -> Vec<(String, OutgoingEmail)> {
    let mut notices = vec![
        (
            "password changed",
            accounts::emails::password_changed(locale, OWNER),
        ),
        (
            "new browser",
            accounts::emails::new_sign_in(
                locale,
                OWNER,
                "today",
                Some("Firefox"),
                None,
                "https://caseport.example/report?token=x",
            ),
        ),
        (
            "password reset",
            recovery::emails::password_reset(locale, OWNER, BASE_URL),
        ),
        (
            "authenticator added",
            mfa::emails::factor_added(locale, OWNER),
        ),
        (
            "phone added",
            mfa::emails::phone_added(locale, OWNER, "0123"),
        ),
        (
            "email codes added",
            mfa::emails::email_codes_added(locale, OWNER),
        ),
        (
            "passkey added",
            mfa::emails::passkey_added(locale, OWNER, "Desk key"),
        ),
        (
            "backup codes made",
            mfa::emails::backup_codes_made(locale, OWNER),
        ),
        (
            "backup code used",
            mfa::emails::backup_code_used(locale, OWNER, 9),
        ),
        (
            "authenticator code replayed",
            mfa::emails::code_replayed(locale, OWNER),
        ),
        (
            "email change asked (old address)",
            profile::emails::change_asked(locale, OWNER, NEW_ADDRESS),
        ),
        (
            "email changed (old address)",
            profile::emails::changed_from(locale, OWNER, NEW_ADDRESS),
        ),
        (
            "email changed (new address)",
            profile::emails::changed_to(locale, NEW_ADDRESS),
        ),
        (
            "personal details changed",
            profile::emails::details_changed(locale, OWNER),
        ),
    ]
    .into_iter()
    .map(|(what, mail)| (what.to_owned(), mail))
    .collect::<Vec<_>>();
    for method in AuthMethod::ALL {
        notices.push((
            format!("{} removed", method.as_str()),
            mfa::emails::factor_removed(locale, OWNER, method),
        ));
    }
    notices
}

#[test]
fn item25_every_security_change_notice_says_what_to_do_if_it_was_not_you() {
    for locale in Locale::ALL {
        let (not_you, contact) = match locale {
            Locale::En => (
                ["If this was not you", "If you did not"],
                ["Caseport support", "password"],
            ),
            Locale::Es => (
                ["Si no fue usted", "Si usted no"],
                ["soporte de Caseport", "contraseña"],
            ),
        };
        for (what, mail) in notices(locale) {
            assert!(
                mail.to == OWNER || mail.to == NEW_ADDRESS,
                "{locale:?} {what}: sent to {}",
                mail.to
            );
            assert!(
                not_you.iter().any(|phrase| mail.body.contains(phrase)),
                "{locale:?} {what} does not say what to do if it was not them: {}",
                mail.body
            );
            assert!(
                contact.iter().any(|way| mail.body.contains(way)),
                "{locale:?} {what} names no way out (support or the password): {}",
                mail.body
            );
            assert!(!mail.subject.is_empty(), "{locale:?} {what} has a subject");
        }
    }
}
