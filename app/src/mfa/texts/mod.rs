//! Everything the second-factor domain says, in every language: page texts, messages and emails.
//! One table per language (`en.rs`, `es.rs`).

mod en;
mod es;

use crate::i18n::{use_locale, EmailText, Locale, Msg, PerLocale};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<MfaTexts> = [en::TEXTS, es::TEXTS];

/// The second-factor texts of `locale`.
pub fn texts(locale: Locale) -> &'static MfaTexts {
    locale.pick(&TEXTS)
}

/// The second-factor texts of the current page's language.
pub fn use_texts() -> &'static MfaTexts {
    texts(use_locale())
}

/// A message of the second-factor domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MfaMsg {
    /// The authenticator code is wrong (or too old).
    CodeInvalid,
    /// The authenticator code was already used for a sign-in.
    CodeReused,
    /// The backup code is not one of the account's.
    BackupCodeInvalid,
    /// The backup code was used before.
    BackupCodeUsed,
    /// The password (when confirming it is them) is wrong.
    PasswordWrong,
    /// Neither an app code nor a backup code was entered.
    CodeOrBackupInvalid,
    /// A texted or emailed code is wrong, expired, replaced or used.
    SentCodeInvalid,
    /// The phone number cannot be read.
    PhoneInvalid,
    /// The method is not available to this account or on this service.
    MethodUnavailable,
    /// The method was turned off after 100 failures in a row (item 10).
    MethodTurnedOff,
    /// The only sign-in method cannot be removed.
    LastFactor,
    /// The last method that gives codes cannot be removed while only passkeys would be left.
    LastCodeFactor,
    /// The passkey or security key was not accepted (or the browser gave up, or it took too long).
    PasskeyFailed,
    /// A passkey's name is empty, too long or has control characters.
    PasskeyNameInvalid,
    /// The passkey or security key is registered already.
    PasskeyTaken,
    /// The account has as many passkeys as it may.
    PasskeyLimit,
    /// This browser cannot use passkeys.
    PasskeyUnsupported,
}

impl From<MfaMsg> for Msg {
    fn from(msg: MfaMsg) -> Self {
        Msg::Mfa(msg)
    }
}

impl MfaMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            MfaMsg::CodeInvalid => t.code_invalid,
            MfaMsg::CodeReused => t.code_reused,
            MfaMsg::BackupCodeInvalid => t.backup_code_invalid,
            MfaMsg::BackupCodeUsed => t.backup_code_used,
            MfaMsg::PasswordWrong => t.password_wrong,
            MfaMsg::CodeOrBackupInvalid => t.code_or_backup_invalid,
            MfaMsg::SentCodeInvalid => t.sent_code_invalid,
            MfaMsg::PhoneInvalid => t.phone_invalid,
            MfaMsg::MethodUnavailable => t.method_unavailable,
            MfaMsg::MethodTurnedOff => t.method_turned_off,
            MfaMsg::LastFactor => t.last_factor,
            MfaMsg::LastCodeFactor => t.last_code_factor,
            MfaMsg::PasskeyFailed => t.passkey_failed,
            MfaMsg::PasskeyNameInvalid => t.passkey_name_invalid,
            MfaMsg::PasskeyTaken => t.passkey_taken,
            MfaMsg::PasskeyLimit => t.passkey_limit,
            MfaMsg::PasskeyUnsupported => t.passkey_unsupported,
        }
        .to_owned()
    }
}

