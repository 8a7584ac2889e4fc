//! Second-factor types shared with the browser.

use serde::{Deserialize, Serialize};

/// What the set-up page shows: the same secret three ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// The `otpauth://totp/...` URI encoded in the QR code.
    pub otpauth_uri: String,
    /// The Base32 key in groups of four, for typing into an app by hand.
    pub secret_grouped: String,
    /// The QR code as a `data:image/svg+xml;base64,...` URI.
    pub qr_data_uri: String,
}
