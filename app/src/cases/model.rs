//! Case types shared by the browser and the server: receipt numbers as people type them, form
//! types, the one catalogue of case statuses, and what case pages show.

use super::texts::CasesMsg;
use crate::i18n::{CommonMsg, Msg};
use serde::{Deserialize, Serialize};

/// The service centres whose three letters open a receipt number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceCentre {
    /// Vermont Service Center.
    Eac,
    /// California Service Center.
    Wac,
    /// Nebraska Service Center.
    Lin,
    /// Texas Service Center.
    Src,
    /// National Benefits Center.
    Nbc,
    /// National Benefits Center (older prefix).
    Msc,
    /// Electronic processing (online filings).
    Ioe,
    /// Potomac Service Center.
    Ysc,
}

impl ServiceCentre {
    /// Every centre, in the order officers' filters list them.
    pub const ALL: [ServiceCentre; 8] = [
        ServiceCentre::Eac,
        ServiceCentre::Wac,
        ServiceCentre::Lin,
        ServiceCentre::Src,
        ServiceCentre::Nbc,
        ServiceCentre::Msc,
        ServiceCentre::Ioe,
        ServiceCentre::Ysc,
    ];

    /// The three letters, upper case.
    pub fn code(self) -> &'static str {
        match self {
            ServiceCentre::Eac => "EAC",
            ServiceCentre::Wac => "WAC",
            ServiceCentre::Lin => "LIN",
            ServiceCentre::Src => "SRC",
            ServiceCentre::Nbc => "NBC",
            ServiceCentre::Msc => "MSC",
            ServiceCentre::Ioe => "IOE",
            ServiceCentre::Ysc => "YSC",
        }
    }

    /// The centre for three letters (any case).
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }
}

/// Why a typed receipt number was refused; each has a sentence for people
/// ([`CasesMsg::Receipt`]) and the API answers 400 with the same words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReceiptProblem {
    /// Nothing was typed.
    Empty,
    /// A character other than letters, digits, spaces and dashes.
    UnexpectedCharacter,
    /// The number does not start with three letters.
    MissingPrefix,
    /// Three letters, but not those of a service centre.
    UnknownCentre,
    /// Fewer than ten digits after the letters.
    TooFewDigits,
    /// More than ten digits after the letters.
    TooManyDigits,
}

/// A receipt number: a service centre's three letters and ten digits, e.g. `IOE0912345678`.
/// Stored and shown in the canonical 13-character form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReceiptNumber(String);

impl ReceiptNumber {
    /// Longest input looked at; anything longer is refused without being scanned further.
    pub const MAX_INPUT: usize = 64;

    /// Parses what a person typed: spaces, dashes and lower case are accepted
    /// (`ioe-091-234-5678`), anything else is explained.
    pub fn parse(input: &str) -> Result<Self, ReceiptProblem> {
        if input.len() > Self::MAX_INPUT {
            return Err(ReceiptProblem::TooManyDigits);
        }
        let mut compact = String::with_capacity(13);
        for c in input.chars() {
            match c {
                ' ' | '-' | '\t' | '\u{a0}' => {}
                c if c.is_ascii_alphanumeric() => compact.push(c.to_ascii_uppercase()),
                _ => return Err(ReceiptProblem::UnexpectedCharacter),
            }
        }
        if compact.is_empty() {
            return Err(ReceiptProblem::Empty);
        }
        let letters = compact
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if letters != 3 {
            return Err(ReceiptProblem::MissingPrefix);
        }
        let (prefix, digits) = compact.split_at(3);
        if ServiceCentre::parse(prefix).is_none() {
            return Err(ReceiptProblem::UnknownCentre);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ReceiptProblem::UnexpectedCharacter);
        }
        match digits.len() {
            10 => Ok(ReceiptNumber(compact)),
            n if n < 10 => Err(ReceiptProblem::TooFewDigits),
            _ => Err(ReceiptProblem::TooManyDigits),
        }
    }

    /// Builds a number from a centre and ten digits (values 0–9).
    pub fn from_parts(centre: ServiceCentre, digits: [u8; 10]) -> Self {
        let mut text = String::with_capacity(13);
        text.push_str(centre.code());
        text.extend(digits.iter().map(|d| char::from(b'0' + d % 10)));
        ReceiptNumber(text)
    }

    /// The 13 characters, e.g. `IOE0912345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The service centre named by the first three letters.
    pub fn centre(&self) -> ServiceCentre {
        ServiceCentre::parse(&self.0[..3]).unwrap_or(ServiceCentre::Ioe)
    }
}

