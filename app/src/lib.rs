//! Caseport's shared application: the HTML shell, the routes and every domain module.
#![recursion_limit = "256"]

pub mod accounts;
pub mod cases;
pub mod components;
pub mod error;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod infra;
pub mod mfa;
pub mod notifications;
pub mod officer;
pub mod personnel;
pub mod profile;
pub mod recovery;
pub mod session;
pub mod support;

use components::{Layout, NotFound};
use i18n::Locale;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The language of this page: from the request on the server, from `<html lang>` in the browser.
fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        infra::request::request_locale()
    }
    #[cfg(not(feature = "ssr"))]
    {
        i18n::document_locale()
    }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = page_locale();
    #[cfg(feature = "ssr")]
    infra::request::set_page_security_headers();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1a4480"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/favicon.ico" sizes="any"/>
                <link rel="icon" type="image/png" href="/icons/favicon-32.png"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <link rel="stylesheet" id="leptos" href=format!("/{}/caseport.css", options.site_pkg_dir)/>
                <script src="/register-sw.js" defer></script>
                <HydrationScripts options islands=true/>
                <script src="/navigate.js" defer></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: routes inside the page frame.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(page_locale());
    view! {
        <Title formatter=|text: String| format!("{text} | Caseport")/>
        <Router>
            <Layout signed_in_links=|| view! { <notifications::pages::NotificationsNavLink/> }>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=accounts::pages::LandingPage ssr=SsrMode::Async/>
                    <Route path=path!("register") view=accounts::pages::RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("verify-email") view=accounts::pages::VerifyEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("setup-authenticator") view=mfa::pages::SetupAuthenticatorPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in") view=accounts::pages::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/code") view=mfa::pages::SignInCodePage ssr=SsrMode::Async/>
                    <Route path=path!("forgot-password") view=recovery::pages::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("reset-password") view=recovery::pages::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("reset-password/questions") view=recovery::pages::RecoveryQuestionsPage ssr=SsrMode::Async/>
                    <Route path=path!("reset-password/verify") view=recovery::pages::RecoveryCodePage ssr=SsrMode::Async/>
                    <Route path=path!("reset-password/new") view=recovery::pages::NewPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/reset-methods") view=recovery::account_reset_pages::ResetMethodsPage ssr=SsrMode::Async/>
                    <Route path=path!("account-reset/cancel") view=recovery::account_reset_pages::CancelAccountResetPage ssr=SsrMode::Async/>
                    <Route path=path!("account-reset/finish") view=recovery::account_reset_pages::FinishAccountResetPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in-alert") view=recovery::sign_in_report_page::SignInReportPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/methods") view=mfa::pages::SignInMethodsPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/backup-code") view=mfa::pages::SignInBackupCodePage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/app") view=mfa::pages::SignInAppPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/passkey") view=mfa::passkey_pages::SignInPasskeyPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/text") view=mfa::code_pages::SignInTextPage ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/email-code") view=mfa::code_pages::SignInEmailCodePage ssr=SsrMode::Async/>
                    <Route path=path!("setup-phone") view=mfa::code_pages::SetupPhonePage ssr=SsrMode::Async/>
                    <Route path=path!("setup-email-codes") view=mfa::code_pages::SetupEmailCodesPage ssr=SsrMode::Async/>
                    <Route path=path!("account/security/phone") view=mfa::code_pages::SecurityPhonePage ssr=SsrMode::Async/>
                    <Route path=path!("account/security/passkey") view=mfa::passkey_pages::AddPasskeyPage ssr=SsrMode::Async/>
                    <Route path=path!("account/security/app") view=mfa::pages::NewAppPage ssr=SsrMode::Async/>
                    <Route path=path!("account") view=cases::pages::AccountHomePage ssr=SsrMode::Async/>
                    <Route path=path!("account/add-case") view=cases::pages::AddCasePage ssr=SsrMode::Async/>
                    <Route path=path!("account/security") view=mfa::pages::SecurityPage ssr=SsrMode::Async/>
                    <Route path=path!("account/security/backup-codes") view=mfa::pages::NewBackupCodesPage ssr=SsrMode::Async/>
                    <Route path=path!("account/reauthenticate") view=mfa::pages::ReauthenticatePage ssr=SsrMode::Async/>
                    <Route path=path!("account/history") view=accounts::pages::AccountHistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("account/devices") view=accounts::pages::DevicesListPage ssr=SsrMode::Async/>
                    <Route path=path!("account/password") view=accounts::pages::ChangePasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("account/delete") view=accounts::pages::DeleteAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("case-status") view=cases::pages::CaseStatusPage ssr=SsrMode::Async/>
                    <Route path=path!("cases/:id") view=cases::pages::CasePage ssr=SsrMode::Async/>
                    <Route path=path!("officer") view=officer::pages::OfficerQueuePage ssr=SsrMode::Async/>
                    <Route path=path!("officer/cases/:id") view=officer::pages::StaffCasePage ssr=SsrMode::Async/>
                    <Route path=path!("officer/filings/new") view=officer::pages::PaperFilingPage ssr=SsrMode::Async/>
                    <Route path=path!("profile") view=profile::pages::ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("account/details") view=profile::pages::EditDetailsPage ssr=SsrMode::Async/>
                    <Route path=path!("account/email") view=profile::pages::ChangeEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("notifications") view=notifications::pages::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("support") view=support::pages::SupportPage ssr=SsrMode::Async/>
                    <Route path=path!("officer/staff") view=personnel::pages::StaffPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/join") view=personnel::pages::JoinPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
