//! Second factors: authenticator apps (TOTP), codes by text message or email, passkeys and
//! security keys (WebAuthn), and backup codes;
//! confirming it is you before sensitive changes; the Sign-in and security page.

#[cfg(feature = "ssr")]
pub mod backup_codes;
#[cfg(feature = "ssr")]
pub mod code_factors;
pub mod code_pages;
#[cfg(feature = "ssr")]
pub mod emails;
pub mod model;
pub mod pages;
#[cfg(feature = "hydrate")]
pub mod passkey_browser;
pub mod passkey_pages;
#[cfg(feature = "ssr")]
pub mod passkey_store;
#[cfg(feature = "ssr")]
pub mod passkeys;
#[cfg(feature = "ssr")]
pub mod sent_codes;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod totp;
