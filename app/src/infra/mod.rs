//! Server-only plumbing shared by every domain: state, database, clock, crypto, mail, throttling.

pub mod audit;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod download;
pub mod geo;
pub mod live;
pub mod local_limit;
pub mod mail;
pub mod outbox;
pub mod passwords;
pub mod pdf;
pub mod rate_limit;
pub mod request;
pub mod sms;
pub mod state;
