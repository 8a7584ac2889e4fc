//! Case dates as each audience writes them: long dates in the reader's language for pages and
//! notices, and the Case Status API's fixed formats. Times are stored as Unix seconds and shown
//! in UTC.

use crate::i18n::Locale;
use time::OffsetDateTime;

fn utc(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// "September 5, 2023" / "5 de septiembre de 2023".
pub fn long_date(unix: i64, locale: Locale) -> String {
    crate::i18n::long_date(unix, locale)
}

/// The API's `submittedDate`/`modifiedDate` format: `09-05-2023 14:28:46` (month first).
pub fn api_date_time(unix: i64) -> String {
    let t = utc(unix);
    format!(
        "{:02}-{:02}-{:04} {:02}:{:02}:{:02}",
        u8::from(t.month()),
        t.day(),
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The API's history date format: `2023-09-05`.
pub fn api_date(unix: i64) -> String {
    let t = utc(unix);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// The UTC day number (days since 1970-01-01) of a time, for daily quotas.
pub fn day_number(unix: i64) -> i64 {
    unix.div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2023-09-05 14:28:46 UTC
    const SAMPLE: i64 = 1_693_924_126;

    #[test]
    fn api_formats_match_the_case_status_api() {
        assert_eq!(api_date_time(SAMPLE), "09-05-2023 14:28:46");
        assert_eq!(api_date(SAMPLE), "2023-09-05");
    }

    #[test]
    fn long_dates_are_in_the_readers_language() {
        assert_eq!(long_date(SAMPLE, Locale::En), "September 5, 2023");
        assert_eq!(long_date(SAMPLE, Locale::Es), "5 de septiembre de 2023");
    }

    #[test]
    fn day_numbers_change_at_utc_midnight() {
        assert_eq!(day_number(0), 0);
        assert_eq!(day_number(86_399), 0);
        assert_eq!(day_number(86_400), 1);
        assert_eq!(day_number(-1), -1);
    }
}
