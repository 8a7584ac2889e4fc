//! Password-recovery pages: asking for a link, opening it, the security questions, a second factor
//! and the new password. Every page works without scripts (plain forms).

use super::{
    server_fns::{
        get_recovering_email, get_recovery_questions, AnswerRecoveryQuestions,
        RequestPasswordReset, SetNewPassword, StartPasswordReset, VerifyRecoveryCode,
    },
    texts::use_texts,
};
use crate::{
    accounts::{
        model::security_question_index, pages::NewPasswordFields,
        server_fns::get_registration_settings,
    },
    components::{query_flag, ErrorSummary, Field, RequireStep},
    error::AppError,
    i18n::{fill, use_common},
    session::model::{RecoveryStage, Step},
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The link's page carries the token in its address: nothing may be told it, not even this site.
fn no_referrer() {
    #[cfg(feature = "ssr")]
    crate::infra::request::set_no_referrer();
}

/// `/forgot-password`: the email address to send a reset link to.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let s = use_texts();
    let request = ServerAction::<RequestPasswordReset>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || request.value().get().and_then(|r| r.err()));
    let sent = query_flag("sent");
    let expired = query_flag("expired");
    let minutes = 30;
    view! {
        <Title text=s.forgot_title/>
        <h1>{s.forgot_title}</h1>
        {move || sent.get().then(|| view! {
            <div class="usa-alert usa-alert--info" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text">{fill(s.forgot_sent, &[("minutes", &minutes)])}</p></div>
            </div>
        })}
        {move || expired.get().then(|| view! {
            <div class="usa-alert usa-alert--warning" role="alert">
                <div class="usa-alert__body"><p class="usa-alert__text">{s.link_invalid}</p></div>
            </div>
        })}
        <p class="usa-prose">{s.forgot_intro}</p>
        <ErrorSummary error/>
        <ActionForm action=request attr:class="usa-form" attr:novalidate=true>
            <Field label=crate::accounts::texts::use_texts().email name="email" input_type="email" autocomplete="username" error/>
            <button type="submit" class="usa-button">{s.forgot_submit}</button>
        </ActionForm>
    }
}

/// `/reset-password?token=…`: the emailed link. Opening it changes nothing (mail scanners open
/// links); "Continue" posts the token and uses it up.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    no_referrer();
    let s = use_texts();
    let start = ServerAction::<StartPasswordReset>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || start.value().get().and_then(|r| r.err()));
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token")).unwrap_or_default();
    view! {
        <Title text=s.reset_title/>
        <h1>{s.reset_title}</h1>
        <p class="usa-prose">{s.reset_intro}</p>
        <ErrorSummary error/>
        <div hidden data-new-document></div>
        <ActionForm action=start attr:class="usa-form">
            <input type="hidden" name="token" value=token/>
            <button type="submit" class="usa-button">{s.reset_continue}</button>
        </ActionForm>
    }
}

/// `/reset-password/questions`: the security questions the account chose.
#[component]
pub fn RecoveryQuestionsPage() -> impl IntoView {
    let s = use_texts();
    let questions = Resource::new(|| (), |_| get_recovery_questions());
    view! {
        <Title text=s.questions_title/>
        <RequireStep required=Step::Recovering(RecoveryStage::Questions)>
            <h1>{s.questions_title}</h1>
            <p class="usa-prose">{s.questions_intro}</p>
            <QuestionsForm questions/>
        </RequireStep>
    }
}

#[component]
fn QuestionsForm(questions: Resource<Result<Vec<String>, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let answer = ServerAction::<AnswerRecoveryQuestions>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || answer.value().get().and_then(|r| r.err()));
    view! {
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match questions.await {
                    Ok(questions) => {
                        let texts = crate::accounts::texts::use_texts();
                        let fields = questions
                            .iter()
                            .take(3)
                            .enumerate()
                            .map(|(n, id)| {
                                let label = security_question_index(id)
                                    .map_or("", |i| texts.security_question_texts[i]);
                                let name = ["answer1", "answer2", "answer3"][n];
                                view! { <Field label name autocomplete="off" error/> }
                            })
                            .collect_view();
                        Either::Left(view! {
                            <ActionForm action=answer attr:class="usa-form" attr:novalidate=true>
                                {fields}
                                <button type="submit" class="usa-button">{s.continue_button}</button>
                            </ActionForm>
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// `/reset-password/verify`: an app code or a backup code.
#[component]
pub fn RecoveryCodePage() -> impl IntoView {
    let s = use_texts();
    let verify = ServerAction::<VerifyRecoveryCode>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || verify.value().get().and_then(|r| r.err()));
    view! {
        <Title text=s.factor_title/>
        <RequireStep required=Step::Recovering(RecoveryStage::SecondFactor)>
            <h1>{s.factor_title}</h1>
            <p class="usa-prose">{s.factor_intro}</p>
            <ErrorSummary error/>
            <ActionForm action=verify attr:class="usa-form" attr:novalidate=true>
                <Field label=s.factor_code name="code" autocomplete="one-time-code" hint=s.factor_code_hint error/>
                <button type="submit" class="usa-button">{s.continue_button}</button>
            </ActionForm>
            <crate::mfa::code_pages::SendCodeButtons/>
            <p class="usa-prose">{s.factor_lost}</p>
        </RequireStep>
    }
}

/// `/reset-password/new`: the new password, with the same live feedback as registration.
#[component]
pub fn NewPasswordPage() -> impl IntoView {
    let s = use_texts();
    let email = Resource::new(|| (), |_| get_recovering_email());
    let settings = Resource::new(|| (), |_| get_registration_settings());
    view! {
        <Title text=s.new_password_title/>
        <RequireStep required=Step::Recovering(RecoveryStage::NewPassword)>
            <h1>{s.new_password_title}</h1>
            <p class="usa-prose">{s.new_password_intro}</p>
            <NewPasswordForm email settings/>
        </RequireStep>
    }
}

#[component]
fn NewPasswordForm(
    email: Resource<Result<String, AppError>>,
    settings: Resource<Result<crate::accounts::server_fns::RegistrationSettings, AppError>>,
) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let set = ServerAction::<SetNewPassword>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || set.value().get().and_then(|r| r.err()));
    view! {
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                let email = email.await.unwrap_or_default();
                let rules = settings.await.unwrap_or_default().password;
                view! {
                    <ActionForm action=set attr:class="usa-form" attr:novalidate=true>
                        <input type="hidden" id="email" autocomplete="username" value=email/>
                        <NewPasswordFields rules error/>
                        <button type="submit" class="usa-button">{s.new_password_submit}</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}
