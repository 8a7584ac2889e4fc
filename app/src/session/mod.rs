//! Server-side sessions: the sign-in state machine, stored in the database behind an opaque cookie.

pub mod model;
#[cfg(feature = "ssr")]
pub mod store;