impl std::fmt::Display for ReceiptNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The receipt number typed into `field`, or the message that says what is wrong with it.
pub fn parse_receipt_field(input: &str) -> Result<ReceiptNumber, Msg> {
    ReceiptNumber::parse(input).map_err(|problem| match problem {
        ReceiptProblem::Empty => CommonMsg::Required.into(),
        problem => CasesMsg::Receipt(problem).into(),
    })
}

/// A notice listed under a case's documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDocument {
    /// Where to download it.
    pub href: String,
    /// Its title, in the language it is written in.
    pub title: String,
    /// When it was issued, in the page's language.
    pub date: String,
}

/// "Add a case": the receipt number and access code from an Account Access Notice, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddCaseForm {
    /// The receipt number.
    pub receipt: String,
    /// The access code.
    pub access_code: String,
}

/// The forms a case can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FormType {
    /// Petition for Alien Relative.
    I130,
    /// Application to Register Permanent Residence or Adjust Status.
    I485,
    /// Application for Employment Authorization.
    I765,
    /// Application to Replace Permanent Resident Card.
    I90,
    /// Application for Naturalization.
    N400,
    /// Application for Travel Document.
    I131,
    /// Alien's Change of Address Card.
    Ar11,
    /// Petition to Remove Conditions on Residence.
    I751,
    /// Application to Extend/Change Nonimmigrant Status.
    I539,
}

impl FormType {
    /// Every form type, in the order forms list them.
    pub const ALL: [FormType; 9] = [
        FormType::I130,
        FormType::I485,
        FormType::I765,
        FormType::I90,
        FormType::N400,
        FormType::I131,
        FormType::Ar11,
        FormType::I751,
        FormType::I539,
    ];

    /// The form's number as printed on it, e.g. `I-130`.
    pub fn code(self) -> &'static str {
        match self {
            FormType::I130 => "I-130",
            FormType::I485 => "I-485",
            FormType::I765 => "I-765",
            FormType::I90 => "I-90",
            FormType::N400 => "N-400",
            FormType::I131 => "I-131",
            FormType::Ar11 => "AR-11",
            FormType::I751 => "I-751",
            FormType::I539 => "I-539",
        }
    }

    /// The form type for its number (any case, with or without the dash).
    pub fn parse(text: &str) -> Option<Self> {
        let wanted: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Self::ALL
            .into_iter()
            .find(|f| f.code().replace('-', "") == wanted)
    }

    /// Position in [`FormType::ALL`] (indexes the per-language form names).
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// One entry of the status catalogue. Every status a case can be in comes from here; the
/// database stores [`CaseStatus::code`], and each language has a title, a description and a
/// sentence for the history, in this order (`cases::texts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseStatus {
    /// Case Was Received.
    CaseReceived,
    /// Case Was Received and A Receipt Notice Was Sent.
    ReceiptNoticeSent,
    /// Fingerprint Fee Was Received.
    FingerprintFeeReceived,
    /// Case Was Updated To Show Fingerprints Were Taken.
    FingerprintsTaken,
    /// Request for Initial Evidence Was Sent.
    InitialEvidenceRequested,
    /// Request for Evidence Was Sent.
    EvidenceRequested,
    /// Response To USCIS' Request For Evidence Was Received.
    EvidenceResponseReceived,
    /// Case Is Being Actively Reviewed By USCIS.
    ActivelyReviewed,
    /// Case is Ready to Be Scheduled for An Interview.
    ReadyForInterview,
    /// Interview Was Scheduled.
    InterviewScheduled,
    /// Interview Was Completed And My Case Must Be Reviewed.
    InterviewCompleted,
    /// Notice Of Intent To Deny Was Sent.
    IntentToDenySent,
    /// Notice Explaining USCIS Actions Was Mailed.
    ActionsExplained,
    /// Case Was Approved.
    Approved,
    /// Case Approval Was Affirmed.
    ApprovalAffirmed,
    /// Case Was Denied.
    Denied,
    /// Case Was Rejected Because It Was Improperly Filed.
    RejectedImproperlyFiled,
    /// Case Rejected Because I Sent An Incorrect Fee.
    RejectedIncorrectFee,
    /// Case Was Transferred And A New Office Has Jurisdiction.
    Transferred,
    /// New Card Is Being Produced.
    CardBeingProduced,
    /// Card Was Mailed To Me.
    CardMailed,
    /// Card Was Picked Up By The United States Postal Service.
    CardPickedUpByPostalService,
    /// Card Was Delivered To Me By The Post Office.
    CardDelivered,
    /// Card Was Returned To USCIS.
    CardReturned,
    /// Document Was Mailed To Me.
    DocumentMailed,
    /// Notice Was Returned To USCIS Because The Post Office Could Not Deliver It.
    NoticeReturned,
    /// Name Was Updated.
    NameUpdated,
    /// Fee Will Be Refunded.
    FeeRefunded,
    /// Withdrawal Acknowledgement Notice Was Sent.
    WithdrawalAcknowledged,
    /// Oath Ceremony Was Scheduled.
    OathScheduled,
    /// Certificate Of Naturalization Was Issued.
    CertificateIssued,
    /// Case Was Sent To The Department of State.
    SentToStateDepartment,
}

