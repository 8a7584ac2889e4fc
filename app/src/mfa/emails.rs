//! The emails the second-factor domain sends, in every language Caseport speaks.

use crate::{i18n::Locale, infra::outbox::OutgoingEmail};

/// A code from the account's authenticator app was entered again after it had been used.
pub fn code_replayed(locale: Locale, to: &str) -> OutgoingEmail {
    let (subject, body) = match locale {
        Locale::En => (
            "A used Caseport sign-in code was tried again",
            "Someone entered a code from your authentication app that had already been used to \
             sign in to your Caseport account.\n\nIf this was not you, change your password now: \
             someone may know it and may have seen one of your codes.\n",
        ),
        Locale::Es => (
            "Se intentó usar de nuevo un código de Caseport",
            "Alguien introdujo un código de su aplicación de autenticación que ya se había usado \
             para iniciar sesión en su cuenta de Caseport.\n\nSi no fue usted, cambie su \
             contraseña ahora.\n",
        ),
    };
    OutgoingEmail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        body: body.to_owned(),
    }
}

/// An authenticator app was added to the account (sent to the account's address).
pub fn factor_added(locale: Locale, to: &str) -> OutgoingEmail {
    let (subject, body) = match locale {
        Locale::En => (
            "An authentication app was added to your Caseport account",
            "An authentication app was just set up for signing in to your Caseport account, and \
             every other session of the account was signed out.\n\nIf this was not you, someone \
             knows your password: contact Caseport support right away.\n",
        ),
        Locale::Es => (
            "Se añadió una aplicación de autenticación a su cuenta de Caseport",
            "Se acaba de configurar una aplicación de autenticación para iniciar sesión en su \
             cuenta de Caseport, y se cerraron las demás sesiones de la cuenta.\n\nSi no fue \
             usted, alguien conoce su contraseña: comuníquese de inmediato con el soporte de \
             Caseport.\n",
        ),
    };
    OutgoingEmail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        body: body.to_owned(),
    }
}
