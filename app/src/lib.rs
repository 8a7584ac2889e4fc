//! Caseport's shared application: the HTML shell, the routes and every domain module.

pub mod accounts;
pub mod components;
pub mod error;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod infra;
pub mod mfa;
pub mod session;

use components::{Layout, NotFound};
use i18n::Locale;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

/// The language of this page: from the request on the server, from `<html lang>` in the browser.
fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        infra::request::request_locale()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|tag| Locale::from_tag(&tag))
            .unwrap_or_default()
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
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Once the page is hydrated (effects run only in the browser, after the first render), marks
/// `<html data-hydrated>` on the next frame, so tests and scripts know the page is interactive.
fn mark_hydrated() {
    #[cfg(not(feature = "ssr"))]
    Effect::new(|_| {
        request_animation_frame(|| {
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("data-hydrated", "");
            }
        });
    });
}

/// The application: routes inside the page frame.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(page_locale());
    mark_hydrated();
    view! {
        <Title formatter=|text: String| format!("{text} | Caseport")/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view={Lazy::<accounts::pages::LandingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("register") view={Lazy::<accounts::pages::RegisterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("verify-email") view={Lazy::<accounts::pages::VerifyEmailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("setup-authenticator") view={Lazy::<mfa::pages::SetupAuthenticatorRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("sign-in") view={Lazy::<accounts::pages::SignInRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("sign-in/code") view={Lazy::<mfa::pages::SignInCodeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("account") view={Lazy::<accounts::pages::AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("profile") view={Lazy::<accounts::pages::ProfileRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
