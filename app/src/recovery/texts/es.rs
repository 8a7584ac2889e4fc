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
    cancel_link_invalid: "Este enlace ya no funciona: el restablecimiento ya se canceló o ya se aplicó.",
    account_reset_link: "No puedo usar ninguno de estos",
    account_reset_title: "Restablecer sus métodos de inicio de sesión",
    account_reset_intro: "Si perdió todas las formas de demostrar que es usted (su teléfono, su aplicación de autenticación, sus llaves de acceso y sus códigos de respaldo), puede pedir que se eliminen. Por su seguridad esto tarda {hours} horas: le avisamos por correo electrónico y mensaje de texto, con un enlace para cancelarlo. Después, inicie sesión con su contraseña y configure un método nuevo. Su número de cuenta y sus casos no cambian.",
    account_reset_button: "Restablecer mis métodos de inicio de sesión",
    account_reset_pending: "Hay un restablecimiento de sus métodos de inicio de sesión en curso. Se aplica el {when}: inicie sesión entonces con su contraseña para configurar un método nuevo. Si inicia sesión antes con uno de sus métodos, se cancela.",
    account_reset_back: "Volver a los métodos de inicio de sesión",
    account_reset_cancel_title: "Cancelar el restablecimiento de sus métodos de inicio de sesión",
    account_reset_cancel_intro: "Alguien pidió eliminar todos los métodos de inicio de sesión de su cuenta de Caseport. Si no fue usted, cancélelo ahora y luego cambie su contraseña: quien lo pidió la conoce.",
    account_reset_cancel_button: "Cancelar el restablecimiento",
    account_reset_cancelled: "Se canceló el restablecimiento. Sus métodos de inicio de sesión no cambian.",
    account_reset_sign_in: "Iniciar sesión",
    account_reset_requested_email: EmailText {
        subject: "Se pidió restablecer sus métodos de inicio de sesión de Caseport",
        body: "Alguien que conoce su contraseña pidió eliminar todos los métodos de inicio de sesión de su cuenta de Caseport (aplicación de autenticación, teléfono, llaves de acceso y códigos de respaldo). Se aplica el {when}.\n\nSi no fue usted, cancélelo aquí y luego cambie su contraseña:\n{link}\n\nSi inicia sesión antes con uno de sus métodos, también se cancela.\n",
    },
    account_reset_sms: "Caseport: alguien pidió restablecer los métodos de inicio de sesión de su cuenta. Se aplica el {when}. Si no fue usted, use el enlace del correo que le enviamos, o inicie sesión, para cancelarlo.",
    account_reset_cancelled_email: EmailText {
        subject: "Se canceló el restablecimiento de sus métodos de inicio de sesión de Caseport",
        body: "Se canceló el restablecimiento de los métodos de inicio de sesión de su cuenta de Caseport. Sus métodos no cambian.\n\nSi usted no pidió el restablecimiento, cambie su contraseña: quien lo pidió la conoce.\n",
    },
    account_reset_done_email: EmailText {
        subject: "Se restablecieron sus métodos de inicio de sesión de Caseport",
        body: "Se eliminaron todos los métodos de inicio de sesión de su cuenta de Caseport, como se pidió, y se cerraron todas las sesiones. Inicie sesión en {base_url}/sign-in con su contraseña y configure un método nuevo.\n\nSi no fue usted, comuníquese de inmediato con el soporte de Caseport.\n",
    },
    no_account_email: EmailText {
        subject: "Alguien pidió restablecer una contraseña de Caseport con este correo",
        body: "Alguien pidió restablecer la contraseña de una cuenta de Caseport con este correo electrónico, pero ninguna cuenta lo usa.\n\nSi fue usted, quizá se registró con otro correo, o puede crear una cuenta en {base_url}/register. Si no fue usted, no tiene que hacer nada.\n",
    },
};
