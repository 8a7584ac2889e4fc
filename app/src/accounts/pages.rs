//! Account pages: landing, registration, email verification, sign-in, account home and Profile.

use super::{
    model::{
        AccountEventKind, AccountHistoryPage, AuthMethod, DevicesPage, LengthProblem,
        PasswordFeedback, PasswordRules, Profile, SECURITY_QUESTION_IDS,
    },
    server_fns::{
        get_account_history, get_devices, get_profile, get_registration_settings, ChangePassword,
        DeleteAccount, Register, ResendVerificationCode, SignIn, SignOutDevice,
        SignOutOtherDevices, VerifyEmail,
    },
    texts::{use_texts, AccountsMsg},
};
use crate::{
    components::{
        field_error_text, field_view, query_flag, ErrorSummary, Field, FieldSpec, Notice,
        RequireStep,
    },
    error::AppError,
    i18n::{fill, use_common, use_locale, CommonMsg, Locale},
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

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
    let locale = use_locale();
    let field_text = move |name: &'static str| field_error_text(error, name, locale);
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
                        <PasswordFields
                            rules=settings.password
                            texts=password_texts(settings.password, locale)
                            password_error=field_text("password")
                            confirmation_error=field_text("password_confirmation")
                        />
                        {settings.security_questions.then(|| view! { <SecurityQuestions error/> })}
                        <fieldset class="usa-fieldset">
                            <legend class="usa-legend usa-legend--large">{s.notice_legend}</legend>
                            <p class="usa-hint">{s.notice_hint}</p>
                            <Field label=s.notice_account_number name="notice_account_number" autocomplete="off" error/>
                            <Field label=s.notice_access_code name="notice_access_code" autocomplete="off" error/>
                        </fieldset>
                        <button type="submit" class="usa-button">{s.create_account_button}</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

/// The words the password island shows, put in the page's language by the server.
#[derive(Clone, Serialize, Deserialize)]
pub struct PasswordTexts {
    /// The hint under the label.
    hint: String,
    /// The length rule broken, e.g. "Use at least 12 characters".
    too_short: String,
    /// E.g. "Use at most 128 characters".
    too_long: String,
}

fn password_texts(rules: PasswordRules, locale: Locale) -> PasswordTexts {
    let (min, max) = (rules.min_len, rules.max_len);
    PasswordTexts {
        hint: AccountsMsg::PasswordHint { min, max }.text(locale),
        too_short: AccountsMsg::PasswordTooShort { min }.text(locale),
        too_long: AccountsMsg::PasswordTooLong { max }.text(locale),
    }
}

/// The new password and its confirmation with live feedback ([`PasswordFields`]), for any page
/// where someone chooses a password; `error` is the last submission's. The page needs an input
/// with id `email` holding the address the password is for.
#[component]
pub fn NewPasswordFields(rules: PasswordRules, error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <PasswordFields
            rules
            texts=password_texts(rules, locale)
            password_error=field_error_text(error, "password", locale)
            confirmation_error=field_error_text(error, "password_confirmation", locale)
        />
    }
}

/// The new password and its confirmation, with feedback as the password is typed: the one part of
/// registration that needs scripts, so an island, hydrated in the browser. Every text it gets from
/// the server (hint, length rules, the errors of the last submission, the server's verdict) arrives
/// already in words, so the browser carries no message catalogue.
#[island]
fn PasswordFields(
    rules: PasswordRules,
    texts: PasswordTexts,
    password_error: Option<String>,
    confirmation_error: Option<String>,
) -> impl IntoView {
    let s = use_texts();
    let locale = use_locale();
    let (password, set_password) = signal(String::new());
    let verdict = RwSignal::new(None::<PasswordFeedback>);
    let PasswordTexts {
        hint,
        too_short,
        too_long,
    } = texts;
    let on_input = Callback::new(move |value: String| {
        set_password.set(value.clone());
        verdict.set(None);
        if rules.length_problem(&value).is_none() {
            ask_server(value, verdict);
        }
    });
    let feedback = Memo::new(move |_| {
        let value = password.get();
        if value.is_empty() {
            return None;
        }
        let count = PasswordRules::length(&value);
        let (text, score) = match rules.length_problem(&value) {
            Some(LengthProblem::TooShort) => (too_short.clone(), 0),
            Some(LengthProblem::TooLong) => (too_long.clone(), 0),
            None => match verdict.get() {
                Some(PasswordFeedback {
                    problem: Some(problem),
                    ..
                }) => (problem, 0),
                Some(PasswordFeedback {
                    problem: None,
                    score,
                }) => (
                    format!(
                        "{} {} {}",
                        s.password_ok,
                        s.strength_prefix,
                        s.strength_labels[score.min(4) as usize]
                    ),
                    score,
                ),
                None => (String::new(), 0),
            },
        };
        Some((
            format!(
                "{}. {text}",
                s.characters_count.format(locale, count as u64, &[])
            ),
            score,
        ))
    });
    let strength = move || {
        view! {
            <div class="caseport-strength" data-score=move || feedback.get().map(|(_, score)| score.to_string())>
                <div class="caseport-strength__bar" data-score=move || feedback.get().map(|(_, score)| score.to_string())></div>
                <p id="password-feedback" class="caseport-strength__text usa-hint" role="status" aria-live="polite">
                    {move || feedback.get().map(|(text, _)| text)}
                </p>
            </div>
        }
        .into_any()
    };
    let password_spec = FieldSpec {
        label: s.password,
        name: "password",
        input_type: "password",
        hint: Some(hint),
        autocomplete: Some("new-password"),
        inputmode: None,
        value: None,
    };
    let confirmation_spec = FieldSpec {
        label: s.confirm_password,
        name: "password_confirmation",
        input_type: "password",
        hint: None,
        autocomplete: Some("new-password"),
        inputmode: None,
        value: None,
    };
    view! {
        {field_view(password_spec, Signal::stored(password_error), Some(on_input), Some(Box::new(strength)))}
        {field_view(confirmation_spec, Signal::stored(confirmation_error), None, None)}
    }
}

