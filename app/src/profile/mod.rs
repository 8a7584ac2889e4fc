//! The Profile: the account's numbers and personal details (name, date of birth, mailing
//! address), and moving the account to a new email address, which counts only once a code sent
//! to it comes back.

#[cfg(feature = "ssr")]
pub mod emails;
pub mod model;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
