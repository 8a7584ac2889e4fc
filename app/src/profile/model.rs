//! Personal-details types shared by the browser and the server, and the checks that turn a
//! submitted form into them (pure: today's date is an argument).

use super::texts::ProfileMsg;
use crate::{
    error::{AppError, FieldError},
    i18n::{CommonMsg, Msg},
};
use serde::{Deserialize, Serialize};

/// Longest name part, address line or city accepted.
pub const MAX_TEXT_LEN: usize = 100;

/// The earliest year of birth accepted.
pub const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// USPS codes and names of the states, the District of Columbia, the territories and the
/// military post offices: the places a US mailing address can be in. Proper names, the same in
/// every language.
pub const STATES: [(&str, &str); 59] = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("AS", "American Samoa"),
    ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"),
    ("PR", "Puerto Rico"),
    ("VI", "U.S. Virgin Islands"),
    ("AA", "Armed Forces Americas (AA)"),
    ("AE", "Armed Forces Europe (AE)"),
    ("AP", "Armed Forces Pacific (AP)"),
];

/// A calendar date (no time, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to the month's length.
    pub day: u32,
}

impl Date {
    /// The date if it exists in the calendar.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The day `unix` (seconds since 1970, UTC) falls on.
    pub fn from_unix(unix: i64) -> Self {
        // Howard Hinnant's days-to-civil algorithm.
        let z = unix.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }

    /// `YYYY-MM-DD`, as stored.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Reads `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Date::new(year, month, day)
    }
}

/// A US mailing address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailingAddress {
    /// Street address.
    pub line1: String,
    /// Apartment, suite, unit (may be empty).
    pub line2: String,
    /// City or town.
    pub city: String,
    /// USPS state code (`STATES`).
    pub state: String,
    /// Five digits, or ZIP+4 as `12345-6789`.
    pub zip: String,
}

impl MailingAddress {
    /// Whether no address was given.
    pub fn is_empty(&self) -> bool {
        self.line1.is_empty() && self.city.is_empty() && self.state.is_empty()
    }
}

/// The owner's personal details as stored and shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalDetails {
    /// Given (first) name.
    pub given_name: String,
    /// Family (last) name.
    pub family_name: String,
    /// Date of birth, if given.
    pub date_of_birth: Option<Date>,
    /// Mailing address, if given (`is_empty` when not).
    pub address: MailingAddress,
}

/// The details form as submitted: every field a string, checked by `parse`; a field left out
/// counts as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetailsForm {
    /// Given (first) name.
    pub given_name: String,
    /// Family (last) name.
    pub family_name: String,
    /// Month of birth (1–12).
    pub birth_month: String,
    /// Day of birth.
    pub birth_day: String,
    /// Year of birth (four digits).
    pub birth_year: String,
    /// Street address.
    pub address_line1: String,
    /// Apartment, suite, unit.
    pub address_line2: String,
    /// City.
    pub city: String,
    /// USPS state code.
    pub state: String,
    /// ZIP code.
    pub zip_code: String,
}

/// Control characters and the invisible formatting ones (zero-width, direction overrides, soft
/// hyphen, byte-order mark) that could make a printed name or address read differently.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{FEFF}')
        || ('\u{200B}'..='\u{200F}').contains(&c)
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2060}'..='\u{206F}').contains(&c)
}

fn text(field: &str, value: &str, required: bool, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    if value.is_empty() && required {
        errors.push(FieldError::new(field, CommonMsg::Required.into()));
    } else if value.chars().count() > MAX_TEXT_LEN {
        errors.push(FieldError::new(
            field,
            ProfileMsg::TooLong { max: MAX_TEXT_LEN }.into(),
        ));
    } else if value.chars().any(invisible) {
        errors.push(FieldError::new(field, ProfileMsg::CharactersInvalid.into()));
    }
    value.to_owned()
}

