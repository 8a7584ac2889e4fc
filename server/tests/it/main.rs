//! Caseport's HTTP-level, database and process tests, compiled as one test binary (one link
//! instead of one per file). Each module is one area; test names start with the number of the
//! docs/security.md item they prove.

mod support;

mod access;
mod account_deletion;
mod account_reset;
mod accounts;
mod backup_codes;
mod cases;
mod code_factors;
mod csrf_and_headers;
mod devices;
mod durability;
mod enforcement;
mod enrolment;
mod factor_lockout;
mod form_errors;
mod malformed;
mod mfa;
mod notifications;
mod officer;
mod outbox;
mod overload;
mod pages;
mod paper_filings;
mod passkeys;
mod ping;
mod profile;
mod recovery;
mod registration;
mod schema;
mod security_log;
mod sessions;
mod sign_in_alerts;
mod staff_invitations;
mod static_files;
mod support_desk;
mod throttling;
mod tls;
mod torch;
