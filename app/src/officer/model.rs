//! What the officers' console shows and submits; the server checks every field again.

use serde::{Deserialize, Serialize};

/// The queue's filters as the filter form (a GET) sends them; empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// A status code from the catalogue.
    #[serde(default)]
    pub status: String,
    /// A form code, e.g. `I-130`.
    #[serde(default)]
    pub form: String,
    /// A centre's three letters.
    #[serde(default)]
    pub centre: String,
    /// `me`, `unassigned`, an officer's account id, or empty for anyone.
    #[serde(default)]
    pub assignee: String,
    /// Where the previous page ended (opaque cursor).
    #[serde(default)]
    pub after: String,
}

/// One line of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    /// The case's random id.
    pub id: String,
    /// The receipt number.
    pub receipt_number: String,
    /// The form's code.
    pub form: String,
    /// The current status's title.
    pub status_title: String,
    /// When the status last changed, written out.
    pub last_updated: String,
    /// Who holds the case (email), if anyone.
    pub assignee: Option<String>,
}

/// A page of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    /// The cases, most recently changed first.
    pub rows: Vec<QueueRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    /// Officers and supervisors (for the assignee filter).
    pub staff: Vec<StaffMember>,
    /// Whether the caller is a supervisor (who invites staff at `/officer/staff`).
    pub may_manage_staff: bool,
}

/// An officer or supervisor as the console names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// Account id.
    pub id: String,
    /// Email address.
    pub email: String,
}

/// One status in the staff's view of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffHistoryEntry {
    /// When, written out.
    pub date: String,
    /// The status's title.
    pub title: String,
    /// Who recorded it (email), if a person did.
    pub actor: Option<String>,
    /// The staff note, if any.
    pub note: Option<String>,
}

/// A case as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCase {
    /// Random id.
    pub id: String,
    /// The receipt number.
    pub receipt_number: String,
    /// The form's code and name.
    pub form: String,
    /// The applicant's name as filed.
    pub applicant_name: String,
    /// Whether an online account is linked.
    pub linked: bool,
    /// The current status's code.
    pub status: String,
    /// The current status's title.
    pub status_title: String,
    /// When the filing was received, written out.
    pub received: String,
    /// Who holds the case (email), if anyone.
    pub assignee: Option<String>,
    /// Whether the caller holds it.
    pub held_by_caller: bool,
    /// Whether the caller may assign it to others (supervisors).
    pub may_assign_others: bool,
    /// Officers and supervisors it can be given to (supervisors only).
    pub staff: Vec<StaffMember>,
    /// The open Request for Evidence: due date written out and instructions.
    pub open_request: Option<(String, String)>,
    /// Every status with actor and note, newest first.
    pub history: Vec<StaffHistoryEntry>,
    /// The Account Access Notice of a paper filing, if the case has one.
    pub access_notice: Option<StaffAccessNotice>,
}

/// A paper filing's Account Access Notice as staff see it (never the code itself: that is only
/// printed on the notice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccessNotice {
    /// The reserved online account number, formatted.
    pub account_number: String,
    /// When the code stops working, written out.
    pub expires: String,
    /// Whether someone has used it (registered with it or added the case).
    pub claimed: bool,
    /// Where to download the printable notice (while unclaimed).
    pub href: Option<String>,
}

/// "Record a paper filing", as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperFilingForm {
    /// Form code, e.g. `I-485`.
    pub form: String,
    /// Service centre code, e.g. `IOE`.
    pub centre: String,
    /// The applicant's name as written on the form.
    pub applicant_name: String,
    /// The language to print the notices in (`en`, `es`).
    pub language: String,
}

/// The change-status form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The case's id.
    pub id: String,
    /// A status code from the catalogue.
    pub status: String,
    /// An optional note for staff.
    #[serde(default)]
    pub note: String,
}

/// The Request for Evidence form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRequestForm {
    /// The case's id.
    pub id: String,
    /// The due date, `YYYY-MM-DD`.
    pub due_date: String,
    /// What the applicant must send.
    pub instructions: String,
}
