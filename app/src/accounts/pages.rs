//! Account pages: landing, registration, email verification, sign-in, account home and Profile.

use super::{
    model::{PasswordRules, Profile, SECURITY_QUESTION_IDS},
    server_fns::{
        get_profile, get_registration_settings, CheckPassword, Register, ResendVerificationCode,
        SignIn, VerifyEmail,
    },
    texts::{use_texts, AccountsMsg},
};
use crate::{
    components::{query_flag, ErrorSummary, Field, Notice, RequireStep},
    error::AppError,
    i18n::{use_common, use_locale, CommonMsg},
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

crate::lazy_page!(
    /// The code-split route of [`LandingPage`].
    LandingRoute => LandingPage
);
crate::lazy_page!(
    /// The code-split route of [`RegisterPage`].
    RegisterRoute => RegisterPage
);
crate::lazy_page!(
    /// The code-split route of [`VerifyEmailPage`].
    VerifyEmailRoute => VerifyEmailPage
);
crate::lazy_page!(
    /// The code-split route of [`SignInPage`].
    SignInRoute => SignInPage
);
crate::lazy_page!(
    /// The code-split route of [`AccountPage`].
    AccountRoute => AccountPage
);
crate::lazy_page!(
    /// The code-split route of [`ProfilePage`].
    ProfileRoute => ProfilePage
);

/// `/`: what Caseport is, with the ways in.
#[component]
pub fn LandingPage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.landing_title/>
        <div class="usa-prose">
            <h1>{s.landing_title}</h1>
            <p>{s.landing_intro}</p>
        </div>
        <div class="usa-button-group">
            <a class="usa-button" href="/register">{s.create_account}</a>
            <a class="usa-button usa-button--outline" href="/sign-in">{s.sign_in}</a>
        </div>
    }
}

/// `/register`: email, password with live feedback, and three security questions.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let register = ServerAction::<Register>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || register.value().get().and_then(|r| r.err()));
    let settings = Resource::new(|| (), |_| get_registration_settings());
    view! {
        <Title text=s.register_title/>
        <h1>{s.register_title}</h1>
        <p class="usa-prose">{s.register_intro}</p>
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                let settings = settings.await.unwrap_or_default();
                view! {
                    <ActionForm action=register attr:class="usa-form usa-form--large" attr:novalidate=true>
                        <Field label=s.email name="email" input_type="email" autocomplete="email" hint=s.email_hint error/>
                        <PasswordFields rules=settings.password error/>
                        {settings.security_questions.then(|| view! { <SecurityQuestions error/> })}
                        <button type="submit" class="usa-button">{s.create_account_button}</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

#[component]
fn PasswordFields(rules: PasswordRules, error: Signal<Option<AppError>>) -> impl IntoView {
    let s = use_texts();
    let locale = use_locale();
    let (password, set_password) = signal(String::new());
    let check = ServerAction::<CheckPassword>::new();
    let on_input = Callback::new(move |value: String| {
        set_password.set(value.clone());
        if rules.check_length(&value).is_ok() {
            let email = document_email();
            check.dispatch(CheckPassword {
                password: value,
                email,
            });
        }
    });
    let feedback = move || {
        let value = password.get();
        if value.is_empty() {
            return None;
        }
        let count = PasswordRules::length(&value);
        let (text, score) = match rules.check_length(&value) {
            Err(message) => (message.text(locale), 0),
            Ok(()) => match check.value().get() {
                Some(Ok(feedback)) => match feedback.problem {
                    Some(problem) => (problem.text(locale), 0),
                    None => (
                        format!(
                            "{} {} {}",
                            s.password_ok,
                            s.strength_prefix,
                            s.strength_labels[feedback.score.min(4) as usize]
                        ),
                        feedback.score,
                    ),
                },
                _ => (String::new(), 0),
            },
        };
        Some((
            format!(
                "{}. {text}",
                s.characters_count.format(locale, count as u64, &[])
            ),
            score,
        ))
    };
    view! {
        <Field label=s.password name="password" input_type="password" autocomplete="new-password" hint=AccountsMsg::PasswordHint { min: rules.min_len, max: rules.max_len }.text(locale) error on_input>
            <div class="caseport-strength" data-score=move || feedback().map(|(_, score)| score.to_string())>
                <div class="caseport-strength__bar" data-score=move || feedback().map(|(_, score)| score.to_string())></div>
                <p id="password-feedback" class="caseport-strength__text usa-hint" role="status" aria-live="polite">
                    {move || feedback().map(|(text, _)| text)}
                </p>
            </div>
        </Field>
        <Field label=s.confirm_password name="password_confirmation" input_type="password" autocomplete="new-password" error/>
    }
}

/// The email typed so far (for context checks in the live password feedback).
fn document_email() -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        document()
            .get_element_by_id("email")
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[component]
fn SecurityQuestions(error: Signal<Option<AppError>>) -> impl IntoView {
    let s = use_texts();
    let locale = use_locale();
    let groups = (0..3)
        .map(|i| {
            let question_name = ["question1", "question2", "question3"][i];
            let answer_name = ["answer1", "answer2", "answer3"][i];
            let question_error = move || error.get().and_then(|e| e.field_message(question_name)).map(|m| m.text(locale));
            let options = SECURITY_QUESTION_IDS
                .iter()
                .enumerate()
                .map(|(q, id)| view! { <option value=*id>{s.security_question_texts[q]}</option> })
                .collect_view();
            view! {
                <div class="usa-form-group" class:usa-form-group--error=move || question_error().is_some()>
                    <label class="usa-label" for=question_name>{s.security_question_n[i]}</label>
                    {move || question_error().map(|text| view! { <span class="usa-error-message" id=format!("{question_name}-error")>{text}</span> })}
                    <select class="usa-select" id=question_name name=question_name
                        aria-describedby=move || question_error().map(|_| format!("{question_name}-error"))>
                        <option value="">{s.choose_question}</option>
                        {options}
                    </select>
                </div>
                <Field label=s.answer_n[i] name=answer_name autocomplete="off" error/>
            }
        })
        .collect_view();
    view! {
        <fieldset class="usa-fieldset">
            <legend class="usa-legend usa-legend--large">{s.security_questions}</legend>
            <p class="usa-hint">{s.security_questions_hint}</p>
            {groups}
        </fieldset>
    }
}

/// `/verify-email`: the emailed code.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let s = use_texts();
    let verify = ServerAction::<VerifyEmail>::new();
    let resend = ServerAction::<ResendVerificationCode>::new();
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        verify
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| resend.value().get().and_then(|r| r.err()))
    });
    let sent = query_flag("sent");
    view! {
        <Title text=s.verify_title/>
        <RequireStep required=Step::VerifyingEmail>
            <h1>{s.verify_title}</h1>
            <p class="usa-prose">{s.verify_intro}</p>
            {move || sent.get().then(|| view! { <Notice message=AccountsMsg::CodeSent.into() kind="info"/> })}
            <ErrorSummary error/>
            <ActionForm action=verify attr:class="usa-form" attr:novalidate=true>
                <Field label=s.verification_code name="code" autocomplete="one-time-code" inputmode="numeric" hint=s.verification_code_hint error/>
                <button type="submit" class="usa-button">{s.verify_button}</button>
            </ActionForm>
            <ActionForm action=resend attr:class="usa-form">
                <button type="submit" class="usa-button usa-button--outline">{s.resend_button}</button>
            </ActionForm>
        </RequireStep>
    }
}