/// Asks the `check_password` server function about `password` (and the email typed so far), and
/// puts its answer in `verdict` unless the password has changed meanwhile. Over plain `fetch`: the
/// island reads only the success shape, so the browser needs no decoder for the server's errors
/// (on any error there is simply no verdict; the form's own submission checks everything again).
fn ask_server(password: String, verdict: RwSignal<Option<PasswordFeedback>>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use super::server_fns::CheckPassword;
        use leptos::server_fn::ServerFn;
        let form = web_sys::UrlSearchParams::new().ok();
        let Some(form) = form else { return };
        form.append("password", &password);
        form.append("email", &document_email());
        let body = String::from(form.to_string());
        let request = gloo_net::http::Request::post(CheckPassword::PATH)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        let Ok(request) = request else { return };
        let Ok(response) = request.send().await else {
            return;
        };
        if !response.ok() {
            return;
        }
        if let Ok(feedback) = response.json::<PasswordFeedback>().await {
            if document_password() == password {
                verdict.set(Some(feedback));
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (password, verdict);
}

/// The password typed so far (an answer about an older one is dropped).
#[cfg(feature = "hydrate")]
fn document_password() -> String {
    input_value("password")
}

/// The value of the input with `id`, or empty.
#[cfg(feature = "hydrate")]
fn input_value(id: &str) -> String {
    use wasm_bindgen::JsCast;
    document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|input| input.value())
        .unwrap_or_default()
}

/// The email typed so far (for context checks in the live password feedback).
#[cfg(feature = "hydrate")]
fn document_email() -> String {
    input_value("email")
}

#[component]
fn SecurityQuestions(error: Signal<Option<AppError>>) -> impl IntoView {
    let s = use_texts();
    let locale = use_locale();
    let groups = (0..3)
        .map(|i| {
            let question_name = ["question1", "question2", "question3"][i];
            let answer_name = ["answer1", "answer2", "answer3"][i];
            let question_error = move || field_error_text(error, question_name, locale);
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
    let reset = query_flag("reset");
    let deleted = query_flag("deleted");
    view! {
        <Title text=s.sign_in_title/>
        <h1>{s.sign_in_title}</h1>
        {move || deleted.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text" id="account-deleted">{s.account_deleted}</p></div>
            </div>
        })}
        {move || reset.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text">{s.password_was_reset}</p></div>
            </div>
        })}
        {move || signed_out.get().then(|| view! { <Notice message=AccountsMsg::SignedOut.into()/> })}
        {move || expired.get().then(|| view! { <Notice message=CommonMsg::SessionExpired.into() kind="warning"/> })}
        <p class="usa-prose">{s.sign_in_intro}</p>
        <ErrorSummary error/>
        <ActionForm action=sign_in attr:class="usa-form" attr:novalidate=true>
            <Field label=s.email name="email" input_type="email" autocomplete="username" error/>
            <div data-show-password=s.show_password data-hide-password=s.hide_password>
                <Field label=s.password name="password" input_type="password" autocomplete="current-password" error/>
            </div>
            <button type="submit" class="usa-button">{s.sign_in}</button>
        </ActionForm>
        <p><a class="usa-link" href="/forgot-password">{s.forgot_password}</a></p>
        <p>{s.no_account}" "<a class="usa-link" href="/register">{s.create_account}</a></p>
    }
}

