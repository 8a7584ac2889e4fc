//! What the support desk shows: deliberately little (no answers, no case contents, no history).

use serde::{Deserialize, Serialize};

/// An account as support sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportAccount {
    /// The account id (for the unlock form).
    pub id: String,
    /// The email address.
    pub email: String,
    /// The online account number, formatted.
    pub account_number: String,
    /// The role's name.
    pub role: String,
    /// Whether an authenticator is set up.
    pub has_authenticator: bool,
    /// Until when sign-in is paused after failures, written out, if it is.
    pub paused_until: Option<String>,
    /// The receipt numbers of the account's cases.
    pub receipts: Vec<String>,
}

/// A paper filing's Account Access Notice as support sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportNotice {
    /// The case id (for the reissue form and the download).
    pub case_id: String,
    /// The receipt number.
    pub receipt_number: String,
    /// The reserved account number, formatted.
    pub account_number: String,
    /// When the current code expires, written out.
    pub expires: String,
    /// Whether it was used.
    pub claimed: bool,
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportResult {
    /// The account, for an email address or account number.
    pub account: Option<SupportAccount>,
    /// The access notice, for a receipt number.
    pub notice: Option<SupportNotice>,
}
