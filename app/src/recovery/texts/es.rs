//! Password recovery in Spanish.

use super::RecoveryTexts;
use crate::i18n::EmailText;

pub(super) const TEXTS: RecoveryTexts = RecoveryTexts {
    forgot_title: "Restablezca su contraseña",
    forgot_intro: "Ingrese el correo electrónico de su cuenta. Le enviaremos un enlace para restablecer su contraseña. También necesitará sus respuestas de seguridad y su aplicación de autenticación o un código de respaldo.",
    forgot_submit: "Enviar el enlace",
    forgot_sent: "Si alguna cuenta usa ese correo, le enviamos un enlace para restablecer la contraseña. El enlace funciona una vez, durante {minutes} minutos. Revise su carpeta de correo no deseado si no llega.",
    reset_title: "Continúe restableciendo su contraseña",
    reset_intro: "Abrió un enlace para restablecer su contraseña de Caseport. Continúe para demostrar que es usted.",
    reset_continue: "Continuar",
    link_invalid: "Este enlace caducó o ya se usó. Pida uno nuevo.",
    questions_title: "Responda sus preguntas de seguridad",
    questions_intro: "Ingrese las respuestas que dio al crear su cuenta. Las mayúsculas y los espacios no importan.",
    answers_wrong: "Una o más respuestas no coinciden con las de su cuenta.",
    continue_button: "Continuar",
    factor_title: "Ingrese un código",
    factor_intro: "Ingrese el código de 6 dígitos de su aplicación de autenticación o de un código que le enviemos, o uno de sus códigos de respaldo.",
    factor_code: "Código de autenticación o código de respaldo",
    factor_code_hint: "Por ejemplo 123456, o ABCD-EFGH-JKMN-PQRS.",
    factor_lost: "Si no puede usar su aplicación de autenticación ni ningún código de respaldo, comuníquese con el soporte de Caseport.",
    new_password_title: "Elija una contraseña nueva",
    new_password_intro: "Se cerrará la sesión en todos los dispositivos conectados a su cuenta. Luego inicie sesión con su contraseña nueva.",
    new_password_submit: "Cambiar la contraseña",
    reset_email: EmailText {
        subject: "Restablezca su contraseña de Caseport",
        body: "Alguien pidió restablecer la contraseña de su cuenta de Caseport. Para elegir una contraseña nueva, abra este enlace:\n\n{link}\n\nEl enlace funciona una vez, durante {minutes} minutos. También necesitará sus respuestas de seguridad y su aplicación de autenticación o un código de respaldo.\n\nSi no lo pidió, puede ignorar este correo: su contraseña no ha cambiado.\n",
    },
    password_reset_email: EmailText {
        subject: "Se cambió su contraseña de Caseport",
        body: "Se acaba de restablecer la contraseña de su cuenta de Caseport y se cerró la sesión en todos los dispositivos.\n\nSi no fue usted, comuníquese de inmediato con el soporte de Caseport y restablezca de nuevo su contraseña en {base_url}/forgot-password.\n",
    },
    no_account_email: EmailText {
        subject: "Alguien pidió restablecer una contraseña de Caseport con este correo",
        body: "Alguien pidió restablecer la contraseña de una cuenta de Caseport con este correo electrónico, pero ninguna cuenta lo usa.\n\nSi fue usted, quizá se registró con otro correo, o puede crear una cuenta en {base_url}/register. Si no fue usted, no tiene que hacer nada.\n",
    },
};
