//! Every user-visible text in English and Spanish, and the choice of language per request.
//!
//! Static texts live in [`Strings`] (one complete table per language, so a missing translation is a
//! compile error); texts with values or that travel from the server (errors, notices) are [`Msg`].

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A language Caseport speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Locale {
    /// The BCP 47 tag used in `<html lang>` and the language cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }

    /// Parses a tag as stored in the language cookie.
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "es" => Some(Locale::Es),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header (quality values honoured).
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let quality = pieces
                .find_map(|p| {
                    let (name, value) = p.trim().split_once('=')?;
                    name.trim().eq_ignore_ascii_case("q").then(|| value.trim())
                })
                .map_or(Some(1.0), |q| q.parse::<f32>().ok())
                .unwrap_or(0.0);
            // q=0 means "not acceptable" (RFC 9110 §12.4.2), not "least preferred".
            if quality <= 0.0 {
                continue;
            }
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(locale) = Locale::from_tag(primary) {
                if best.is_none_or(|(q, _)| quality > q) {
                    best = Some((quality, locale));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// The other language, offered by the language switch.
    pub fn other(self) -> Self {
        match self {
            Locale::En => Locale::Es,
            Locale::Es => Locale::En,
        }
    }

    /// The static texts in this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Locale::En => &EN,
            Locale::Es => &ES,
        }
    }
}

/// The language of the current page, from context.
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The static texts of the current page's language.
pub fn use_strings() -> &'static Strings {
    use_locale().strings()
}

/// A message that may carry values, sent from the server or made in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Msg {
    /// The email address is not a valid address.
    EmailInvalid,
    /// A required field was left empty.
    Required,
    /// The password is shorter than the minimum.
    PasswordTooShort {
        /// Minimum length in characters.
        min: usize,
    },
    /// The password is longer than the maximum.
    PasswordTooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// How long a password must be, from this server's policy.
    PasswordHint {
        /// Fewest characters.
        min: usize,
        /// Most characters.
        max: usize,
    },
    /// The password is on the list of common or breached passwords.
    PasswordCommon,
    /// The password is (a variant of) the email address or the service's name.
    PasswordContext,
    /// The two password fields differ.
    PasswordMismatch,
    /// The same security question was picked twice.
    QuestionsMustDiffer,
    /// A security question id that is not on the list.
    QuestionUnknown,
    /// A security answer is too short.
    AnswerTooShort {
        /// Minimum length in characters.
        min: usize,
    },
    /// A security answer is too long.
    AnswerTooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// A code must be exactly six digits.
    CodeFormat,
    /// The code is wrong or has expired.
    CodeInvalid,
    /// The authenticator code was already used for a sign-in.
    CodeReused,
    /// Email and password did not match.
    InvalidCredentials,
    /// Too many attempts.
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// A page or action that needs a signed-in session.
    SignInRequired,
    /// The session ended.
    SessionExpired,
    /// Not allowed.
    Forbidden,
    /// Not found.
    NotFound,
    /// Malformed request.
    BadRequest,
    /// The request was too large.
    TooLarge,
    /// The server is too busy; try again shortly.
    Unavailable {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Already exists.
    Conflict,
    /// Server failure with its correlation id.
    Internal {
        /// The id to quote to support.
        correlation_id: String,
    },
    /// A new verification code was sent.
    CodeSent,
    /// Sign-out finished.
    SignedOut,
}

