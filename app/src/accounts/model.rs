//! Account types shared by the browser (instant feedback) and the server (which always checks again).

use super::texts::AccountsMsg;
use crate::i18n::{CommonMsg, Msg};
use serde::{Deserialize, Serialize};

/// A syntactically valid email address, trimmed and lower-cased so that one mailbox is one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Longest address accepted (RFC 5321 path limit).
    pub const MAX_LEN: usize = 254;

    /// Checks the shape of an address; it does not prove the mailbox exists (the emailed code does).
    pub fn parse(input: &str) -> Result<Self, Msg> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(CommonMsg::Required.into());
        }
        if email.len() > Self::MAX_LEN {
            return Err(AccountsMsg::EmailInvalid.into());
        }
        let (local, domain) = email
            .rsplit_once('@')
            .ok_or(Msg::from(AccountsMsg::EmailInvalid))?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Email(email))
        } else {
            Err(AccountsMsg::EmailInvalid.into())
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, used to reject passwords built from it.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

/// Password length rules; the blocklist and context checks run on the server only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRules {
    /// Fewest characters (Unicode code points after NFC normalisation).
    pub min_len: usize,
    /// Most characters; longer passwords are rejected, never truncated.
    pub max_len: usize,
}

impl Default for PasswordRules {
    fn default() -> Self {
        Self {
            min_len: 12,
            max_len: 128,
        }
    }
}

impl PasswordRules {
    /// Hard ceiling on the maximum, whatever the operator configures.
    pub const HARD_CAP: usize = 128;

    /// Number of characters as the rules count them: code points after NFC normalisation. The
    /// browser uses its own normaliser (`String.prototype.normalize`), so the Unicode tables are
    /// not shipped in the wasm; the server counts again with `unicode-normalization`.
    pub fn length(password: &str) -> usize {
        #[cfg(feature = "hydrate")]
        {
            let normalised = js_sys::JsString::from(password).normalize("NFC");
            String::from(normalised).chars().count()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            use unicode_normalization::UnicodeNormalization;
            password.nfc().count()
        }
    }

    /// Checks only the length, so the browser can give feedback as the person types.
    pub fn check_length(&self, password: &str) -> Result<(), Msg> {
        match self.length_problem(password) {
            Some(LengthProblem::TooShort) => {
                Err(AccountsMsg::PasswordTooShort { min: self.min_len }.into())
            }
            Some(LengthProblem::TooLong) => {
                Err(AccountsMsg::PasswordTooLong { max: self.max_len }.into())
            }
            None => Ok(()),
        }
    }

    /// Which length rule `password` breaks, if any (no message: islands get theirs in words).
    pub fn length_problem(&self, password: &str) -> Option<LengthProblem> {
        let len = Self::length(password);
        if len < self.min_len {
            Some(LengthProblem::TooShort)
        } else if len > self.max_len {
            Some(LengthProblem::TooLong)
        } else {
            None
        }
    }
}

/// A password's length outside [`PasswordRules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthProblem {
    /// Fewer characters than `min_len`.
    TooShort,
    /// More characters than `max_len`.
    TooLong,
}

/// What the server says about a password while the person types it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordFeedback {
    /// Why the password cannot be used, if it cannot, in the words of the page's language (the
    /// island that shows it carries no message catalogue).
    pub problem: Option<String>,
    /// Estimated strength from 0 (very weak) to 4 (very strong).
    pub score: u8,
}

/// The registration form as submitted: the one argument of the `register` server function, its
/// fields flattened so the HTML form posts plain `email`, `password`, `question1`... inputs.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct RegistrationForm {
    /// As typed.
    pub email: String,
    /// As typed.
    pub password: String,
    /// As typed.
    pub password_confirmation: String,
    /// Id of the first chosen question.
    pub question1: String,
    /// Answer to the first question.
    pub answer1: String,
    /// Id of the second chosen question.
    pub question2: String,
    /// Answer to the second question.
    pub answer2: String,
    /// Id of the third chosen question.
    pub question3: String,
    /// Answer to the third question.
    pub answer3: String,
    /// The online account number printed on an Account Access Notice (optional).
    #[serde(default)]
    pub notice_account_number: String,
    /// The access code printed on the same notice (optional; both or neither).
    #[serde(default)]
    pub notice_access_code: String,
}

