//! Server-side sessions: the sign-in state machine, stored in the database behind an opaque cookie,
//! and the guards that check a request's step of the flow.

#[cfg(feature = "ssr")]
pub mod access;
pub mod model;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod store;
