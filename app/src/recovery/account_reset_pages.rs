//! Pages of the account reset: asking for it at the second sign-in step when no method works, and
//! cancelling it from the emailed link. Both work without scripts (plain forms).

use super::{
    model::AccountResetStatus,
    server_fns::{
        get_account_reset_status, CancelAccountReset, FinishAccountReset, RequestAccountReset,
        SendAccountResetFinish,
    },
    texts::use_texts,
};
use crate::{
    components::{query_flag, ErrorSummary, RequireStep},
    error::AppError,
    i18n::{fill, use_common},
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/sign-in/reset-methods`: "I can't use any of these" — what a reset does, and the button that
/// asks for it (or when the one asked for takes effect).
#[component]
pub fn ResetMethodsPage() -> impl IntoView {
    let s = use_texts();
    let status = Resource::new(|| (), |_| get_account_reset_status());
    view! {
        <Title text=s.account_reset_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <ResetMethods status/>
        </RequireStep>
    }
}

#[component]
fn ResetMethods(status: Resource<Result<AccountResetStatus, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let request = ServerAction::<RequestAccountReset>::new();
    let finish = ServerAction::<SendAccountResetFinish>::new();
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        finish
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| request.value().get().and_then(|r| r.err()))
    });
    let sent = query_flag("sent");
    view! {
        <h1>{s.account_reset_title}</h1>
        {move || sent.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text" id="finish-sent">{s.account_reset_finish_sent}</p></div>
            </div>
        })}
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(AccountResetStatus { effective: Some(_), ready: true, .. }) => view! {
                        <p class="usa-prose" id="reset-ready">{s.account_reset_ready}</p>
                        <ActionForm action=finish attr:class="usa-form">
                            <button type="submit" class="usa-button usa-button--secondary">{s.account_reset_send_finish}</button>
                        </ActionForm>
                    }.into_any(),
                    Ok(AccountResetStatus { effective: Some(when), .. }) => view! {
                        <div class="usa-alert usa-alert--warning" role="status">
                            <div class="usa-alert__body">
                                <p class="usa-alert__text" id="reset-pending">{fill(s.account_reset_pending, &[("when", &when)])}</p>
                            </div>
                        </div>
                    }.into_any(),
                    Ok(AccountResetStatus { wait_hours, .. }) => view! {
                        <p class="usa-prose">{fill(s.account_reset_intro, &[("hours", &wait_hours)])}</p>
                        <ActionForm action=request attr:class="usa-form">
                            <button type="submit" class="usa-button usa-button--secondary">{s.account_reset_button}</button>
                        </ActionForm>
                    }.into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error))/> }.into_any(),
                }
            })}
        </Suspense>
        <p><a class="usa-link" href="/sign-in/methods">{s.account_reset_back}</a></p>
    }
}

/// `/account-reset/cancel?token=…`: the emailed link's page. Opening it changes nothing (mail
/// scanners open links); the button posts the token.
#[component]
pub fn CancelAccountResetPage() -> impl IntoView {
    let s = use_texts();
    #[cfg(feature = "ssr")]
    crate::infra::request::set_no_referrer();
    let cancel = ServerAction::<CancelAccountReset>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || cancel.value().get().and_then(|r| r.err()));
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let cancelled = query_flag("cancelled");
    let invalid = query_flag("invalid");
    view! {
        <Title text=s.account_reset_cancel_title/>
        <h1>{s.account_reset_cancel_title}</h1>
        {move || if cancelled.get() {
            Either::Left(view! {
                <div class="usa-alert usa-alert--success" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text" id="reset-cancelled">{s.account_reset_cancelled}</p></div>
                </div>
                <p><a class="usa-link" href="/sign-in">{s.account_reset_sign_in}</a></p>
            })
        } else if invalid.get() {
            Either::Right(Either::Left(view! { <DeadLink text=s.cancel_link_invalid/> }))
        } else {
            Either::Right(Either::Right(view! {
                <p class="usa-prose">{s.account_reset_cancel_intro}</p>
                <ErrorSummary error/>
                <ActionForm action=cancel attr:class="usa-form">
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" class="usa-button">{s.account_reset_cancel_button}</button>
                </ActionForm>
            }))
        }}
    }
}

/// `/account-reset/finish?token=…`: the emailed finish link's page. Opening it changes nothing;
/// the button posts the token and carries the reset out.
#[component]
pub fn FinishAccountResetPage() -> impl IntoView {
    let s = use_texts();
    #[cfg(feature = "ssr")]
    crate::infra::request::set_no_referrer();
    let finish = ServerAction::<FinishAccountReset>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || finish.value().get().and_then(|r| r.err()));
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let done = query_flag("done");
    let invalid = query_flag("invalid");
    view! {
        <Title text=s.account_reset_finish_title/>
        <h1>{s.account_reset_finish_title}</h1>
        {move || if done.get() {
            Either::Left(view! {
                <div class="usa-alert usa-alert--success" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text" id="reset-finished">{s.account_reset_finished}</p></div>
                </div>
                <p><a class="usa-link" href="/sign-in">{s.account_reset_sign_in}</a></p>
            })
        } else if invalid.get() {
            Either::Right(Either::Left(view! { <DeadLink text=s.finish_link_invalid/> }))
        } else {
            Either::Right(Either::Right(view! {
                <p class="usa-prose">{s.account_reset_finish_intro}</p>
                <ErrorSummary error/>
                <ActionForm action=finish attr:class="usa-form">
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" class="usa-button usa-button--secondary">{s.account_reset_finish_button}</button>
                </ActionForm>
            }))
        }}
    }
}

/// What an emailed link's page says once its link is dead (used, expired, cancelled or made up).
#[component]
pub fn DeadLink(text: &'static str) -> impl IntoView {
    view! {
        <div class="usa-alert usa-alert--error" role="alert">
            <div class="usa-alert__body"><p class="usa-alert__text" id="dead-link">{text}</p></div>
        </div>
        <p><a class="usa-link" href="/sign-in">{use_texts().account_reset_sign_in}</a></p>
    }
}
