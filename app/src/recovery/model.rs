//! What the recovery pages are told by the server.

use serde::{Deserialize, Serialize};

/// Where the account reset of the person signing in stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountResetStatus {
    /// When the open reset takes effect, in words; `None` if none is open.
    pub effective: Option<String>,
    /// Whether its waiting period is over (it can be finished through an emailed link).
    pub ready: bool,
    /// The waiting period, in hours.
    pub wait_hours: i64,
}
