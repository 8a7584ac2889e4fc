//! Password recovery in English.

use super::RecoveryTexts;
use crate::i18n::EmailText;

pub(super) const TEXTS: RecoveryTexts = RecoveryTexts {
    forgot_title: "Reset your password",
    forgot_intro: "Enter the email address of your account. We will send you a link to reset your password. You will also need your security answers and your authentication app or a backup code.",
    forgot_submit: "Send the link",
    forgot_sent: "If an account uses that address, we have sent it a link to reset the password. The link works once, for {minutes} minutes. Check your spam folder if it does not arrive.",
    reset_title: "Continue resetting your password",
    reset_intro: "You opened a link to reset your Caseport password. Continue to prove it is you.",
    reset_continue: "Continue",
    link_invalid: "This link has expired or has already been used. Ask for a new one.",
    questions_title: "Answer your security questions",
    questions_intro: "Enter the answers you gave when you created your account. Capital letters and spaces do not matter.",
    answers_wrong: "One or more answers do not match the ones on your account.",
    continue_button: "Continue",
    factor_title: "Enter a code",
    factor_intro: "Enter the 6-digit code from your authentication app or from a code we send you, or one of your backup codes.",
    factor_code: "Authentication code or backup code",
    factor_code_hint: "For example 123456, or ABCD-EFGH-JKMN-PQRS.",
    factor_lost: "If you cannot use your authentication app or any backup code, contact Caseport support.",
    new_password_title: "Choose a new password",
    new_password_intro: "Every device signed in to your account will be signed out. Then sign in with your new password.",
    new_password_submit: "Change password",
    reset_email: EmailText {
        subject: "Reset your Caseport password",
        body: "Someone asked to reset the password of your Caseport account. To choose a new password, open this link:\n\n{link}\n\nThe link works once, for {minutes} minutes. You will also need your security answers and your authentication app or a backup code.\n\nIf you did not ask for this, you can ignore this email: your password has not changed.\n",
    },
    password_reset_email: EmailText {
        subject: "Your Caseport password was changed",
        body: "The password of your Caseport account was just reset, and every device was signed out.\n\nIf this was not you, contact Caseport support right away and reset your password again at {base_url}/forgot-password.\n",
    },
    no_account_email: EmailText {
        subject: "Someone asked to reset a Caseport password for this email",
        body: "Someone asked to reset the password of a Caseport account with this email address, but no account uses it.\n\nIf it was you, you may have signed up with another address, or you can create an account at {base_url}/register. If it was not you, you do not need to do anything.\n",
    },
};