impl RegistrationForm {
    /// The three (question id, answer) pairs, in order.
    pub fn questions(&self) -> [(&str, &str); 3] {
        [
            (&self.question1, &self.answer1),
            (&self.question2, &self.answer2),
            (&self.question3, &self.answer3),
        ]
    }
}

/// Shows only the address: passwords and answers never reach a log line.
impl std::fmt::Debug for RegistrationForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrationForm")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// The fixed list of security questions, by id; the texts are in the i18n tables.
pub const SECURITY_QUESTION_IDS: [&str; 8] = [
    "first_school",
    "parents_city",
    "first_car",
    "teacher",
    "nickname",
    "third_grade_street",
    "sibling_middle_name",
    "first_employer",
];

/// Shortest and longest accepted security answers (in characters after normalisation).
pub const ANSWER_LEN: (usize, usize) = (2, 100);

/// The index of a question id in [`SECURITY_QUESTION_IDS`], if it is on the list.
pub fn security_question_index(id: &str) -> Option<usize> {
    SECURITY_QUESTION_IDS.iter().position(|q| *q == id)
}

/// Normalises a security answer so that case, spacing and Unicode form do not matter.
#[cfg(feature = "ssr")]
pub fn normalise_answer(answer: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    answer
        .nfc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A 12-digit online account number whose last digit is a Damm check digit, so that every
/// single-digit mistake and every swap of two neighbouring digits is caught.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountNumber(String);

const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm_interim(digits: impl Iterator<Item = u8>) -> u8 {
    digits.fold(0, |interim, d| DAMM[interim as usize][d as usize])
}

impl AccountNumber {
    /// Builds a number from 11 random digits (each 0–9) by appending the check digit.
    pub fn from_body(body: [u8; 11]) -> Self {
        debug_assert!(body.iter().all(|d| *d < 10));
        let check = damm_interim(body.iter().copied());
        let mut digits: String = body.iter().map(|d| char::from(b'0' + d)).collect();
        digits.push(char::from(b'0' + check));
        AccountNumber(digits)
    }

    /// Parses a number as a person may type it (spaces and hyphens allowed) and verifies the check digit.
    pub fn parse(input: &str) -> Option<Self> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let valid = damm_interim(digits.bytes().map(|b| b - b'0')) == 0;
        valid.then_some(AccountNumber(digits))
    }

    /// The 12 digits without separators, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The number as shown to people: `1234 5678 9012`.
    pub fn formatted(&self) -> String {
        format!("{} {} {}", &self.0[0..4], &self.0[4..8], &self.0[8..12])
    }
}

/// The one-time access code of an Account Access Notice: 12 characters from an alphabet without
/// look-alikes (no 0, 1, I or O), printed as `ABCD-EFGH-JKLM`; typed with or without dashes and
/// spaces, in any case.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessCode(String);

/// The characters an access code is made of (32: five bits each, 60 bits a code).
pub const ACCESS_CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

impl AccessCode {
    /// A code from 12 indices into [`ACCESS_CODE_ALPHABET`] (each taken modulo 32).
    pub fn from_indices(indices: [u8; 12]) -> Self {
        AccessCode(
            indices
                .iter()
                .map(|i| char::from(ACCESS_CODE_ALPHABET[usize::from(*i % 32)]))
                .collect(),
        )
    }

    /// Reads a code as typed, or says what is wrong with it.
    pub fn parse(input: &str) -> Result<Self, Msg> {
        let code: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid =
            code.chars().count() == 12 && code.bytes().all(|b| ACCESS_CODE_ALPHABET.contains(&b));
        if valid {
            Ok(AccessCode(code))
        } else {
            Err(AccountsMsg::AccessCodeFormat.into())
        }
    }

    /// The 12 characters without dashes, as hashed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as printed: `ABCD-EFGH-JKLM`.
    pub fn formatted(&self) -> String {
        format!("{}-{}-{}", &self.0[0..4], &self.0[4..8], &self.0[8..12])
    }
}

