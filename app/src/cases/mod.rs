//! Cases: receipt numbers, the status catalogue, public case status, the Case Status API and the
//! applicant's case pages.

#[cfg(feature = "ssr")]
pub mod dates;
#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod letters;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notices;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod seed;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod torch;