impl Msg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let es = locale == Locale::Es;
        match self {
            Msg::EmailInvalid => pick(es, "Enter an email address in the format name@example.com.", "Introduzca un correo electrónico con el formato nombre@ejemplo.com."),
            Msg::Required => pick(es, "This field is required.", "Este campo es obligatorio."),
            Msg::PasswordTooShort { min } => if es { format!("La contraseña debe tener al menos {min} caracteres.") } else { format!("Your password must be at least {min} characters long.") },
            Msg::PasswordTooLong { max } => if es { format!("La contraseña no puede tener más de {max} caracteres.") } else { format!("Your password must be at most {max} characters long.") },
            Msg::PasswordHint { min, max } => if es { format!("Use de {min} a {max} caracteres. Varias palabras sin relación forman una contraseña fuerte; puede pegarla desde un gestor de contraseñas.") } else { format!("Use {min} to {max} characters. A few unrelated words make a strong password; you may paste from a password manager.") },
            Msg::PasswordCommon => pick(es, "This password is too common: it appears in lists of breached passwords. Choose a different one.", "Esta contraseña es demasiado común: aparece en listas de contraseñas filtradas. Elija otra."),
            Msg::PasswordContext => pick(es, "Your password must not be your email address or the name of this service.", "La contraseña no puede ser su correo electrónico ni el nombre de este servicio."),
            Msg::PasswordMismatch => pick(es, "The passwords do not match.", "Las contraseñas no coinciden."),
            Msg::QuestionsMustDiffer => pick(es, "Choose three different security questions.", "Elija tres preguntas de seguridad diferentes."),
            Msg::QuestionUnknown => pick(es, "Choose a security question from the list.", "Elija una pregunta de seguridad de la lista."),
            Msg::AnswerTooShort { min } => if es { format!("La respuesta debe tener al menos {min} caracteres.") } else { format!("Your answer must be at least {min} characters long.") },
            Msg::AnswerTooLong { max } => if es { format!("La respuesta no puede tener más de {max} caracteres.") } else { format!("Your answer must be at most {max} characters long.") },
            Msg::CodeFormat => pick(es, "Enter the 6-digit code.", "Introduzca el código de 6 dígitos."),
            Msg::CodeInvalid => pick(es, "That code is not correct or has expired.", "Ese código no es correcto o ha caducado."),
            Msg::CodeReused => pick(es, "That code has already been used. Wait for your app to show a new code.", "Ese código ya se ha utilizado. Espere a que su aplicación muestre un código nuevo."),
            Msg::InvalidCredentials => pick(es, "The email address or password you entered is not correct.", "El correo electrónico o la contraseña que introdujo no son correctos."),
            Msg::RateLimited { retry_after } => if es { format!("Demasiados intentos. Inténtelo de nuevo en {} minuto(s).", minutes(*retry_after)) } else { format!("Too many attempts. Try again in {} minute(s).", minutes(*retry_after)) },
            Msg::SignInRequired => pick(es, "Sign in to continue.", "Inicie sesión para continuar."),
            Msg::SessionExpired => pick(es, "Your session ended because you were inactive. Sign in again.", "Su sesión terminó por inactividad. Inicie sesión de nuevo."),
            Msg::Forbidden => pick(es, "You are not allowed to do that.", "No tiene permiso para hacer eso."),
            Msg::NotFound => pick(es, "We could not find that.", "No pudimos encontrar eso."),
            Msg::BadRequest => pick(es, "Something in the form was missing or malformed. Try again.", "Faltaba algo en el formulario o no era válido. Inténtelo de nuevo."),
            Msg::TooLarge => pick(es, "What you sent is too large.", "Lo que envió es demasiado grande."),
            Msg::Unavailable { retry_after } => if es { format!("El servicio está muy ocupado. Inténtelo de nuevo en {retry_after} segundos.") } else { format!("The service is very busy. Try again in {retry_after} seconds.") },
            Msg::Conflict => pick(es, "That already exists.", "Eso ya existe."),
            Msg::Internal { correlation_id } => if es { format!("Algo salió mal de nuestro lado. Inténtelo de nuevo más tarde. Referencia: {correlation_id}") } else { format!("Something went wrong on our side. Try again later. Reference: {correlation_id}") },
            Msg::CodeSent => pick(es, "If the address can receive email, a new code is on its way.", "Si la dirección puede recibir correo, va en camino un código nuevo."),
            Msg::SignedOut => pick(es, "You have signed out.", "Ha cerrado la sesión."),
        }
    }
}

fn pick(es: bool, en_text: &str, es_text: &str) -> String {
    if es { es_text } else { en_text }.to_owned()
}

fn minutes(seconds: u64) -> u64 {
    seconds.div_ceil(60).max(1)
}