/// Never shows the code itself.
impl std::fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessCode(…)")
    }
}

/// What the Profile page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The account's email address.
    pub email: String,
    /// The online account number.
    pub account_number: AccountNumber,
}

/// What a signed-in account may do. Stored on the account and read again on every request, so a
/// changed role takes effect at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person with cases (everyone who registers).
    Applicant,
    /// Works cases in the back office.
    Officer,
    /// Assigns and oversees officers' work.
    Supervisor,
    /// Helps people with their accounts; sees no case content.
    Support,
}

impl Role {
    /// Every role, in the order they are listed to administrators.
    pub const ALL: [Role; 4] = [
        Role::Applicant,
        Role::Officer,
        Role::Supervisor,
        Role::Support,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Support => "support",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// A six-digit one-time code as typed (spaces allowed), validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    /// Accepts exactly six digits, ignoring spaces and hyphens people type or paste.
    pub fn parse(input: &str) -> Result<Self, Msg> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(OneTimeCode(digits))
        } else if digits.is_empty() {
            Err(CommonMsg::Required.into())
        } else {
            Err(AccountsMsg::CodeFormat.into())
        }
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            Email::parse("  Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@@example.com",
            "<img src=x onerror=alert(1)>@x.test",
            "ana@-example.com",
            ".ana@example.com",
            "ana..b@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn password_length_counts_code_points_after_nfc() {
        let rules = PasswordRules::default();
        // "e" + combining acute accent is one code point after NFC.
        let composed = "e\u{301}".repeat(12);
        assert_eq!(PasswordRules::length(&composed), 12);
        assert!(rules.check_length(&composed).is_ok());
        assert_eq!(
            rules.check_length(&"😀".repeat(11)),
            Err(AccountsMsg::PasswordTooShort { min: 12 }.into())
        );
        assert_eq!(
            rules.check_length(&"漢".repeat(11)),
            Err(AccountsMsg::PasswordTooShort { min: 12 }.into())
        );
        assert!(rules.check_length(&"😀".repeat(12)).is_ok());
        assert!(rules.check_length(&"a".repeat(128)).is_ok());
        assert_eq!(
            rules.check_length(&"a".repeat(129)),
            Err(AccountsMsg::PasswordTooLong { max: 128 }.into())
        );
    }

    #[test]
    fn security_answers_ignore_case_spacing_and_unicode_form() {
        assert_eq!(
            normalise_answer("  San   José "),
            normalise_answer("san jose\u{301}")
        );
        assert_eq!(normalise_answer("ÁNGEL"), "ángel");
    }

