//! The support desk in English.

use super::SupportTexts;

pub(super) const TEXTS: SupportTexts = SupportTexts {
    title: "Support desk",
    intro: "Find an account by its email address or online account number, or a paper filing by its receipt number. Every search is recorded.",
    query: "Email address, online account number or receipt number",
    query_hint: "For example name@example.com, 1234 5678 9012 or IOE0912345678.",
    search: "Search",
    email: "Email address",
    account_number: "Online account number",
    role: "Role",
    authenticator: "Authentication app set up",
    yes: "Yes",
    no: "No",
    sign_in: "Sign-in",
    not_paused: "Not paused",
    paused_until: "Paused after failed attempts until {date}",
    unlock: "Lift the sign-in pause",
    cases: "Cases",
    none: "None",
    notice_title: "Account Access Notice",
    receipt_number: "Receipt number",
    code_valid_until: "Access code valid until",
    notice_used: "Used: the case is linked to an account.",
    reissue: "Issue a new access code",
    download: "Download the Account Access Notice (PDF)",
    query_invalid: "Enter an email address, a 12-digit online account number or a receipt number.",
    nothing_found: "Nothing matches this search.",
    unlocked: "The sign-in pause was lifted.",
    notice_reissued: "A new access code was issued; the old one no longer works. Print the notice and send it.",
};
