//! Second factors: authenticator apps (TOTP) now; text, email codes, backup codes and passkeys later.

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
