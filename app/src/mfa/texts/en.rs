//! The second-factor domain in English.

use super::MfaTexts;
use crate::i18n::EmailText;

pub(super) const TEXTS: MfaTexts = MfaTexts {
    setup_title: "Set up an authentication app",
    setup_intro: "Caseport requires a second step every time you sign in. Use an authentication app such as Google Authenticator, Microsoft Authenticator or 1Password.",
    setup_step_scan: "Scan this QR code with your app:",
    qr_alt: "QR code for your authentication app",
    setup_manual: "Or enter this key in your app:",
    auth_code: "Authentication code",
    auth_code_hint: "Enter the 6-digit code your app shows.",
    setup_confirm: "Confirm and continue",
    code_title: "Enter your authentication code",
    code_intro: "Open your authentication app and enter the 6-digit code it shows for Caseport.",
    code_verify: "Verify",
    code_invalid: "That code is not correct or has expired.",
    code_reused: "That code has already been used. Wait for your app to show a new code.",
    code_replayed_email: EmailText {
        subject: "A used Caseport sign-in code was tried again",
        body: "Someone entered a code from your authentication app that had already been used to sign in to your Caseport account.\n\nIf this was not you, change your password now: someone may know it and may have seen one of your codes.\n",
    },
    factor_added_email: EmailText {
        subject: "An authentication app was added to your Caseport account",
        body: "An authentication app was just set up for signing in to your Caseport account, and every other session of the account was signed out.\n\nIf this was not you, someone knows your password: contact Caseport support right away.\n",
    },
};
