//! The support desk in Spanish.

use super::SupportTexts;

pub(super) const TEXTS: SupportTexts = SupportTexts {
    title: "Mesa de soporte",
    intro: "Busque una cuenta por su correo electrónico o número de cuenta en línea, o una presentación en papel por su número de recibo. Cada búsqueda queda registrada.",
    query: "Correo electrónico, número de cuenta en línea o número de recibo",
    query_hint: "Por ejemplo nombre@example.com, 1234 5678 9012 o IOE0912345678.",
    search: "Buscar",
    email: "Correo electrónico",
    account_number: "Número de cuenta en línea",
    role: "Función",
    authenticator: "Aplicación de autenticación configurada",
    yes: "Sí",
    no: "No",
    sign_in: "Inicio de sesión",
    not_paused: "Sin pausa",
    paused_until: "En pausa tras intentos fallidos hasta el {date}",
    unlock: "Levantar la pausa de inicio de sesión",
    cases: "Casos",
    none: "Ninguno",
    notice_title: "Aviso de Acceso a la Cuenta",
    receipt_number: "Número de recibo",
    code_valid_until: "Código de acceso válido hasta",
    notice_used: "Utilizado: el caso está vinculado a una cuenta.",
    reissue: "Emitir un nuevo código de acceso",
    download: "Descargar el Aviso de Acceso a la Cuenta (PDF)",
    query_invalid: "Introduzca un correo electrónico, un número de cuenta en línea de 12 dígitos o un número de recibo.",
    nothing_found: "Nada coincide con esta búsqueda.",
    unlocked: "Se levantó la pausa de inicio de sesión.",
    notice_reissued: "Se emitió un nuevo código de acceso; el anterior ya no funciona. Imprima el aviso y envíelo.",
};
