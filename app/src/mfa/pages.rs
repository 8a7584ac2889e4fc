//! Authenticator pages: set-up during registration and the second sign-in step.

use super::{
    model::TotpEnrolment,
    server_fns::{get_totp_enrolment, ConfirmTotpEnrolment, VerifyTotp},
    texts::use_texts,
};
use crate::{
    components::{ErrorSummary, Field, RequireStep},
    error::AppError,
    i18n::use_common,
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

/// `/setup-authenticator`: QR code, typed key, and the confirming code.
#[component]
pub fn SetupAuthenticatorPage() -> impl IntoView {
    let s = use_texts();
    // Created here, above the `Suspense` inside `RequireStep`: on the server a `Suspense` builds
    // its children more than once, and a resource created in there was fetched by every build,
    // one of them after its owner was gone (an `Internal` error in the page's data).
    let enrolment = Resource::new(|| (), |_| get_totp_enrolment());
    view! {
        <Title text=s.setup_title/>
        <RequireStep required=Step::EnrollingTotp>
            <SetupAuthenticator enrolment/>
        </RequireStep>
    }
}

#[component]
fn SetupAuthenticator(enrolment: Resource<Result<TotpEnrolment, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let confirm = ServerAction::<ConfirmTotpEnrolment>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || confirm.value().get().and_then(|r| r.err()));
    view! {
        <h1>{s.setup_title}</h1>
        <p class="usa-prose">{s.setup_intro}</p>
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match enrolment.await {
                    Ok(enrolment) => Either::Left(view! {
                        <ol class="usa-list">
                            <li>
                                <p>{s.setup_step_scan}</p>
                                <img class="caseport-qr" src=enrolment.qr_data_uri.clone() alt=s.qr_alt width="240" height="240"/>
                                <p>{s.setup_manual}</p>
                                <p><code id="totp-secret" class="caseport-secret">{enrolment.secret_grouped.clone()}</code></p>
                            </li>
                        </ol>
                    }),
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
        <ActionForm action=confirm attr:class="usa-form" attr:novalidate=true>
            <Field label=s.auth_code name="code" autocomplete="one-time-code" inputmode="numeric" hint=s.auth_code_hint error/>
            <button type="submit" class="usa-button">{s.setup_confirm}</button>
        </ActionForm>
    }
}

/// `/sign-in/code`: the authenticator code after the password.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let s = use_texts();
    let verify = ServerAction::<VerifyTotp>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || verify.value().get().and_then(|r| r.err()));
    view! {
        <Title text=s.code_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <h1>{s.code_title}</h1>
            <p class="usa-prose">{s.code_intro}</p>
            <ErrorSummary error/>
            <ActionForm action=verify attr:class="usa-form" attr:novalidate=true>
                <Field label=s.auth_code name="code" autocomplete="one-time-code" inputmode="numeric" hint=s.auth_code_hint error/>
                <button type="submit" class="usa-button">{s.code_verify}</button>
            </ActionForm>
        </RequireStep>
    }
}