fn date_of_birth(form: &DetailsForm, today: Date) -> Result<Option<Date>, Msg> {
    let parts = [&form.birth_month, &form.birth_day, &form.birth_year].map(|p| p.trim());
    if parts.iter().all(|p| p.is_empty()) {
        return Ok(None);
    }
    if parts.iter().any(|p| p.is_empty()) {
        return Err(ProfileMsg::DateIncomplete.into());
    }
    let [month, day, year] = parts;
    let number = |p: &str| {
        (p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let (Some(month), Some(day), Some(year)) = (number(month), number(day), number(year)) else {
        return Err(ProfileMsg::DateInvalid.into());
    };
    if parts[2].len() != 4 {
        return Err(ProfileMsg::YearFormat.into());
    }
    let year = i32::try_from(year).map_err(|_| Msg::from(ProfileMsg::DateInvalid))?;
    let date = Date::new(year, month, day).ok_or(Msg::from(ProfileMsg::DateInvalid))?;
    if date > today {
        return Err(ProfileMsg::DateInFuture.into());
    }
    if year < EARLIEST_BIRTH_YEAR {
        return Err(ProfileMsg::DateTooEarly {
            year: EARLIEST_BIRTH_YEAR,
        }
        .into());
    }
    Ok(Some(date))
}

fn zip_ok(zip: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    match zip.split_once('-') {
        Some((five, four)) => digits(five, 5) && digits(four, 4),
        None => digits(zip, 5),
    }
}

fn address(form: &DetailsForm, errors: &mut Vec<FieldError>) -> MailingAddress {
    let given = [
        &form.address_line1,
        &form.address_line2,
        &form.city,
        &form.state,
        &form.zip_code,
    ]
    .iter()
    .any(|p| !p.trim().is_empty());
    let address = MailingAddress {
        line1: text("address_line1", &form.address_line1, given, errors),
        line2: text("address_line2", &form.address_line2, false, errors),
        city: text("city", &form.city, given, errors),
        state: form.state.trim().to_ascii_uppercase(),
        zip: form.zip_code.trim().to_owned(),
    };
    if !given {
        return MailingAddress::default();
    }
    if address.state.is_empty() {
        errors.push(FieldError::new("state", CommonMsg::Required.into()));
    } else if !STATES.iter().any(|(code, _)| *code == address.state) {
        errors.push(FieldError::new("state", ProfileMsg::StateInvalid.into()));
    }
    if address.zip.is_empty() {
        errors.push(FieldError::new("zip_code", CommonMsg::Required.into()));
    } else if !zip_ok(&address.zip) {
        errors.push(FieldError::new("zip_code", ProfileMsg::ZipInvalid.into()));
    }
    address
}

impl DetailsForm {
    /// The form filled in with `details`, as the edit page starts.
    pub fn from_details(details: &PersonalDetails) -> Self {
        let part =
            |f: fn(&Date) -> String| details.date_of_birth.as_ref().map(f).unwrap_or_default();
        DetailsForm {
            given_name: details.given_name.clone(),
            family_name: details.family_name.clone(),
            birth_month: part(|d| d.month.to_string()),
            birth_day: part(|d| d.day.to_string()),
            birth_year: part(|d| d.year.to_string()),
            address_line1: details.address.line1.clone(),
            address_line2: details.address.line2.clone(),
            city: details.address.city.clone(),
            state: details.address.state.clone(),
            zip_code: details.address.zip.clone(),
        }
    }

    /// Checks every field, reporting every problem at once. Names are required; the date of birth
    /// and the address are optional but, once begun, must be complete.
    pub fn parse(&self, today: Date) -> Result<PersonalDetails, AppError> {
        let mut errors = Vec::new();
        let given_name = text("given_name", &self.given_name, true, &mut errors);
        let family_name = text("family_name", &self.family_name, true, &mut errors);
        let date_of_birth = date_of_birth(self, today)
            .map_err(|message| errors.push(FieldError::new("birth_month", message)))
            .unwrap_or(None);
        let address = address(self, &mut errors);
        if errors.is_empty() {
            Ok(PersonalDetails {
                given_name,
                family_name,
                date_of_birth,
                address,
            })
        } else {
            Err(AppError::Validation {
                field_errors: errors,
            })
        }
    }
}

/// The sign-in address and any change waiting for its code, as the change-email page shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChangeStatus {
    /// The address the account signs in with now.
    pub current: String,
    /// The new address a code was sent to, while the code can still be used.
    pub pending: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = Date {
        year: 2026,
        month: 11,
        day: 29,
    };

    fn form() -> DetailsForm {
        DetailsForm {
            given_name: " Ana ".into(),
            family_name: "Example-Núñez".into(),
            birth_month: "2".into(),
            birth_day: "29".into(),
            birth_year: "2000".into(),
            address_line1: "1 Main St".into(),
            address_line2: String::new(),
            city: "Springfield".into(),
            state: "il".into(),
            zip_code: "62701-1234".into(),
        }
    }

    fn fields(error: AppError) -> Vec<(String, Msg)> {
        match error {
            AppError::Validation { field_errors } => field_errors
                .into_iter()
                .map(|e| (e.field, e.message))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_complete_form_becomes_trimmed_details() {
        let details = form().parse(TODAY).unwrap();
        assert_eq!(details.given_name, "Ana");
        assert_eq!(details.family_name, "Example-Núñez");
        assert_eq!(details.date_of_birth, Date::new(2000, 2, 29));
        assert_eq!(details.address.state, "IL");
        assert_eq!(
            DetailsForm::from_details(&details).parse(TODAY),
            Ok(details)
        );
    }

    #[test]
    fn date_of_birth_and_address_are_optional_but_complete_once_begun() {
        let mut bare = DetailsForm {
            given_name: "Ana".into(),
            family_name: "Example".into(),
            ..DetailsForm::default()
        };
        let details = bare.parse(TODAY).unwrap();
        assert_eq!(details.date_of_birth, None);
        assert!(details.address.is_empty());
        bare.birth_year = "1990".into();
        bare.city = "Springfield".into();
        let errors = fields(bare.parse(TODAY).unwrap_err());
        let named: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            named,
            ["birth_month", "address_line1", "state", "zip_code"],
            "{errors:?}"
        );
        assert_eq!(errors[0].1, ProfileMsg::DateIncomplete.into());
    }

    #[test]
    fn impossible_future_and_ancient_dates_are_refused() {
        let cases: [(&str, &str, &str, Msg); 6] = [
            ("2", "29", "2001", ProfileMsg::DateInvalid.into()),
            ("13", "1", "2001", ProfileMsg::DateInvalid.into()),
            ("4", "31", "2001", ProfileMsg::DateInvalid.into()),
            ("11", "30", "2026", ProfileMsg::DateInFuture.into()),
            (
                "1",
                "1",
                "1899",
                ProfileMsg::DateTooEarly { year: 1900 }.into(),
            ),
            ("1", "1", "99", ProfileMsg::YearFormat.into()),
        ];
        for (month, day, year, expected) in cases {
            let bad = DetailsForm {
                birth_month: month.into(),
                birth_day: day.into(),
                birth_year: year.into(),
                ..form()
            };
            assert_eq!(
                fields(bad.parse(TODAY).unwrap_err()),
                vec![("birth_month".to_owned(), expected)],
                "{month}/{day}/{year}"
            );
        }
        let today = DetailsForm {
            birth_month: "11".into(),
            birth_day: "29".into(),
            birth_year: "2026".into(),
            ..form()
        };
        assert!(today.parse(TODAY).is_ok(), "born today");
    }

    #[test]
    fn names_and_addresses_are_checked_for_length_control_characters_state_and_zip() {
        let bad = DetailsForm {
            given_name: " ".into(),
            family_name: "x".repeat(101),
            address_line2: "Apt\u{0}1".into(),
            city: "Spring\u{202E}field".into(),
            state: "ZZ".into(),
            zip_code: "1234".into(),
            ..form()
        };
        let errors = fields(bad.parse(TODAY).unwrap_err());
        assert_eq!(
            errors,
            vec![
                ("given_name".to_owned(), CommonMsg::Required.into()),
                (
                    "family_name".to_owned(),
                    ProfileMsg::TooLong { max: 100 }.into()
                ),
                (
                    "address_line2".to_owned(),
                    ProfileMsg::CharactersInvalid.into()
                ),
                ("city".to_owned(), ProfileMsg::CharactersInvalid.into()),
                ("state".to_owned(), ProfileMsg::StateInvalid.into()),
                ("zip_code".to_owned(), ProfileMsg::ZipInvalid.into()),
            ]
        );
        for zip in ["12345", "12345-6789"] {
            assert!(zip_ok(zip), "{zip}");
        }
        for zip in [
            "1234",
            "123456",
            "12345-",
            "12345-678",
            "abcde",
            "12345 6789",
        ] {
            assert!(!zip_ok(zip), "{zip}");
        }
    }

    #[test]
    fn unix_times_fall_on_their_utc_day() {
        assert_eq!(Date::from_unix(0), Date::new(1970, 1, 1).unwrap());
        assert_eq!(
            Date::from_unix(951_782_400),
            Date::new(2000, 2, 29).unwrap()
        );
        assert_eq!(
            Date::from_unix(1_795_737_615),
            Date::new(2026, 11, 27).unwrap()
        );
        assert_eq!(Date::from_unix(-1), Date::new(1969, 12, 31).unwrap());
        assert_eq!(Date::parse_iso("2000-02-29"), Date::new(2000, 2, 29));
        assert_eq!(Date::parse_iso("2001-02-29"), None);
        assert_eq!(Date::new(2000, 2, 29).unwrap().iso(), "2000-02-29");
    }
}