/// The static texts of one language; each field is named after the place it appears.
#[allow(missing_docs)]
pub struct Strings {
    pub skip_to_content: &'static str,
    pub banner: &'static str,
    pub site_name: &'static str,
    pub switch_language: &'static str,
    pub sign_out: &'static str,
    pub account_navigation: &'static str,
    pub footer: &'static str,
    pub landing_title: &'static str,
    pub landing_intro: &'static str,
    pub create_account: &'static str,
    pub sign_in: &'static str,
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub email: &'static str,
    pub email_hint: &'static str,
    pub password: &'static str,
    pub confirm_password: &'static str,
    pub security_questions: &'static str,
    pub security_questions_hint: &'static str,
    pub security_question_n: [&'static str; 3],
    pub answer_n: [&'static str; 3],
    pub choose_question: &'static str,
    pub create_account_button: &'static str,
    pub there_is_a_problem: &'static str,
    pub password_ok: &'static str,
    pub strength_labels: [&'static str; 5],
    pub strength_prefix: &'static str,
    pub characters_count: &'static str,
    pub verify_title: &'static str,
    pub verify_intro: &'static str,
    pub verification_code: &'static str,
    pub verification_code_hint: &'static str,
    pub verify_button: &'static str,
    pub resend_button: &'static str,
    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub setup_step_scan: &'static str,
    pub qr_alt: &'static str,
    pub setup_manual: &'static str,
    pub auth_code: &'static str,
    pub auth_code_hint: &'static str,
    pub setup_confirm: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub no_account: &'static str,
    pub code_title: &'static str,
    pub code_intro: &'static str,
    pub code_verify: &'static str,
    pub account_title: &'static str,
    pub account_intro: &'static str,
    pub profile: &'static str,
    pub profile_title: &'static str,
    pub account_number: &'static str,
    pub account_number_hint: &'static str,
    pub copy_account_number: &'static str,
    pub copied: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub loading: &'static str,
    pub security_question_texts: [&'static str; 8],
}

/// English texts.
pub static EN: Strings = Strings {
    skip_to_content: "Skip to main content",
    banner: "A self-hosted Caseport service. Official websites use HTTPS.",
    site_name: "Caseport",
    switch_language: "Español",
    sign_out: "Sign out",
    account_navigation: "Account",
    footer: "Caseport — your online account for immigration and benefits cases.",
    landing_title: "Your Caseport account",
    landing_intro: "Follow your cases, read notices and write to officers securely. Every account is protected by two-factor authentication.",
    create_account: "Create an account",
    sign_in: "Sign in",
    register_title: "Create your account",
    register_intro: "You will confirm your email address and set up an authentication app next.",
    email: "Email address",
    email_hint: "We send a verification code to this address.",
    password: "Password",
    confirm_password: "Confirm password",
    security_questions: "Security questions",
    security_questions_hint: "These are an extra check if you ever need to recover your account. Answers are not case-sensitive.",
    security_question_n: ["Security question 1", "Security question 2", "Security question 3"],
    answer_n: ["Answer 1", "Answer 2", "Answer 3"],
    choose_question: "- Select a question -",
    create_account_button: "Create account",
    there_is_a_problem: "There is a problem",
    password_ok: "This password can be used.",
    strength_labels: ["very weak", "weak", "fair", "strong", "very strong"],
    strength_prefix: "Strength:",
    characters_count: "characters",
    verify_title: "Check your email",
    verify_intro: "If the address you entered can receive email, we sent it a 6-digit code. It expires in 10 minutes.",
    verification_code: "Verification code",
    verification_code_hint: "For example, 123456",
    verify_button: "Verify email",
    resend_button: "Send a new code",
    setup_title: "Set up an authentication app",
    setup_intro: "Caseport requires a second step every time you sign in. Use an authentication app such as Google Authenticator, Microsoft Authenticator or 1Password.",
    setup_step_scan: "Scan this QR code with your app:",
    qr_alt: "QR code for your authentication app",
    setup_manual: "Or enter this key in your app:",
    auth_code: "Authentication code",
    auth_code_hint: "Enter the 6-digit code your app shows.",
    setup_confirm: "Confirm and continue",
    sign_in_title: "Sign in",
    sign_in_intro: "Sign in with your email address and password, then the code from your authentication app.",
    no_account: "No account yet?",
    code_title: "Enter your authentication code",
    code_intro: "Open your authentication app and enter the 6-digit code it shows for Caseport.",
    code_verify: "Verify",
    account_title: "Your account",
    account_intro: "Your cases, notices and messages will appear here.",
    profile: "Profile",
    profile_title: "Profile",
    account_number: "Online account number",
    account_number_hint: "Quote this number on paper forms so they are linked to your online account.",
    copy_account_number: "Copy account number",
    copied: "Copied.",
    not_found_title: "Page not found",
    not_found_text: "We could not find the page you were looking for.",
    loading: "Loading…",
    security_question_texts: [
        "What was the name of your first school?",
        "In what city did your parents meet?",
        "What was the make of your first car?",
        "What is the name of a teacher who influenced you?",
        "What was your childhood nickname?",
        "What street did you live on in third grade?",
        "What is the middle name of your oldest sibling?",
        "What was the name of your first employer?",
    ],
};

/// Spanish texts.
pub static ES: Strings = Strings {
    skip_to_content: "Saltar al contenido principal",
    banner: "Un servicio Caseport autoalojado. Los sitios oficiales usan HTTPS.",
    site_name: "Caseport",
    switch_language: "English",
    sign_out: "Cerrar sesión",
    account_navigation: "Cuenta",
    footer: "Caseport — su cuenta en línea para casos de inmigración y beneficios.",
    landing_title: "Su cuenta de Caseport",
    landing_intro: "Siga sus casos, lea avisos y escriba a los oficiales de forma segura. Cada cuenta está protegida con autenticación de dos factores.",
    create_account: "Crear una cuenta",
    sign_in: "Iniciar sesión",
    register_title: "Cree su cuenta",
    register_intro: "A continuación confirmará su correo electrónico y configurará una aplicación de autenticación.",
    email: "Correo electrónico",
    email_hint: "Enviaremos un código de verificación a esta dirección.",
    password: "Contraseña",
    confirm_password: "Confirmar contraseña",
    security_questions: "Preguntas de seguridad",
    security_questions_hint: "Son una comprobación adicional si alguna vez necesita recuperar su cuenta. Las respuestas no distinguen mayúsculas.",
    security_question_n: ["Pregunta de seguridad 1", "Pregunta de seguridad 2", "Pregunta de seguridad 3"],
    answer_n: ["Respuesta 1", "Respuesta 2", "Respuesta 3"],
    choose_question: "- Seleccione una pregunta -",
    create_account_button: "Crear cuenta",
    there_is_a_problem: "Hay un problema",
    password_ok: "Esta contraseña se puede usar.",
    strength_labels: ["muy débil", "débil", "aceptable", "fuerte", "muy fuerte"],
    strength_prefix: "Seguridad:",
    characters_count: "caracteres",
    verify_title: "Revise su correo electrónico",
    verify_intro: "Si la dirección que introdujo puede recibir correo, le enviamos un código de 6 dígitos. Caduca en 10 minutos.",
    verification_code: "Código de verificación",
    verification_code_hint: "Por ejemplo, 123456",
    verify_button: "Verificar correo",
    resend_button: "Enviar un código nuevo",
    setup_title: "Configure una aplicación de autenticación",
    setup_intro: "Caseport exige un segundo paso cada vez que inicia sesión. Use una aplicación como Google Authenticator, Microsoft Authenticator o 1Password.",
    setup_step_scan: "Escanee este código QR con su aplicación:",
    qr_alt: "Código QR para su aplicación de autenticación",
    setup_manual: "O introduzca esta clave en su aplicación:",
    auth_code: "Código de autenticación",
    auth_code_hint: "Introduzca el código de 6 dígitos que muestra su aplicación.",
    setup_confirm: "Confirmar y continuar",
    sign_in_title: "Iniciar sesión",
    sign_in_intro: "Inicie sesión con su correo electrónico y contraseña y luego con el código de su aplicación de autenticación.",
    no_account: "¿Todavía no tiene cuenta?",
    code_title: "Introduzca su código de autenticación",
    code_intro: "Abra su aplicación de autenticación e introduzca el código de 6 dígitos que muestra para Caseport.",
    code_verify: "Verificar",
    account_title: "Su cuenta",
    account_intro: "Aquí aparecerán sus casos, avisos y mensajes.",
    profile: "Perfil",
    profile_title: "Perfil",
    account_number: "Número de cuenta en línea",
    account_number_hint: "Indique este número en los formularios en papel para vincularlos a su cuenta en línea.",
    copy_account_number: "Copiar número de cuenta",
    copied: "Copiado.",
    not_found_title: "Página no encontrada",
    not_found_text: "No pudimos encontrar la página que buscaba.",
    loading: "Cargando…",
    security_question_texts: [
        "¿Cómo se llamaba su primera escuela?",
        "¿En qué ciudad se conocieron sus padres?",
        "¿De qué marca era su primer automóvil?",
        "¿Cómo se llama un maestro que le influyó?",
        "¿Cuál era su apodo de niño?",
        "¿En qué calle vivía en tercer grado?",
        "¿Cuál es el segundo nombre de su hermano mayor?",
        "¿Cómo se llamaba su primer empleador?",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_quality_supported_language() {
        assert_eq!(
            Locale::from_accept_language("es-MX,es;q=0.9,en;q=0.8"),
            Locale::Es
        );
        assert_eq!(
            Locale::from_accept_language("fr-FR,en;q=0.5,es;q=0.7"),
            Locale::Es
        );
        assert_eq!(Locale::from_accept_language("fr"), Locale::En);
        assert_eq!(Locale::from_accept_language(""), Locale::En);
    }

    #[test]
    fn every_message_has_distinct_english_and_spanish_text() {
        let samples = [
            Msg::EmailInvalid,
            Msg::PasswordTooShort { min: 12 },
            Msg::PasswordCommon,
            Msg::CodeReused,
            Msg::InvalidCredentials,
            Msg::RateLimited { retry_after: 61 },
            Msg::SignedOut,
        ];
        for msg in samples {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
    }

    #[test]
    fn rate_limit_message_rounds_up_to_whole_minutes() {
        assert!(Msg::RateLimited { retry_after: 61 }
            .text(Locale::En)
            .contains("2 minute"));
    }
}
