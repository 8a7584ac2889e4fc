//! The languages Caseport speaks and the machinery every domain's texts use: choosing a language
//! per request, plural rules, filling values into templates, and the texts of the page frame.
//!
//! Each domain owns its texts in `<domain>/texts/` (one table per language, in a fixed-size array
//! indexed by [`Locale`], so a missing language or text is a compile error). Adding a language means
//! adding it to [`Locale`] (tag, name, plural rule) and one table file per domain; no `match` on
//! the language exists outside this module. [`Msg`] is the catalogue of messages that travel from
//! the server to the browser: one variant per domain, each holding that domain's own message enum.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt::Display;

/// A language Caseport speaks. The order is the order of every domain's text tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// Spanish.
    Es,
}

/// How many languages Caseport speaks: the length of every text table.
pub const LANGUAGES: usize = Locale::ALL.len();

/// One value per language, in [`Locale::ALL`] order.
pub type PerLocale<T> = [T; LANGUAGES];

/// What each language is called and how it counts.
struct LanguageFacts {
    tag: &'static str,
    name: &'static str,
    plural: fn(u64) -> PluralCategory,
}

static LANGUAGE_FACTS: PerLocale<LanguageFacts> = [
    LanguageFacts {
        tag: "en",
        name: "English",
        plural: english_plural,
    },
    LanguageFacts {
        tag: "es",
        name: "Español",
        plural: spanish_plural,
    },
];

impl Locale {
    /// Every language, in table order.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Es];

    /// This language's position in every text table.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// This language's entry of a per-language table.
    pub fn pick<T>(self, table: &'static PerLocale<T>) -> &'static T {
        &table[self.index()]
    }

    /// The BCP 47 tag used in `<html lang>` and the language cookie.
    pub fn tag(self) -> &'static str {
        self.pick(&LANGUAGE_FACTS).tag
    }

    /// The language's name in itself, as the language switch shows it.
    pub fn name(self) -> &'static str {
        self.pick(&LANGUAGE_FACTS).name
    }

    /// The plural category of `n` in this language (CLDR cardinal rules for whole numbers).
    pub fn plural_category(self, n: u64) -> PluralCategory {
        (self.pick(&LANGUAGE_FACTS).plural)(n)
    }

    /// Parses a tag as stored in the language cookie.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.trim();
        Locale::ALL
            .into_iter()
            .find(|locale| locale.tag().eq_ignore_ascii_case(tag))
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

    /// The texts of the page frame in this language.
    pub fn common(self) -> &'static CommonTexts {
        self.pick(&COMMON_TEXTS)
    }
}

/// The CLDR plural categories a language may use for whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    /// Singular in most languages.
    One,
    /// Dual (e.g. Arabic, Welsh).
    Two,
    /// Paucal (e.g. Polish 2–4).
    Few,
    /// Large or round numbers (e.g. Spanish millions).
    Many,
    /// Everything else.
    Other,
}

fn english_plural(n: u64) -> PluralCategory {
    if n == 1 {
        PluralCategory::One
    } else {
        PluralCategory::Other
    }
}

fn spanish_plural(n: u64) -> PluralCategory {
    match n {
        1 => PluralCategory::One,
        n if n != 0 && n % 1_000_000 == 0 => PluralCategory::Many,
        _ => PluralCategory::Other,
    }
}

/// A text that depends on a count: the template for each plural category the language uses
/// (`{n}` is the count). Categories a language does not list fall back to `other`.
#[derive(Debug, Clone, Copy)]
pub struct Plural {
    /// The singular form.
    pub one: &'static str,
    /// Extra forms some languages have (category and template).
    pub extra: &'static [(PluralCategory, &'static str)],
    /// Every other count.
    pub other: &'static str,
}

impl Plural {
    /// Two forms, as English and Spanish use for most words.
    pub const fn new(one: &'static str, other: &'static str) -> Self {
        Plural {
            one,
            extra: &[],
            other,
        }
    }

    /// The text for `n` in `locale`, with `{n}` and the other `values` filled in.
    pub fn format(&self, locale: Locale, n: u64, values: &[(&str, &dyn Display)]) -> String {
        let template = match locale.plural_category(n) {
            PluralCategory::One => self.one,
            PluralCategory::Other => self.other,
            category => self
                .extra
                .iter()
                .find(|(c, _)| *c == category)
                .map_or(self.other, |(_, t)| t),
        };
        let mut all: Vec<(&str, &dyn Display)> = vec![("n", &n)];
        all.extend_from_slice(values);
        fill(template, &all)
    }
}

