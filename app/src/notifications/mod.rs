//! Notifications: what happened on a person's cases, kept in a notification centre with an unread
//! count and, per the person's settings, sent by email and text message through the outbox. The
//! domain that causes an event writes its words; this one stores and delivers them.

#[cfg(feature = "ssr")]
pub mod live;
pub mod model;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
