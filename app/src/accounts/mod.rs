//! Accounts: registration, email verification, password sign-in, sign-out and the Profile.

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod access_notices;
#[cfg(feature = "ssr")]
pub mod active_sessions;
#[cfg(feature = "ssr")]
pub mod devices;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod factor_lockout;
#[cfg(feature = "ssr")]
pub mod history;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod passwords;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sign_in_alerts;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