/// Replaces each `{name}` in `template` with its value; unknown names are left as written.
pub fn fill(template: &str, values: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (close, v))
        }) {
            Some((close, value)) => {
                out.push_str(&value.to_string());
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An email's subject and body templates.
#[derive(Debug, Clone, Copy)]
pub struct EmailText {
    /// The subject line.
    pub subject: &'static str,
    /// The plain-text body.
    pub body: &'static str,
}

/// The language of the current page, from context.
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_else(document_locale)
}

/// The language of the page in the browser, from `<html lang>`: islands are hydrated without the
/// server's context, so they read it from the page the server rendered.
pub fn document_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|tag| Locale::from_tag(&tag))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Locale::default()
    }
}

/// The page-frame texts of the current page's language.
pub fn use_common() -> &'static CommonTexts {
    use_locale().common()
}

/// A message that may carry values, sent from the server or made in the browser: the catalogue of
/// every domain's messages. Domains build their own variant (`AccountsMsg::EmailInvalid.into()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Msg {
    /// Messages of the frame and of errors any domain may return.
    Common(CommonMsg),
    /// Registration, passwords, emailed codes, sign-in.
    Accounts(crate::accounts::texts::AccountsMsg),
    /// Second factors.
    Mfa(crate::mfa::texts::MfaMsg),
    /// Password recovery.
    Recovery(crate::recovery::texts::RecoveryMsg),
    /// Personal details and the change of address.
    Profile(crate::profile::texts::ProfileMsg),
    /// Cases, receipt numbers and their statuses.
    Cases(crate::cases::texts::CasesMsg),
    /// The officers' console.
    Officer(crate::officer::texts::OfficerMsg),
    /// The notification centre.
    Notifications(crate::notifications::texts::NotificationsMsg),
    /// The support desk.
    Support(crate::support::texts::SupportMsg),
    /// Staff accounts and invitations.
    Staff(crate::personnel::texts::StaffMsg),
}

impl Msg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            Msg::Common(msg) => msg.text(locale),
            Msg::Accounts(msg) => msg.text(locale),
            Msg::Mfa(msg) => msg.text(locale),
            Msg::Recovery(msg) => msg.text(locale),
            Msg::Profile(msg) => msg.text(locale),
            Msg::Cases(msg) => msg.text(locale),
            Msg::Officer(msg) => msg.text(locale),
            Msg::Notifications(msg) => msg.text(locale),
            Msg::Support(msg) => msg.text(locale),
            Msg::Staff(msg) => msg.text(locale),
        }
    }
}

impl From<CommonMsg> for Msg {
    fn from(msg: CommonMsg) -> Self {
        Msg::Common(msg)
    }
}

/// Messages any domain may show: what errors say, whatever domain returned them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommonMsg {
    /// A required field was left empty.
    Required,
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
    /// A sensitive change needs a recent full sign-in.
    ReauthRequired,
    /// The current password given to confirm a change is wrong.
    CurrentPasswordWrong,
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
}

impl CommonMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = locale.common();
        match self {
            CommonMsg::Required => t.required.to_owned(),
            CommonMsg::InvalidCredentials => t.invalid_credentials.to_owned(),
            CommonMsg::RateLimited { retry_after } => {
                t.rate_limited
                    .format(locale, retry_after.div_ceil(60).max(1), &[])
            }
            CommonMsg::SignInRequired => t.sign_in_required.to_owned(),
            CommonMsg::SessionExpired => t.session_expired.to_owned(),
            CommonMsg::Forbidden => t.forbidden.to_owned(),
            CommonMsg::ReauthRequired => t.reauth_required.to_owned(),
            CommonMsg::CurrentPasswordWrong => t.current_password_wrong.to_owned(),
            CommonMsg::NotFound => t.not_found.to_owned(),
            CommonMsg::BadRequest => t.bad_request.to_owned(),
            CommonMsg::TooLarge => t.too_large.to_owned(),
            CommonMsg::Unavailable { retry_after } => {
                t.unavailable.format(locale, *retry_after, &[])
            }
            CommonMsg::Conflict => t.conflict.to_owned(),
            CommonMsg::Internal { correlation_id } => {
                fill(t.internal, &[("reference", correlation_id)])
            }
        }
    }
}

