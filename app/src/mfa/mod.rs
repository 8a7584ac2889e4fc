//! Second factors: authenticator apps (TOTP) and backup codes now, text and email codes and
//! passkeys later; confirming it is you before sensitive changes; the Sign-in and security page.

#[cfg(feature = "ssr")]
pub mod backup_codes;
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
#[cfg(feature = "ssr")]
pub mod totp;
