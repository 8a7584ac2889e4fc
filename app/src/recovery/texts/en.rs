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
    cancel_link_invalid: "This link no longer works: the reset was already cancelled or has taken effect.",
    account_reset_link: "I cannot use any of these",
    account_reset_title: "Reset your sign-in methods",
    account_reset_intro: "If you lost every way to prove it is you (your phone, your authentication app, your passkeys and your backup codes), you can ask for them to be removed. For your safety this takes {hours} hours: we tell you by email and text message, with a link to cancel. After that, sign in with your password and set up a new method. Your account number and cases stay as they are.",
    account_reset_button: "Reset my sign-in methods",
    account_reset_pending: "A reset of your sign-in methods is under way. It takes effect on {when}: sign in with your password then to set up a new method. Signing in with one of your methods before then cancels it.",
    account_reset_back: "Back to the sign-in methods",
    account_reset_cancel_title: "Cancel the reset of your sign-in methods",
    account_reset_cancel_intro: "Someone asked to remove every sign-in method of your Caseport account. If it was not you, cancel it now, then change your password: whoever asked knows it.",
    account_reset_cancel_button: "Cancel the reset",
    account_reset_cancelled: "The reset was cancelled. Your sign-in methods stay as they were.",
    account_reset_sign_in: "Sign in",
    account_reset_requested_email: EmailText {
        subject: "A reset of your Caseport sign-in methods was asked for",
        body: "Someone who knows your password asked to remove every sign-in method of your Caseport account (authentication app, phone, passkeys and backup codes). It takes effect on {when}.\n\nIf this was not you, cancel it here, then change your password:\n{link}\n\nSigning in with one of your methods before then also cancels it.\n",
    },
    account_reset_sms: "Caseport: someone asked to reset the sign-in methods of your account. It takes effect on {when}. If it was not you, use the link in the email we sent, or sign in, to cancel it.",
    account_reset_cancelled_email: EmailText {
        subject: "The reset of your Caseport sign-in methods was cancelled",
        body: "The reset of the sign-in methods of your Caseport account was cancelled. Your methods stay as they were.\n\nIf you did not ask for the reset, change your password: whoever asked knows it.\n",
    },
    account_reset_done_email: EmailText {
        subject: "Your Caseport sign-in methods were reset",
        body: "Every sign-in method of your Caseport account was removed, as asked, and every session was signed out. Sign in at {base_url}/sign-in with your password and set up a new method.\n\nIf this was not you, contact Caseport support right away.\n",
    },
    no_account_email: EmailText {
        subject: "Someone asked to reset a Caseport password for this email",
        body: "Someone asked to reset the password of a Caseport account with this email address, but no account uses it.\n\nIf it was you, you may have signed up with another address, or you can create an account at {base_url}/register. If it was not you, you do not need to do anything.\n",
    },
};