/// The texts of the page frame and of [`CommonMsg`] in one language.
#[allow(missing_docs)]
pub struct CommonTexts {
    pub skip_to_content: &'static str,
    pub banner: &'static str,
    pub site_name: &'static str,
    pub sign_out: &'static str,
    pub account_navigation: &'static str,
    pub idle_warning: &'static str,
    pub stay_signed_in: &'static str,
    pub footer: &'static str,
    pub there_is_a_problem: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub loading: &'static str,
    /// Shown by `public/navigate.js` when a form's request got no answer.
    pub not_sent: &'static str,
    /// Shown by `public/navigate.js` when the server answered a form with something not a page.
    pub not_completed: &'static str,
    pub required: &'static str,
    pub invalid_credentials: &'static str,
    /// `{n}`: whole minutes to wait.
    pub rate_limited: Plural,
    pub sign_in_required: &'static str,
    pub session_expired: &'static str,
    pub forbidden: &'static str,
    pub reauth_required: &'static str,
    pub current_password_wrong: &'static str,
    pub not_found: &'static str,
    pub bad_request: &'static str,
    pub too_large: &'static str,
    /// `{n}`: seconds to wait.
    pub unavailable: Plural,
    pub conflict: &'static str,
    /// `{reference}`: the correlation id.
    pub internal: &'static str,
}

static COMMON_TEXTS: PerLocale<CommonTexts> = [
    CommonTexts {
        skip_to_content: "Skip to main content",
        banner: "A self-hosted Caseport service. Official websites use HTTPS.",
        site_name: "Caseport",
        sign_out: "Sign out",
        account_navigation: "Account",
        idle_warning: "You have been inactive for a while. For your security you will be signed out in 2 minutes.",
        stay_signed_in: "Stay signed in",
        footer: "Caseport — your online account for immigration and benefits cases.",
        there_is_a_problem: "There is a problem",
        not_found_title: "Page not found",
        not_found_text: "We could not find the page you were looking for.",
        loading: "Loading…",
        not_sent: "We could not reach Caseport, so your answers may not have been sent. Check your connection and try again.",
        not_completed: "We could not complete this request. Try again.",
        required: "This field is required.",
        invalid_credentials: "The email address or password you entered is not correct.",
        rate_limited: Plural::new(
            "Too many attempts. Try again in 1 minute.",
            "Too many attempts. Try again in {n} minutes.",
        ),
        sign_in_required: "Sign in to continue.",
        session_expired: "Your session ended because you were inactive. Sign in again.",
        forbidden: "You are not allowed to do that.",
        reauth_required: "For your security, confirm it is you (password and second step) before making this change.",
        current_password_wrong: "Your current password is not correct. Nothing was changed.",
        not_found: "We could not find that.",
        bad_request: "Something in the form was missing or malformed. Try again.",
        too_large: "What you sent is too large.",
        unavailable: Plural::new(
            "The service is very busy. Try again in 1 second.",
            "The service is very busy. Try again in {n} seconds.",
        ),
        conflict: "That already exists.",
        internal: "Something went wrong on our side. Try again later. Reference: {reference}",
    },
    CommonTexts {
        skip_to_content: "Saltar al contenido principal",
        banner: "Un servicio Caseport autoalojado. Los sitios oficiales usan HTTPS.",
        site_name: "Caseport",
        sign_out: "Cerrar sesión",
        account_navigation: "Cuenta",
        idle_warning: "Ha estado inactivo por un tiempo. Por su seguridad, su sesión se cerrará en 2 minutos.",
        stay_signed_in: "Seguir conectado",
        footer: "Caseport — su cuenta en línea para casos de inmigración y beneficios.",
        there_is_a_problem: "Hay un problema",
        not_found_title: "Página no encontrada",
        not_found_text: "No pudimos encontrar la página que buscaba.",
        loading: "Cargando…",
        not_sent: "No pudimos comunicarnos con Caseport, así que es posible que sus respuestas no se hayan enviado. Compruebe su conexión e inténtelo de nuevo.",
        not_completed: "No pudimos completar esta solicitud. Inténtelo de nuevo.",
        required: "Este campo es obligatorio.",
        invalid_credentials:
            "El correo electrónico o la contraseña que introdujo no son correctos.",
        rate_limited: Plural::new(
            "Demasiados intentos. Inténtelo de nuevo en 1 minuto.",
            "Demasiados intentos. Inténtelo de nuevo en {n} minutos.",
        ),
        sign_in_required: "Inicie sesión para continuar.",
        session_expired: "Su sesión terminó por inactividad. Inicie sesión de nuevo.",
        forbidden: "No tiene permiso para hacer eso.",
        reauth_required: "Por su seguridad, confirme que es usted (contraseña y segundo paso) antes de hacer este cambio.",
        current_password_wrong: "Su contraseña actual no es correcta. No se cambió nada.",
        not_found: "No pudimos encontrar eso.",
        bad_request: "Faltaba algo en el formulario o no era válido. Inténtelo de nuevo.",
        too_large: "Lo que envió es demasiado grande.",
        unavailable: Plural::new(
            "El servicio está muy ocupado. Inténtelo de nuevo en 1 segundo.",
            "El servicio está muy ocupado. Inténtelo de nuevo en {n} segundos.",
        ),
        conflict: "Eso ya existe.",
        internal:
            "Algo salió mal de nuestro lado. Inténtelo de nuevo más tarde. Referencia: {reference}",
    },
];