/// `/sign-in`: email and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let s = use_texts();
    let sign_in = ServerAction::<SignIn>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || sign_in.value().get().and_then(|r| r.err()));
    let signed_out = query_flag("signed_out");
    let expired = query_flag("expired");
    view! {
        <Title text=s.sign_in_title/>
        <h1>{s.sign_in_title}</h1>
        {move || signed_out.get().then(|| view! { <Notice message=AccountsMsg::SignedOut.into()/> })}
        {move || expired.get().then(|| view! { <Notice message=CommonMsg::SessionExpired.into() kind="warning"/> })}
        <p class="usa-prose">{s.sign_in_intro}</p>
        <ErrorSummary error/>
        <ActionForm action=sign_in attr:class="usa-form" attr:novalidate=true>
            <Field label=s.email name="email" input_type="email" autocomplete="username" error/>
            <Field label=s.password name="password" input_type="password" autocomplete="current-password" error/>
            <button type="submit" class="usa-button">{s.sign_in}</button>
        </ActionForm>
        <p>{s.no_account}" "<a class="usa-link" href="/register">{s.create_account}</a></p>
    }
}

/// `/account`: the signed-in home.
#[component]
pub fn AccountPage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.account_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.account_title}</h1>
            <p class="usa-prose">{s.account_intro}</p>
            <ul class="usa-list">
                <li><a class="usa-link" href="/profile">{s.profile}</a></li>
            </ul>
        </RequireStep>
    }
}

/// `/profile`: email and the online account number with a copy button.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let s = use_texts();
    // Created here, above the `Suspense` inside `RequireStep`: on the server a `Suspense` builds
    // its children more than once, and a resource created in there was fetched by every build,
    // one of them after its owner was gone (an `Internal` error in the page's data).
    let profile = Resource::new(|| (), |_| get_profile());
    view! {
        <Title text=s.profile_title/>
        <RequireStep required=Step::SignedIn>
            <ProfileDetails profile/>
        </RequireStep>
    }
}

#[component]
fn ProfileDetails(profile: Resource<Result<Profile, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    view! {
        <h1>{s.profile_title}</h1>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => Either::Left(view! {
                        <dl class="usa-summary-box">
                            <dt>{s.email}</dt>
                            <dd>{profile.email.clone()}</dd>
                            <dt>{s.account_number}</dt>
                            <dd>
                                <span id="account-number" class="caseport-account-number">{profile.account_number.formatted()}</span>
                                <CopyButton text=profile.account_number.digits().to_owned()/>
                                <p class="usa-hint">{s.account_number_hint}</p>
                            </dd>
                        </dl>
                    }),
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// A button that copies `text` to the clipboard; shown only once scripts run (it needs them).
#[component]
fn CopyButton(text: String) -> impl IntoView {
    let s = use_texts();
    let (ready, set_ready) = signal(false);
    let (copied, set_copied) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    let text = StoredValue::new(text);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let promise = window()
                .navigator()
                .clipboard()
                .write_text(&text.get_value());
            leptos::task::spawn_local(async move {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    set_copied.set(true);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (text, set_copied);
        }
    };
    view! {
        <Show when=move || ready.get()>
            <button type="button" class="usa-button usa-button--outline" on:click=copy>{s.copy_account_number}</button>
            <span role="status">{move || copied.get().then_some(s.copied)}</span>
        </Show>
    }
}
