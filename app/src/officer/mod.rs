//! The officers' console: the case queue with filters and keyset pages, and the actions on a case
//! (assign, change status, request evidence). Officers see the cases they hold and the ones nobody
//! holds; supervisors see and assign all. Every action is audited.

#[cfg(feature = "ssr")]
pub mod documents;
pub mod model;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
