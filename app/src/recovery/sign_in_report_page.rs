//! The page of the new-sign-in email's "This wasn't me" link: opening it changes nothing (mail
//! scanners open links); its button posts the token and secures the account. Works without
//! scripts (a plain form).

use super::{account_reset_pages::DeadLink, server_fns::ReportSignIn, texts::use_texts};
use crate::{
    components::{query_flag, ErrorSummary},
    error::AppError,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/sign-in-alert?token=…`: what securing the account does, and the button that does it.
#[component]
pub fn SignInReportPage() -> impl IntoView {
    let s = use_texts();
    #[cfg(feature = "ssr")]
    crate::infra::request::set_no_referrer();
    let report = ServerAction::<ReportSignIn>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || report.value().get().and_then(|r| r.err()));
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let done = query_flag("done");
    let invalid = query_flag("invalid");
    view! {
        <Title text=s.report_title/>
        <h1>{s.report_title}</h1>
        {move || if done.get() {
            Either::Left(view! {
                <div class="usa-alert usa-alert--success" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text" id="account-secured">{s.report_done}</p></div>
                </div>
            })
        } else if invalid.get() {
            Either::Right(Either::Left(view! { <DeadLink text=s.report_link_invalid/> }))
        } else {
            Either::Right(Either::Right(view! {
                <p class="usa-prose">{s.report_intro}</p>
                <ErrorSummary error/>
                <ActionForm action=report attr:class="usa-form">
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" class="usa-button usa-button--secondary">{s.report_button}</button>
                </ActionForm>
            }))
        }}
    }
}
