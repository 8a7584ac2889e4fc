//! The second-factor domain in Spanish.

use super::MfaTexts;
use crate::i18n::EmailText;

pub(super) const TEXTS: MfaTexts = MfaTexts {
    setup_title: "Configure una aplicación de autenticación",
    setup_intro: "Caseport exige un segundo paso cada vez que inicia sesión. Use una aplicación como Google Authenticator, Microsoft Authenticator o 1Password.",
    setup_step_scan: "Escanee este código QR con su aplicación:",
    qr_alt: "Código QR para su aplicación de autenticación",
    setup_manual: "O introduzca esta clave en su aplicación:",
    auth_code: "Código de autenticación",
    auth_code_hint: "Introduzca el código de 6 dígitos que muestra su aplicación.",
    setup_confirm: "Confirmar y continuar",
    code_title: "Introduzca su código de autenticación",
    code_intro: "Abra su aplicación de autenticación e introduzca el código de 6 dígitos que muestra para Caseport.",
    code_verify: "Verificar",
    code_invalid: "Ese código no es correcto o ha caducado.",
    code_reused: "Ese código ya se ha utilizado. Espere a que su aplicación muestre un código nuevo.",
    code_replayed_email: EmailText {
        subject: "Se intentó usar de nuevo un código de Caseport",
        body: "Alguien introdujo un código de su aplicación de autenticación que ya se había usado para iniciar sesión en su cuenta de Caseport.\n\nSi no fue usted, cambie su contraseña ahora.\n",
    },
    factor_added_email: EmailText {
        subject: "Se añadió una aplicación de autenticación a su cuenta de Caseport",
        body: "Se acaba de configurar una aplicación de autenticación para iniciar sesión en su cuenta de Caseport, y se cerraron las demás sesiones de la cuenta.\n\nSi no fue usted, alguien conoce su contraseña: comuníquese de inmediato con el soporte de Caseport.\n",
    },
};