impl CaseStatus {
    /// The whole catalogue, in the order of the text tables.
    pub const ALL: [CaseStatus; 32] = [
        CaseStatus::CaseReceived,
        CaseStatus::ReceiptNoticeSent,
        CaseStatus::FingerprintFeeReceived,
        CaseStatus::FingerprintsTaken,
        CaseStatus::InitialEvidenceRequested,
        CaseStatus::EvidenceRequested,
        CaseStatus::EvidenceResponseReceived,
        CaseStatus::ActivelyReviewed,
        CaseStatus::ReadyForInterview,
        CaseStatus::InterviewScheduled,
        CaseStatus::InterviewCompleted,
        CaseStatus::IntentToDenySent,
        CaseStatus::ActionsExplained,
        CaseStatus::Approved,
        CaseStatus::ApprovalAffirmed,
        CaseStatus::Denied,
        CaseStatus::RejectedImproperlyFiled,
        CaseStatus::RejectedIncorrectFee,
        CaseStatus::Transferred,
        CaseStatus::CardBeingProduced,
        CaseStatus::CardMailed,
        CaseStatus::CardPickedUpByPostalService,
        CaseStatus::CardDelivered,
        CaseStatus::CardReturned,
        CaseStatus::DocumentMailed,
        CaseStatus::NoticeReturned,
        CaseStatus::NameUpdated,
        CaseStatus::FeeRefunded,
        CaseStatus::WithdrawalAcknowledged,
        CaseStatus::OathScheduled,
        CaseStatus::CertificateIssued,
        CaseStatus::SentToStateDepartment,
    ];

