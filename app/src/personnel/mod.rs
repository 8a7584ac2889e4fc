//! Staff accounts made in the app: a supervisor invites an officer, supervisor or support person
//! by email; the emailed link (256-bit, single use, 72 hours) lets them choose a password, and
//! their first sign-in enrols an authenticator app like everyone's. Lists staff and pending
//! invitations, and withdraws them. Every step is audited.

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
