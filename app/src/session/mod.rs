//! Server-side sessions: the sign-in state machine, stored in the database behind an opaque cookie,
//! and the one place that says who is calling (the principal) and what they may call.

#[cfg(feature = "ssr")]
pub mod access;
pub mod model;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod store;
