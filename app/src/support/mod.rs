//! The support desk: find an account by email address or online account number (showing only
//! what support needs), lift a sign-in pause, and find a paper filing by receipt number to issue
//! its Account Access Notice again. Support and supervisors only; every lookup and action is
//! audited.

pub mod model;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