    /// The code stored in the database and accepted by officer forms.
    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::CaseReceived => "case_received",
            CaseStatus::ReceiptNoticeSent => "receipt_notice_sent",
            CaseStatus::FingerprintFeeReceived => "fingerprint_fee_received",
            CaseStatus::FingerprintsTaken => "fingerprints_taken",
            CaseStatus::InitialEvidenceRequested => "initial_evidence_requested",
            CaseStatus::EvidenceRequested => "evidence_requested",
            CaseStatus::EvidenceResponseReceived => "evidence_response_received",
            CaseStatus::ActivelyReviewed => "actively_reviewed",
            CaseStatus::ReadyForInterview => "ready_for_interview",
            CaseStatus::InterviewScheduled => "interview_scheduled",
            CaseStatus::InterviewCompleted => "interview_completed",
            CaseStatus::IntentToDenySent => "intent_to_deny_sent",
            CaseStatus::ActionsExplained => "actions_explained",
            CaseStatus::Approved => "approved",
            CaseStatus::ApprovalAffirmed => "approval_affirmed",
            CaseStatus::Denied => "denied",
            CaseStatus::RejectedImproperlyFiled => "rejected_improperly_filed",
            CaseStatus::RejectedIncorrectFee => "rejected_incorrect_fee",
            CaseStatus::Transferred => "transferred",
            CaseStatus::CardBeingProduced => "card_being_produced",
            CaseStatus::CardMailed => "card_mailed",
            CaseStatus::CardPickedUpByPostalService => "card_picked_up_by_postal_service",
            CaseStatus::CardDelivered => "card_delivered",
            CaseStatus::CardReturned => "card_returned",
            CaseStatus::DocumentMailed => "document_mailed",
            CaseStatus::NoticeReturned => "notice_returned",
            CaseStatus::NameUpdated => "name_updated",
            CaseStatus::FeeRefunded => "fee_refunded",
            CaseStatus::WithdrawalAcknowledged => "withdrawal_acknowledged",
            CaseStatus::OathScheduled => "oath_scheduled",
            CaseStatus::CertificateIssued => "certificate_issued",
            CaseStatus::SentToStateDepartment => "sent_to_state_department",
        }
    }

    /// The status for a stored code; `None` for anything not in the catalogue.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Position in [`CaseStatus::ALL`] (indexes the per-language texts).
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// Whether this status asks the applicant for evidence (the case page shows what to do).
    pub fn requests_evidence(self) -> bool {
        matches!(
            self,
            CaseStatus::InitialEvidenceRequested | CaseStatus::EvidenceRequested
        )
    }
}

/// One past status of a case, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When, written out.
    pub date: String,
    /// The status's title.
    pub title: String,
    /// What happened, in one sentence.
    pub text: String,
}

/// A case's status as the public lookup and the case page show it, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStatusView {
    /// The receipt number.
    pub receipt_number: String,
    /// The form's number, e.g. `I-130`.
    pub form: String,
    /// The form's name.
    pub form_name: String,
    /// The current status's title.
    pub title: String,
    /// The current status's description.
    pub description: String,
    /// When the filing was received, written out.
    pub received: String,
    /// When the status last changed, written out.
    pub last_updated: String,
    /// Every status, newest first.
    pub history: Vec<HistoryEntry>,
}

/// A line of the applicant's case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    /// The case's random id (for its page's URL).
    pub id: String,
    /// The receipt number.
    pub receipt_number: String,
    /// The form's number.
    pub form: String,
    /// The current status's title.
    pub title: String,
    /// When the status last changed, written out.
    pub last_updated: String,
}

/// The signed-in home: the account's cases, and whether it works cases (staff get a link to
/// the officers' console).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyHome {
    /// The account's cases, most recently changed first.
    pub cases: Vec<CaseSummary>,
    /// Whether the account is an officer or supervisor.
    pub works_cases: bool,
    /// How many notifications are unread.
    pub unread_notifications: i64,
}