    #[test]
    fn account_numbers_have_twelve_digits_and_a_valid_check_digit() {
        let number = AccountNumber::from_body([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
        assert_eq!(number.digits().len(), 12);
        assert_eq!(AccountNumber::parse(number.digits()), Some(number.clone()));
        assert_eq!(
            AccountNumber::parse(&number.formatted()),
            Some(number.clone())
        );
        let formatted = number.formatted();
        assert!(formatted.len() == 14 && formatted.chars().filter(|c| *c == ' ').count() == 2);
        assert_eq!(AccountNumber::parse("12345"), None);
        assert_eq!(AccountNumber::parse("abcdefghijkl"), None);
    }

    #[test]
    fn access_codes_read_what_people_type_and_explain_the_rest() {
        let code = AccessCode::from_indices([0, 1, 2, 3, 8, 9, 10, 11, 28, 29, 30, 31]);
        assert_eq!(code.formatted(), "2345-ABCD-WXYZ");
        for typed in [
            "2345-ABCD-WXYZ",
            "2345abcdwxyz",
            " 2345 abcd wxyz ",
            "2345-abcd-WXYZ",
        ] {
            assert_eq!(AccessCode::parse(typed), Ok(code.clone()), "{typed}");
        }
        for wrong in [
            "",
            "2345-ABCD-WXY",
            "2345-ABCD-WXYZ2",
            "0345-ABCD-WXYZ",
            "2345-IBCD-WXYZ",
            "2345_ABCD_WXYZ",
            "2345-ÁBCD-WXYZ",
        ] {
            assert_eq!(
                AccessCode::parse(wrong),
                Err(AccountsMsg::AccessCodeFormat.into()),
                "{wrong}"
            );
        }
        assert!(!format!("{code:?}").contains("2345"));
    }

    #[test]
    fn the_check_digit_catches_every_single_digit_error() {
        let bodies = [
            [0; 11],
            [9; 11],
            [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],
            [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4],
        ];
        for body in bodies {
            let number = AccountNumber::from_body(body);
            let digits: Vec<u8> = number.digits().bytes().collect();
            for position in 0..12 {
                for replacement in b'0'..=b'9' {
                    if replacement == digits[position] {
                        continue;
                    }
                    let mut typo = digits.clone();
                    typo[position] = replacement;
                    let typo = String::from_utf8(typo).unwrap();
                    assert_eq!(
                        AccountNumber::parse(&typo),
                        None,
                        "{typo} should fail the check"
                    );
                }
            }
        }
    }

    #[test]
    fn the_check_digit_catches_adjacent_swaps() {
        let number = AccountNumber::from_body([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
        let digits: Vec<u8> = number.digits().bytes().collect();
        for i in 0..11 {
            if digits[i] == digits[i + 1] {
                continue;
            }
            let mut swapped = digits.clone();
            swapped.swap(i, i + 1);
            assert_eq!(
                AccountNumber::parse(&String::from_utf8(swapped).unwrap()),
                None
            );
        }
    }

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
        assert_eq!(Role::parse("Officer"), None);
    }

    #[test]
    fn codes_must_be_six_digits() {
        assert_eq!(OneTimeCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(
            OneTimeCode::parse("12345"),
            Err(AccountsMsg::CodeFormat.into())
        );
        assert_eq!(
            OneTimeCode::parse("12345a"),
            Err(AccountsMsg::CodeFormat.into())
        );
        assert_eq!(OneTimeCode::parse(""), Err(CommonMsg::Required.into()));
    }
}

/// What happened, in an entry of the account history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountEventKind {
    /// A full sign-in (password and second factor) succeeded.
    SignedIn,
    /// The right email with a wrong password.
    SignInFailed,
    /// The password was right but the second factor was not.
    SecondFactorFailed,
    /// A sign-in method was added.
    FactorAdded,
    /// A new set of backup codes was made (the old set stopped working).
    BackupCodesGenerated,
    /// A backup code was used to sign in or to confirm it was them.
    BackupCodeUsed,
    /// The person confirmed it was them before a sensitive change.
    Reauthenticated,
    /// A password-reset link was opened (recovery started).
    RecoveryStarted,
    /// The password was replaced through recovery; every session ended.
    PasswordReset,
    /// The person changed their password (knowing the current one).
    PasswordChanged,
    /// The person signed out one or all of their other sessions.
    SessionsRevoked,
    /// A sign-in method was turned off after 100 failures in a row.
    FactorDisabled,
    /// A sign-in method was removed.
    FactorRemoved,
    /// Someone who knew the password asked for every second factor to be reset.
    AccountResetRequested,
    /// An account reset was cancelled (by its emailed link or a sign-in with a factor).
    AccountResetCancelled,
    /// An account reset took effect: every second factor was removed.
    AccountResetDone,
    /// The owner said a new sign-in was not theirs: every session ended, the password was turned
    /// off and a reset link was emailed.
    SignInReported,
    /// The name, date of birth or mailing address was saved.
    DetailsChanged,
    /// The sign-in address was changed (after a code sent to the new one came back).
    EmailChanged,
}

impl AccountEventKind {
    /// Every kind, for round-trip tests.
    pub const ALL: [AccountEventKind; 19] = [
        AccountEventKind::SignedIn,
        AccountEventKind::SignInFailed,
        AccountEventKind::SecondFactorFailed,
        AccountEventKind::FactorAdded,
        AccountEventKind::BackupCodesGenerated,
        AccountEventKind::BackupCodeUsed,
        AccountEventKind::Reauthenticated,
        AccountEventKind::RecoveryStarted,
        AccountEventKind::PasswordReset,
        AccountEventKind::PasswordChanged,
        AccountEventKind::SessionsRevoked,
        AccountEventKind::FactorDisabled,
        AccountEventKind::FactorRemoved,
        AccountEventKind::AccountResetRequested,
        AccountEventKind::AccountResetCancelled,
        AccountEventKind::AccountResetDone,
        AccountEventKind::SignInReported,
        AccountEventKind::DetailsChanged,
        AccountEventKind::EmailChanged,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountEventKind::SignedIn => "signed_in",
            AccountEventKind::SignInFailed => "sign_in_failed",
            AccountEventKind::SecondFactorFailed => "second_factor_failed",
            AccountEventKind::FactorAdded => "factor_added",
            AccountEventKind::BackupCodesGenerated => "backup_codes_generated",
            AccountEventKind::BackupCodeUsed => "backup_code_used",
            AccountEventKind::Reauthenticated => "reauthenticated",
            AccountEventKind::RecoveryStarted => "recovery_started",
            AccountEventKind::PasswordReset => "password_reset",
            AccountEventKind::PasswordChanged => "password_changed",
            AccountEventKind::SessionsRevoked => "sessions_revoked",
            AccountEventKind::FactorDisabled => "factor_disabled",
            AccountEventKind::FactorRemoved => "factor_removed",
            AccountEventKind::AccountResetRequested => "account_reset_requested",
            AccountEventKind::AccountResetCancelled => "account_reset_cancelled",
            AccountEventKind::AccountResetDone => "account_reset_done",
            AccountEventKind::SignInReported => "sign_in_reported",
            AccountEventKind::DetailsChanged => "details_changed",
            AccountEventKind::EmailChanged => "email_changed",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// How a person proved who they were, in the account history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// The password.
    Password,
    /// A code from an authentication app.
    AuthenticatorApp,
    /// A printed backup code.
    BackupCode,
    /// A code sent by text message to the account's phone.
    TextMessage,
    /// A code sent to the account's email address (the weakest factor).
    EmailCode,
    /// A passkey or security key (WebAuthn), the strongest factor.
    Passkey,
}

impl AuthMethod {
    /// Every method, for round-trip tests.
    pub const ALL: [AuthMethod; 6] = [
        AuthMethod::Password,
        AuthMethod::AuthenticatorApp,
        AuthMethod::BackupCode,
        AuthMethod::TextMessage,
        AuthMethod::EmailCode,
        AuthMethod::Passkey,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Password => "password",
            AuthMethod::AuthenticatorApp => "authenticator_app",
            AuthMethod::BackupCode => "backup_code",
            AuthMethod::TextMessage => "text_message",
            AuthMethod::EmailCode => "email_code",
            AuthMethod::Passkey => "passkey",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.as_str() == name)
    }
}

/// One entry of the account history page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEvent {
    /// What happened.
    pub kind: AccountEventKind,
    /// The sign-in method involved, if any.
    pub method: Option<AuthMethod>,
    /// When, in words ("November 27, 2026, 14:03 UTC").
    pub when: String,
    /// The client address with its approximate place (`infra::geo::describe`), if known.
    pub ip: Option<String>,
    /// The browser and system, e.g. "Firefox / Windows", if known.
    pub device: Option<String>,
}

/// A page of the account history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AccountHistoryPage {
    /// The entries.
    pub events: Vec<AccountEvent>,
    /// The cursor of the next (older) page, if there is one.
    pub older: Option<String>,
}

/// One session of the account on the Devices page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSession {
    /// The session's public id (for "Sign out" of this one).
    pub id: String,
    /// The browser and system, if known.
    pub device: Option<String>,
    /// The client address when it signed in with its approximate place (`infra::geo::describe`),
    /// if known.
    pub ip: Option<String>,
    /// When it signed in, in words.
    pub started: String,
    /// When it was last used, in words.
    pub last_seen: String,
    /// True for the session reading the page.
    pub current: bool,
    /// False while only the password was entered (the second step not done), or while recovering.
    pub signed_in: bool,
    /// True for a password reset in progress (after the emailed link).
    pub recovering: bool,
}

/// A page of the account's sessions, most recently used first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DevicesPage {
    /// The sessions.
    pub sessions: Vec<DeviceSession>,
    /// The cursor of the next page, if there is one.
    pub more: Option<String>,
}
