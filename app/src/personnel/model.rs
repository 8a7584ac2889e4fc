//! What the staff pages show and submit.

use crate::accounts::model::PasswordRules;
use serde::{Deserialize, Serialize};

/// A staff account as the staff page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    /// Its email address.
    pub email: String,
    /// The role's name.
    pub role: String,
}

/// An invitation not yet used, withdrawn or expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    /// The invitation's id (for the withdraw form; not the link's token).
    pub id: String,
    /// Who was invited.
    pub email: String,
    /// The role they will have.
    pub role: String,
    /// When the link stops working, written out.
    pub expires: String,
}

/// The staff page: staff accounts and pending invitations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOverview {
    /// Officers, supervisors and support staff, by email.
    pub members: Vec<StaffAccount>,
    /// Invitations waiting to be used, newest first.
    pub pending: Vec<PendingInvitation>,
}

/// "Invite a staff member", as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationForm {
    /// The person's work email address.
    pub email: String,
    /// `officer`, `supervisor` or `support`.
    pub role: String,
}

/// What the invitation link's page shows before the password is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    /// The invited email address (the account's).
    pub email: String,
    /// The role's name.
    pub role: String,
    /// The password rules, for the password fields.
    pub password: PasswordRules,
}

/// The invitation link's form, as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinForm {
    /// The token from the link.
    pub token: String,
    /// The new password.
    pub password: String,
    /// The same again.
    pub password_confirmation: String,
}