/// The second-factor texts of one language; each field is named after the place it appears.
#[allow(missing_docs)]
pub struct MfaTexts {
    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub setup_step_scan: &'static str,
    pub qr_alt: &'static str,
    pub setup_manual: &'static str,
    pub auth_code: &'static str,
    pub auth_code_hint: &'static str,
    pub setup_confirm: &'static str,
    pub code_title: &'static str,
    pub code_intro: &'static str,
    pub code_verify: &'static str,
    pub code_invalid: &'static str,
    pub code_reused: &'static str,
    pub code_replayed_email: EmailText,
    pub factor_added_email: EmailText,
    pub backup_code_invalid: &'static str,
    pub backup_code_used: &'static str,
    pub password_wrong: &'static str,
    pub code_or_backup_invalid: &'static str,
    pub other_method: &'static str,
    pub methods_title: &'static str,
    pub methods_intro: &'static str,
    pub method_app: &'static str,
    pub method_app_hint: &'static str,
    pub method_backup: &'static str,
    pub method_backup_hint: &'static str,
    pub backup_sign_in_title: &'static str,
    pub backup_sign_in_intro: &'static str,
    pub backup_code: &'static str,
    pub backup_code_hint: &'static str,
    pub security_title: &'static str,
    pub security_intro: &'static str,
    pub methods_heading: &'static str,
    /// `{date}`: when it was added.
    pub app_added: &'static str,
    pub no_app: &'static str,
    pub backup_heading: &'static str,
    pub backup_explainer: &'static str,
    /// `{unused}`, `{total}`, `{date}`.
    pub backup_left: &'static str,
    pub backup_none: &'static str,
    pub backup_low: &'static str,
    pub backup_generate: &'static str,
    pub backup_regenerate: &'static str,
    pub backup_regenerate_warning: &'static str,
    pub confirm_identity_link: &'static str,
    pub history_link: &'static str,
    pub saved_notice: &'static str,
    pub new_codes_title: &'static str,
    pub new_codes_intro: &'static str,
    pub new_codes_download: &'static str,
    pub new_codes_print: &'static str,
    pub new_codes_saved: &'static str,
    pub new_codes_gone: &'static str,
    pub codes_file_heading: &'static str,
    pub reauth_title: &'static str,
    pub reauth_intro: &'static str,
    pub reauth_password: &'static str,
    pub reauth_code: &'static str,
    pub reauth_code_hint: &'static str,
    pub reauth_submit: &'static str,
    pub backup_codes_made_email: EmailText,
    /// `{left}`: codes left.
    pub backup_code_used_email: EmailText,
    pub sent_code_invalid: &'static str,
    pub phone_invalid: &'static str,
    pub method_unavailable: &'static str,
    pub method_turned_off: &'static str,
    pub last_factor: &'static str,
    pub remove_app: &'static str,
    pub remove_phone: &'static str,
    pub remove_email_codes: &'static str,
    pub removed_notice: &'static str,
    /// `{method}`: the method's name.
    pub factor_removed_email: EmailText,
    pub other_ways_heading: &'static str,
    pub setup_phone_link: &'static str,
    pub setup_email_link: &'static str,
    pub phone_title: &'static str,
    pub phone_intro: &'static str,
    pub phone_label: &'static str,
    pub phone_hint: &'static str,
    pub send_code: &'static str,
    pub resend_code: &'static str,
    pub text_code_label: &'static str,
    pub email_code_label: &'static str,
    pub sent_code_hint: &'static str,
    pub code_sent_text: &'static str,
    pub code_sent_email: &'static str,
    pub email_setup_title: &'static str,
    pub email_setup_intro: &'static str,
    pub text_sign_in_title: &'static str,
    pub text_sign_in_intro: &'static str,
    pub email_sign_in_title: &'static str,
    pub email_sign_in_intro: &'static str,
    pub method_text: &'static str,
    pub method_text_hint: &'static str,
    pub method_email: &'static str,
    pub method_email_hint: &'static str,
    /// `{ending}`: the phone's last four digits; `{date}`: when it was added.
    pub phone_added: &'static str,
    /// `{date}`: when they were turned on.
    pub email_codes_added: &'static str,
    pub email_codes_not_used: &'static str,
    pub add_phone: &'static str,
    pub change_phone: &'static str,
    pub add_app: &'static str,
    pub replace_app: &'static str,
    pub new_app_title: &'static str,
    pub new_app_intro: &'static str,
    pub new_app_notice: &'static str,
    pub send_text_code: &'static str,
    pub send_email_code: &'static str,
    /// `{code}`: the code.
    pub code_sms: &'static str,
    /// `{code}`: the code.
    pub code_email: EmailText,
    /// `{ending}`: the phone's last four digits.
    pub phone_added_email: EmailText,
    pub email_codes_added_email: EmailText,
    pub phone_removed_sms: &'static str,
    pub account_reset_link: &'static str,
    pub last_code_factor: &'static str,
    pub passkey_failed: &'static str,
    pub passkey_name_invalid: &'static str,
    pub passkey_taken: &'static str,
    pub passkey_limit: &'static str,
    pub passkey_unsupported: &'static str,
    pub passkey_sign_in_title: &'static str,
    pub passkey_sign_in_intro: &'static str,
    pub passkey_use: &'static str,
    pub passkey_needs_script: &'static str,
    pub passkeys_heading: &'static str,
    pub passkeys_unavailable: &'static str,
    /// `{date}`: when it was added; `{used}`: when it was last used (or `passkey_never_used`).
    pub passkey_details: &'static str,
    pub passkey_never_used: &'static str,
    pub passkey_add_link: &'static str,
    pub passkey_add_title: &'static str,
    pub passkey_add_intro: &'static str,
    pub passkey_name_label: &'static str,
    pub passkey_name_hint: &'static str,
    pub passkey_create: &'static str,
    pub passkey_added_notice: &'static str,
    pub passkey_rename: &'static str,
    pub passkey_renamed_notice: &'static str,
    pub passkey_new_name: &'static str,
    pub passkey_remove: &'static str,
    pub method_passkey: &'static str,
    pub method_passkey_hint: &'static str,
    /// `{name}`: the name given to the passkey.
    pub passkey_added_email: EmailText,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_and_email_differs_between_languages() {
        for msg in [
            MfaMsg::CodeInvalid,
            MfaMsg::CodeReused,
            MfaMsg::BackupCodeInvalid,
            MfaMsg::BackupCodeUsed,
            MfaMsg::PasswordWrong,
            MfaMsg::CodeOrBackupInvalid,
            MfaMsg::SentCodeInvalid,
            MfaMsg::PhoneInvalid,
            MfaMsg::MethodUnavailable,
            MfaMsg::MethodTurnedOff,
            MfaMsg::LastFactor,
            MfaMsg::LastCodeFactor,
            MfaMsg::PasskeyFailed,
            MfaMsg::PasskeyNameInvalid,
            MfaMsg::PasskeyTaken,
            MfaMsg::PasskeyLimit,
            MfaMsg::PasskeyUnsupported,
        ] {
            assert_ne!(msg.text(Locale::En), msg.text(Locale::Es), "{msg:?}");
        }
        let (en, es) = (texts(Locale::En), texts(Locale::Es));
        assert_ne!(en.code_replayed_email.body, es.code_replayed_email.body);
        assert_ne!(en.factor_added_email.subject, es.factor_added_email.subject);
        assert_ne!(en.code_sms, es.code_sms);
        assert_ne!(en.code_email.body, es.code_email.body);
        assert_ne!(en.phone_added_email.body, es.phone_added_email.body);
        assert_ne!(
            en.email_codes_added_email.body,
            es.email_codes_added_email.body
        );
        assert_ne!(en.phone_removed_sms, es.phone_removed_sms);
        assert_ne!(en.passkey_added_email.body, es.passkey_added_email.body);
    }
}
