//! Recovery. "Forgot your password?" sends a single-use link; after it the person answers their
//! security questions, proves a second factor (or a backup code) and only then chooses a new
//! password, which ends every session. Nothing here signs anyone in. Someone who lost every second
//! factor but knows the password asks for an account reset, which takes effect after a waiting
//! period unless cancelled. An owner told of a sign-in that was not theirs secures the account from
//! the email's link.

#[cfg(feature = "ssr")]
pub mod account_reset;
pub mod account_reset_pages;
#[cfg(feature = "ssr")]
pub mod account_reset_store;
#[cfg(feature = "ssr")]
pub mod emails;
pub mod model;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
pub mod sign_in_report_page;
#[cfg(feature = "ssr")]
pub mod sign_in_reports;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
