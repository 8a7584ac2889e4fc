//! The emails the accounts domain sends, in every language Caseport speaks. Each function renders
//! one message; the outbox delivers it.

use crate::{i18n::Locale, infra::outbox::OutgoingEmail};

/// The six-digit code that proves a registrant can read the mailbox.
pub fn verification_code(locale: Locale, to: &str, code: &str, minutes: i64) -> OutgoingEmail {
    let (subject, body) = match locale {
        Locale::En => (
            "Your Caseport verification code".to_owned(),
            format!(
                "Your verification code is {code}\n\nIt expires in {minutes} minutes. If you did not \
                 try to create a Caseport account, you can ignore this email.\n"
            ),
        ),
        Locale::Es => (
            "Su código de verificación de Caseport".to_owned(),
            format!(
                "Su código de verificación es {code}\n\nCaduca en {minutes} minutos. Si no intentó \
                 crear una cuenta de Caseport, puede ignorar este correo.\n\n(English) Your \
                 verification code is {code}\n"
            ),
        ),
    };
    OutgoingEmail {
        to: to.to_owned(),
        subject,
        body,
    }
}

/// Sent instead of a code when someone registers an address that already has an account.
pub fn address_already_registered(locale: Locale, to: &str, base_url: &str) -> OutgoingEmail {
    let (subject, body) = match locale {
        Locale::En => (
            "Someone tried to create a Caseport account with your email".to_owned(),
            format!(
                "Someone tried to create a new Caseport account with this email address, which \
                 already has an account.\n\nIf it was you, sign in at {base_url}/sign-in instead. \
                 If it was not you, you do not need to do anything: your account has not changed.\n"
            ),
        ),
        Locale::Es => (
            "Alguien intentó crear una cuenta de Caseport con su correo".to_owned(),
            format!(
                "Alguien intentó crear una cuenta nueva de Caseport con este correo electrónico, \
                 que ya tiene una cuenta.\n\nSi fue usted, inicie sesión en {base_url}/sign-in. Si \
                 no fue usted, no tiene que hacer nada: su cuenta no ha cambiado.\n"
            ),
        ),
    };
    OutgoingEmail {
        to: to.to_owned(),
        subject,
        body,
    }
}
