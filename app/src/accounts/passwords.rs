//! The password policy beyond length: the blocklist of common and breached passwords, variants of
//! the email address or the service's name, and a strength estimate for the form.

use super::{
    model::{Email, PasswordRules},
    texts::AccountsMsg,
};
use crate::i18n::Msg;
use std::{collections::HashSet, sync::LazyLock};
use unicode_normalization::UnicodeNormalization;

/// Common and breached passwords shipped with Caseport (lower case, most common first).
pub static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Words that make a password guessable for this service, whoever the user is.
const SERVICE_WORDS: [&str; 6] = [
    "caseport",
    "uscis",
    "casestatusportal",
    "casestatus",
    "caseportal",
    "immigration",
];

fn squash(text: &str) -> String {
    text.nfc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn is_context_variant(password: &str, email: Option<&Email>) -> bool {
    let squashed = squash(password);
    if squashed.is_empty() {
        return false;
    }
    let core = squashed.trim_end_matches(|c: char| c.is_ascii_digit());
    let core = if core.is_empty() {
        squashed.as_str()
    } else {
        core
    };
    let mut words: Vec<String> = SERVICE_WORDS.iter().map(|w| (*w).to_owned()).collect();
    if let Some(email) = email {
        for word in [squash(email.as_str()), squash(email.local_part())] {
            words.push(
                word.trim_end_matches(|c: char| c.is_ascii_digit())
                    .to_owned(),
            );
            words.push(word);
        }
    }
    words.iter().filter(|w| w.len() >= 3).any(|word| {
        core == word
            || (core.len() % word.len() == 0 && core == word.repeat(core.len() / word.len()))
    })
}

/// Checks every password rule: length, the common-password list (whole password, any case), and
/// variants of the email address or service name. Returns the first rule broken.
pub fn check_password(
    rules: &PasswordRules,
    password: &str,
    email: Option<&Email>,
) -> Result<(), Msg> {
    rules.check_length(password)?;
    let normalised: String = password.nfc().collect::<String>().to_lowercase();
    if COMMON_PASSWORDS.contains(normalised.as_str()) {
        return Err(AccountsMsg::PasswordCommon.into());
    }
    if is_context_variant(password, email) {
        return Err(AccountsMsg::PasswordContext.into());
    }
    Ok(())
}

/// Estimated strength from 0 to 4 (zxcvbn), for the meter only: it never rejects a password.
pub fn strength(password: &str, email: Option<&Email>) -> u8 {
    if password.is_empty() {
        return 0;
    }
    let inputs: Vec<&str> = email
        .map(|e| vec![e.as_str(), e.local_part()])
        .unwrap_or_default();
    u8::from(zxcvbn::zxcvbn(password, &inputs).score())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> PasswordRules {
        PasswordRules::default()
    }

    #[test]
    fn every_shipped_common_password_that_meets_the_length_rule_is_rejected() {
        let list = include_str!("../../data/common-passwords.txt");
        let mut checked = 0;
        for entry in list
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .take(30_000)
        {
            if rules().check_length(entry).is_err() {
                continue;
            }
            assert_eq!(
                check_password(&rules(), entry, None),
                Err(AccountsMsg::PasswordCommon.into()),
                "{entry}"
            );
            assert_eq!(
                check_password(&rules(), &entry.to_uppercase(), None),
                Err(AccountsMsg::PasswordCommon.into()),
                "{entry}"
            );
            checked += 1;
        }
        assert!(
            checked > 100,
            "only {checked} entries were long enough to test"
        );
        assert!(list.lines().filter(|l| !l.starts_with('#')).count() >= 3000);
    }

    #[test]
    fn only_whole_password_matches_are_blocked() {
        assert_eq!(
            check_password(&rules(), "correct password horse staple", None),
            Ok(())
        );
    }

    #[test]
    fn variants_of_the_email_and_service_name_are_rejected() {
        let email = Email::parse("maria.lopez2024@example.com").unwrap();
        for bad in [
            "mariaLopez2024",
            "maria.lopez2024@example.com",
            "MARIA LOPEZ 2024 2024",
            "Caseport2026!!!!",
            "USCIS-USCIS-USCIS",
            "case status portal",
            "caseportcaseport",
        ] {
            assert_eq!(
                check_password(&rules(), bad, Some(&email)),
                Err(AccountsMsg::PasswordContext.into()),
                "{bad}"
            );
        }
        assert_eq!(
            check_password(&rules(), "maria likes quiet harbours", Some(&email)),
            Ok(())
        );
    }

    #[test]
    fn no_composition_rules_and_any_unicode_is_accepted() {
        assert_eq!(
            check_password(&rules(), "qhzrtwnbvkxmplsdfgjy", None),
            Ok(())
        );
        assert_eq!(check_password(&rules(), &" ".repeat(15), None), Ok(()));
        assert_eq!(check_password(&rules(), &"🦀🌵".repeat(8), None), Ok(()));
    }

    #[test]
    fn strength_is_reported_but_does_not_reject() {
        assert!(strength("qhzrtwnbvkxmplsdfgjy", None) >= 3);
        assert!(strength("aaaaaaaaaaaa", None) <= 1);
    }
}