/// The applicant's case page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    /// The case's random id.
    pub id: String,
    /// Status, description and history.
    pub status: CaseStatusView,
    /// Whether the current status asks the applicant for evidence.
    pub evidence_requested: bool,
    /// The open Request for Evidence, if any: its due date written out and what to send.
    pub open_request: Option<(String, String)>,
    /// The case's notices, newest first.
    pub documents: Vec<CaseDocument>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_numbers_are_read_the_way_people_type_them() {
        for typed in [
            "IOE0912345678",
            "ioe0912345678",
            " IOE-091-234-5678 ",
            "IOE 0912 345 678",
        ] {
            assert_eq!(
                ReceiptNumber::parse(typed).map(|r| r.to_string()),
                Ok("IOE0912345678".to_owned()),
                "{typed}"
            );
        }
    }

    #[test]
    fn each_malformed_receipt_number_is_explained() {
        let cases = [
            ("", ReceiptProblem::Empty),
            (" - ", ReceiptProblem::Empty),
            ("IOE09123456*8", ReceiptProblem::UnexpectedCharacter),
            ("IOÉ0912345678", ReceiptProblem::UnexpectedCharacter),
            ("0912345678", ReceiptProblem::MissingPrefix),
            ("IO0912345678", ReceiptProblem::MissingPrefix),
            ("IOEX912345678", ReceiptProblem::MissingPrefix),
            ("XYZ0912345678", ReceiptProblem::UnknownCentre),
            ("IOE091234567", ReceiptProblem::TooFewDigits),
            ("IOE09123456789", ReceiptProblem::TooManyDigits),
            ("IOE091234567A", ReceiptProblem::UnexpectedCharacter),
        ];
        for (typed, problem) in cases {
            assert_eq!(ReceiptNumber::parse(typed), Err(problem), "{typed:?}");
        }
    }

    #[test]
    fn every_status_code_round_trips_and_codes_are_unique() {
        let mut codes = std::collections::HashSet::new();
        for status in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(status.code()), Some(status));
            assert!(codes.insert(status.code()));
            assert_eq!(CaseStatus::ALL[status.index()], status);
        }
        assert_eq!(CaseStatus::parse("made_up"), None);
    }

    use crate::{cases::texts::CasesMsg, i18n::Locale};
    use proptest::prelude::*;

    fn centre() -> impl Strategy<Value = ServiceCentre> {
        proptest::sample::select(ServiceCentre::ALL.to_vec())
    }

    fn digits() -> impl Strategy<Value = [u8; 10]> {
        proptest::array::uniform10(0u8..10)
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_every_refusal_is_explained(input in any::<String>()) {
            match ReceiptNumber::parse(&input) {
                Ok(receipt) => prop_assert_eq!(receipt.as_str().len(), 13),
                Err(problem) => {
                    for locale in Locale::ALL {
                        prop_assert!(!CasesMsg::Receipt(problem).text(locale).is_empty());
                    }
                    prop_assert!(parse_receipt_field(&input).is_err());
                }
            }
        }

        #[test]
        fn a_number_parses_back_to_itself(centre in centre(), digits in digits()) {
            let receipt = ReceiptNumber::from_parts(centre, digits);
            prop_assert_eq!(ReceiptNumber::parse(&receipt.to_string()), Ok(receipt.clone()));
            prop_assert_eq!(receipt.centre(), centre);
        }

        #[test]
        fn separators_and_case_never_change_the_number(
            centre in centre(),
            digits in digits(),
            separators in proptest::collection::vec((0usize..14, prop_oneof![Just(" "), Just("-"), Just("\t")]), 0..6),
            lower in any::<bool>(),
        ) {
            let receipt = ReceiptNumber::from_parts(centre, digits);
            let mut typed: String = if lower { receipt.as_str().to_lowercase() } else { receipt.to_string() };
            for (at, separator) in separators {
                let at = at.min(typed.len());
                typed.insert_str(at, separator);
            }
            prop_assert_eq!(ReceiptNumber::parse(&typed), Ok(receipt));
        }

        #[test]
        fn near_misses_are_accepted_exactly_when_they_are_a_centre_and_ten_digits(
            input in "[A-Za-z]{0,4}[0-9]{0,12}[A-Za-z]{0,1}"
        ) {
            let upper = input.to_ascii_uppercase();
            let valid = upper.len() == 13
                && ServiceCentre::parse(&upper[..3]).is_some()
                && upper[3..].chars().all(|c| c.is_ascii_digit());
            prop_assert_eq!(ReceiptNumber::parse(&input).is_ok(), valid, "{}", input);
        }
    }

    #[test]
    fn form_types_parse_with_or_without_the_dash() {
        for form in FormType::ALL {
            assert_eq!(FormType::parse(form.code()), Some(form));
            assert_eq!(
                FormType::parse(&form.code().replace('-', "").to_lowercase()),
                Some(form)
            );
        }
        assert_eq!(FormType::parse("I-999"), None);
    }
}