/// A moment (Unix seconds, UTC) as a date written out in `locale`: "September 5, 2023" /
/// "5 de septiembre de 2023". Month names live in the cases catalogue.
#[cfg(feature = "ssr")]
pub fn long_date(unix: i64, locale: Locale) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    crate::cases::texts::catalogue(locale).long_date(t.year(), u8::from(t.month()), t.day())
}

/// A moment in the reader's language, to the minute, in UTC: "September 5, 2023, 14:28 UTC".
#[cfg(feature = "ssr")]
pub fn long_date_time(unix: i64, locale: Locale) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{}, {:02}:{:02} UTC",
        long_date(unix, locale),
        t.hour(),
        t.minute()
    )
}

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
        assert_eq!(Locale::from_accept_language("es;q=0, en;q=0.1"), Locale::En);
    }

    #[test]
    fn tags_round_trip_and_every_language_has_its_own_name() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
            assert_eq!(Locale::ALL[locale.index()], locale);
        }
        assert_eq!(Locale::from_tag(" ES "), Some(Locale::Es));
        assert_eq!(Locale::from_tag("fr"), None);
        assert_ne!(Locale::En.name(), Locale::Es.name());
    }

    #[test]
    fn plural_rules_follow_cldr_for_whole_numbers() {
        assert_eq!(Locale::En.plural_category(1), PluralCategory::One);
        assert_eq!(Locale::En.plural_category(0), PluralCategory::Other);
        assert_eq!(Locale::En.plural_category(2), PluralCategory::Other);
        assert_eq!(Locale::Es.plural_category(1), PluralCategory::One);
        assert_eq!(Locale::Es.plural_category(5), PluralCategory::Other);
        assert_eq!(Locale::Es.plural_category(0), PluralCategory::Other);
        assert_eq!(Locale::Es.plural_category(2_000_000), PluralCategory::Many);
    }

    #[test]
    fn plurals_pick_the_form_for_the_count_and_fall_back_to_other() {
        let minutes = Plural::new("in 1 minute", "in {n} minutes");
        assert_eq!(minutes.format(Locale::En, 1, &[]), "in 1 minute");
        assert_eq!(minutes.format(Locale::En, 3, &[]), "in 3 minutes");
        assert_eq!(
            minutes.format(Locale::Es, 1_000_000, &[]),
            "in 1000000 minutes"
        );
        let with_many = Plural {
            one: "un millón",
            extra: &[(PluralCategory::Many, "{n} de algo")],
            other: "{n} algos",
        };
        assert_eq!(
            with_many.format(Locale::Es, 2_000_000, &[]),
            "2000000 de algo"
        );
        assert_eq!(with_many.format(Locale::Es, 7, &[]), "7 algos");
    }

    #[test]
    fn fill_replaces_known_names_and_keeps_the_rest() {
        assert_eq!(
            fill("{a} and {b} but {c}", &[("a", &1), ("b", &"two")]),
            "1 and two but {c}"
        );
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("no values", &[("a", &1)]), "no values");
    }

    #[test]
    fn every_common_message_differs_between_languages_and_carries_its_values() {
        let samples = [
            CommonMsg::Required,
            CommonMsg::InvalidCredentials,
            CommonMsg::RateLimited { retry_after: 61 },
            CommonMsg::Unavailable { retry_after: 1 },
            CommonMsg::Internal {
                correlation_id: "abc123".into(),
            },
        ];
        for msg in samples {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
        assert!(CommonMsg::Internal {
            correlation_id: "abc123".into()
        }
        .text(Locale::Es)
        .ends_with("abc123"));
    }

    #[test]
    fn rate_limit_message_rounds_up_to_whole_minutes_with_the_right_plural() {
        let text = |s| CommonMsg::RateLimited { retry_after: s }.text(Locale::En);
        assert!(text(61).contains("2 minutes"), "{}", text(61));
        assert!(text(30).contains("1 minute."), "{}", text(30));
        assert!(CommonMsg::RateLimited { retry_after: 60 }
            .text(Locale::Es)
            .contains("1 minuto."));
    }
}