/// The account's email address and online account number (with a copy button), as the Profile
/// shows them.
#[component]
pub fn AccountSummary(profile: Resource<Result<Profile, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => Either::Left(view! {
                        <dl class="usa-summary-box">
                            <dt>{s.email}</dt>
                            <dd id="profile-email">{profile.email.clone()}</dd>
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

/// A button that copies `text` to the clipboard; shown only once scripts run (it needs them), so
/// an island.
#[island]
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

/// `/account/history`: sign-ins and security changes, newest first, a page at a time (`?before=`
/// continues after an entry).
#[component]
pub fn AccountHistoryPage() -> impl IntoView {
    let s = use_texts();
    let query = use_query_map();
    let before = move || query.with(|q| q.get("before"));
    let history = Resource::new(before, get_account_history);
    view! {
        <Title text=s.history_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.history_title}</h1>
            <p class="usa-prose">{s.history_intro}</p>
            <HistoryTable history/>
        </RequireStep>
    }
}

#[component]
fn HistoryTable(history: Resource<Result<AccountHistoryPage, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let describe = move |kind: AccountEventKind, method: Option<AuthMethod>| {
        let what = AccountEventKind::ALL
            .iter()
            .position(|k| *k == kind)
            .map_or("", |i| s.event_kinds[i]);
        let how = method.and_then(|m| AuthMethod::ALL.iter().position(|x| *x == m));
        match how {
            Some(i) => format!("{what} ({})", s.auth_methods[i]),
            None => what.to_owned(),
        }
    };
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(page) if page.events.is_empty() => Either::Left(view! { <p>{s.history_empty}</p> }.into_any()),
                    Ok(page) => {
                        let rows = page
                            .events
                            .into_iter()
                            .map(|event| {
                                let from = [event.ip, event.device]
                                    .into_iter()
                                    .flatten()
                                    .collect::<Vec<_>>()
                                    .join(" · ");
                                view! {
                                    <tr>
                                        <td>{describe(event.kind, event.method)}</td>
                                        <td>{event.when}</td>
                                        <td>{from}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        let older = page.older.map(|cursor| view! {
                            <a class="usa-link" rel="next" href=format!("/account/history?before={cursor}")>{s.history_older}</a>
                        });
                        Either::Left(view! {
                            <table class="usa-table usa-table--stacked caseport-history">
                                <caption class="usa-sr-only">{s.history_title}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{s.history_what}</th>
                                        <th scope="col">{s.history_when}</th>
                                        <th scope="col">{s.history_where}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                            <p class="caseport-pager">
                                {older}
                                " "
                                <a class="usa-link" href="/account/history">{s.history_newest}</a>
                            </p>
                        }.into_any())
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// `/account/devices`: every live session of the account, with "sign out" for each and for all
/// the others (`?more=` continues the list).
#[component]
pub fn DevicesListPage() -> impl IntoView {
    let s = use_texts();
    let query = use_query_map();
    let more = move || query.with(|q| q.get("more"));
    let devices = Resource::new(more, get_devices);
    let signed_out = query_flag("signed_out");
    view! {
        <Title text=s.devices_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.devices_title}</h1>
            {move || signed_out.get().then(|| view! {
                <div class="usa-alert usa-alert--success" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{s.devices_signed_out_notice}</p></div>
                </div>
            })}
            <p class="usa-prose">{s.devices_intro}</p>
            <DeviceList devices/>
        </RequireStep>
    }
}

#[component]
fn DeviceList(devices: Resource<Result<DevicesPage, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let sign_out = ServerAction::<SignOutDevice>::new();
    let sign_out_others = ServerAction::<SignOutOtherDevices>::new();
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        sign_out
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| sign_out_others.value().get().and_then(|r| r.err()))
    });
    view! {
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match devices.await {
                    Ok(page) => {
                        let others = page.sessions.iter().any(|d| !d.current);
                        let items = page
                            .sessions
                            .into_iter()
                            .map(|device| {
                                let name = device.device.clone().unwrap_or_else(|| s.device_unknown.to_owned());
                                let times = fill(s.device_times, &[("started", &device.started), ("last_seen", &device.last_seen)]);
                                view! {
                                    <li class="usa-collection__item caseport-device">
                                        <div class="usa-collection__body">
                                            <h2 class="usa-collection__heading">{name}</h2>
                                            {device.current.then(|| view! { <span class="usa-tag">{s.this_device}</span> })}
                                            {(!device.signed_in && !device.recovering).then(|| view! { <span class="usa-tag usa-tag--big">{s.password_only}</span> })}
                                            {device.recovering.then(|| view! { <span class="usa-tag usa-tag--big">{s.recovering_device}</span> })}
                                            <p class="usa-collection__description">{device.ip.clone()}</p>
                                            <p class="usa-collection__description">{times}</p>
                                            <ActionForm action=sign_out attr:class="usa-form">
                                                <input type="hidden" name="id" value=device.id.clone()/>
                                                <button type="submit" class="usa-button usa-button--outline">{s.sign_out_device}</button>
                                            </ActionForm>
                                        </div>
                                    </li>
                                }
                            })
                            .collect_view();
                        let more = page.more.map(|cursor| view! {
                            <p><a class="usa-link" rel="next" href=format!("/account/devices?more={cursor}")>{s.devices_more}</a></p>
                        });
                        Either::Left(view! {
                            <ul class="usa-collection">{items}</ul>
                            {more}
                            {others.then(|| view! {
                                <ActionForm action=sign_out_others attr:class="usa-form">
                                    <button type="submit" class="usa-button usa-button--secondary">{s.sign_out_others_button}</button>
                                </ActionForm>
                            })}
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// `/account/password`: the current password, the new one twice, and "sign out of every other
/// device" (ticked). Needs a recent full sign-in; if it is too old the page says so and links to
/// confirming it is you.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let s = use_texts();
    let settings = Resource::new(|| (), |_| get_registration_settings());
    let profile = Resource::new(|| (), |_| get_profile());
    view! {
        <Title text=s.change_password_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.change_password_title}</h1>
            <ChangePasswordForm settings profile/>
        </RequireStep>
    }
}

#[component]
fn ChangePasswordForm(
    settings: Resource<Result<super::server_fns::RegistrationSettings, AppError>>,
    profile: Resource<Result<Profile, AppError>>,
) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let change = ServerAction::<ChangePassword>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || change.value().get().and_then(|r| r.err()));
    let changed = query_flag("changed");
    let needs_reauth = move || matches!(error.get(), Some(AppError::ReauthRequired));
    view! {
        {move || changed.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text">{s.password_changed_notice}</p></div>
            </div>
        })}
        <ErrorSummary error/>
        {move || needs_reauth().then(|| view! {
            <p><a class="usa-button usa-button--outline" href="/account/reauthenticate?next=/account/password">{s.reauth_link}</a></p>
        })}
        <p class="usa-prose">{s.change_password_intro}</p>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                let rules = settings.await.unwrap_or_default().password;
                let email = profile.await.map(|p| p.email).unwrap_or_default();
                view! {
                    <ActionForm action=change attr:class="usa-form" attr:novalidate=true>
                        <input type="hidden" id="email" autocomplete="username" value=email/>
                        <Field label=s.current_password name="current_password" input_type="password" autocomplete="current-password" error/>
                        <NewPasswordFields rules error/>
                        <div class="usa-checkbox">
                            <input class="usa-checkbox__input" id="sign_out_others" type="checkbox" name="sign_out_others" value="on" checked/>
                            <label class="usa-checkbox__label" for="sign_out_others">{s.sign_out_others}</label>
                        </div>
                        <button type="submit" class="usa-button">{s.change_password_submit}</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

/// `/account/delete`: what deleting the account removes and keeps, and the form that does it
/// (after a recent full sign-in).
#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let s = use_texts();
    let delete = ServerAction::<DeleteAccount>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let needs_reauth = move || matches!(error.get(), Some(AppError::ReauthRequired));
    view! {
        <Title text=s.delete_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.delete_title}</h1>
            <ErrorSummary error/>
            {move || needs_reauth().then(|| view! {
                <p><a class="usa-button usa-button--outline" href="/account/reauthenticate?next=/account/delete">{s.reauth_link}</a></p>
            })}
            <p class="usa-prose">{s.delete_intro}</p>
            <h2>{s.delete_removed_heading}</h2>
            <ul class="usa-list">{s.delete_removed.map(|item| view! { <li>{item}</li> })}</ul>
            <h2>{s.delete_kept_heading}</h2>
            <ul class="usa-list">{s.delete_kept.map(|item| view! { <li>{item}</li> })}</ul>
            <ActionForm action=delete attr:class="usa-form" attr:novalidate=true>
                <div class="usa-checkbox">
                    <input class="usa-checkbox__input" id="understood" type="checkbox" name="understood" value="on"/>
                    <label class="usa-checkbox__label" for="understood">{s.delete_understood}</label>
                </div>
                <button type="submit" class="usa-button usa-button--secondary">{s.delete_submit}</button>
            </ActionForm>
        </RequireStep>
    }
}
