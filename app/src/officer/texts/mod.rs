//! Everything the officers' console says, in every language (`en.rs`, `es.rs`).

mod en;
mod es;

use crate::i18n::{use_locale, Locale, Msg, PerLocale, Plural};
use serde::{Deserialize, Serialize};

static TEXTS: PerLocale<OfficerTexts> = [en::TEXTS, es::TEXTS];

/// The console's texts in `locale`.
pub fn texts(locale: Locale) -> &'static OfficerTexts {
    locale.pick(&TEXTS)
}

/// The console's texts in the current page's language.
pub fn use_texts() -> &'static OfficerTexts {
    texts(use_locale())
}

/// A message of the officers' console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfficerMsg {
    /// A queue filter names no status, form, centre or officer.
    FilterInvalid,
    /// The officer to assign to is not an officer or supervisor.
    AssigneeUnknown,
    /// A status that is not in the catalogue.
    StatusUnknown,
    /// A note or instructions longer than allowed.
    TextTooLong {
        /// Most characters.
        max: usize,
    },
    /// A due date that is not a date written YYYY-MM-DD.
    DueDateFormat,
    /// A due date today or in the past.
    DueDateTooSoon,
    /// The case's holder changed.
    Assigned,
    /// The new status was recorded.
    StatusChanged,
    /// The Request for Evidence was sent.
    EvidenceRequested,
    /// A paper filing was recorded.
    PaperFilingRecorded,
}

impl From<OfficerMsg> for Msg {
    fn from(msg: OfficerMsg) -> Self {
        Msg::Officer(msg)
    }
}

impl OfficerMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            OfficerMsg::FilterInvalid => t.filter_invalid.to_owned(),
            OfficerMsg::AssigneeUnknown => t.assignee_unknown.to_owned(),
            OfficerMsg::StatusUnknown => t.status_unknown.to_owned(),
            OfficerMsg::TextTooLong { max } => {
                t.text_too_long
                    .format(locale, u64::try_from(*max).unwrap_or(u64::MAX), &[])
            }
            OfficerMsg::DueDateFormat => t.due_date_format.to_owned(),
            OfficerMsg::DueDateTooSoon => t.due_date_too_soon.to_owned(),
            OfficerMsg::Assigned => t.assigned.to_owned(),
            OfficerMsg::StatusChanged => t.status_changed.to_owned(),
            OfficerMsg::EvidenceRequested => t.evidence_requested.to_owned(),
            OfficerMsg::PaperFilingRecorded => t.paper_filing_recorded.to_owned(),
        }
    }
}

/// The console's texts in one language; each field is named after the place it appears.
#[allow(missing_docs)]
pub struct OfficerTexts {
    pub queue_title: &'static str,
    pub queue_intro: &'static str,
    pub status: &'static str,
    pub form: &'static str,
    pub centre: &'static str,
    pub assignee: &'static str,
    pub any: &'static str,
    pub me: &'static str,
    pub nobody: &'static str,
    pub show_cases: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub no_cases_match: &'static str,
    pub receipt_number: &'static str,
    pub last_updated: &'static str,
    /// `{receipt}`.
    pub case_title: &'static str,
    pub applicant: &'static str,
    pub online_account: &'static str,
    pub linked: &'static str,
    pub not_linked: &'static str,
    pub received: &'static str,
    pub current_status: &'static str,
    pub take_case: &'static str,
    pub release_case: &'static str,
    pub assign_to: &'static str,
    pub assign: &'static str,
    pub act_hint: &'static str,
    pub change_status_title: &'static str,
    pub new_status: &'static str,
    pub choose_status: &'static str,
    pub note: &'static str,
    pub note_hint: &'static str,
    pub record_status: &'static str,
    pub request_title: &'static str,
    pub due_date: &'static str,
    pub due_date_hint: &'static str,
    pub instructions: &'static str,
    pub send_request: &'static str,
    pub open_request: &'static str,
    /// `{date}`.
    pub due_on: &'static str,
    pub history: &'static str,
    /// `{who}`.
    pub recorded_by: &'static str,
    pub back_to_queue: &'static str,
    pub filter_invalid: &'static str,
    pub assignee_unknown: &'static str,
    pub status_unknown: &'static str,
    /// `{n}`: most characters.
    pub text_too_long: Plural,
    pub due_date_format: &'static str,
    pub due_date_too_soon: &'static str,
    pub assigned: &'static str,
    pub status_changed: &'static str,
    pub evidence_requested: &'static str,
    pub paper_filing_recorded: &'static str,
    pub filing_title: &'static str,
    pub staff_accounts: &'static str,
    pub filing_intro: &'static str,
    pub notice_language: &'static str,
    pub record_filing: &'static str,
    pub access_notice_title: &'static str,
    pub reserved_number: &'static str,
    pub code_valid_until: &'static str,
    pub notice_claimed: &'static str,
    pub download_notice: &'static str,
}
