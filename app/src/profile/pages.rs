//! The Profile page, the personal-details form and the change-of-address page. All render on the
//! server and work without scripts.

use super::{
    model::{DetailsForm, EmailChangeStatus, PersonalDetails, STATES},
    server_fns::{
        get_email_change, get_personal_details, CancelEmailChange, ConfirmEmailChange,
        SavePersonalDetails, StartEmailChange,
    },
    texts::use_texts,
};
use crate::{
    accounts::{pages::AccountSummary, server_fns::get_profile, texts as accounts_texts},
    components::{field_error_text, query_flag, ErrorSummary, Field, RequireStep},
    error::AppError,
    i18n::{fill, use_common, use_locale},
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn success(text: &'static str) -> impl IntoView {
    view! {
        <div class="usa-alert usa-alert--success" role="status">
            <div class="usa-alert__body"><p class="usa-alert__text">{text}</p></div>
        </div>
    }
}

/// `/profile`: the email address and online account number, the personal details, and the way
/// to change each.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let a = accounts_texts::use_texts();
    let s = use_texts();
    // Created here, above the `Suspense` inside `RequireStep` (see `AccountSummary`).
    let profile = Resource::new(|| (), |_| get_profile());
    let details = Resource::new(|| (), |_| get_personal_details());
    let query = use_query_map();
    let saved = move || match query.read().get("saved").as_deref() {
        Some("details") => Some(s.details_saved),
        Some("email") => Some(s.email_changed),
        _ => None,
    };
    view! {
        <Title text=a.profile_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{a.profile_title}</h1>
            {move || saved().map(success)}
            <AccountSummary profile/>
            <h2>{s.details_heading}</h2>
            <DetailsSummary details/>
            <ul class="usa-list caseport-profile-links">
                <li><a class="usa-link" href="/account/details">{s.edit_details}</a></li>
                <li><a class="usa-link" href="/account/email">{s.change_email}</a></li>
                <li><a class="usa-link" href="/account/password">{s.change_password}</a></li>
                <li><a class="usa-link" href="/account/security/phone">{s.change_phone}</a></li>
                <li><a class="usa-link" href="/account/security">{s.security}</a></li>
                <li><a class="usa-link" href="/notifications">{s.notification_settings}</a></li>
                <li><a class="usa-link" href="/account/devices">{s.devices}</a></li>
                <li><a class="usa-link" href="/account/history">{s.history}</a></li>
                <li><a class="usa-link" href="/account/delete">{a.delete_link}</a></li>
            </ul>
        </RequireStep>
    }
}

fn state_name(code: &str) -> String {
    STATES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| (*name).to_owned())
}

#[component]
fn DetailsSummary(details: Resource<Result<PersonalDetails, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let or_not_given = move |text: String| {
        if text.is_empty() {
            s.not_given.to_owned()
        } else {
            text
        }
    };
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => {
                        let name = format!("{} {}", details.given_name, details.family_name)
                            .trim()
                            .to_owned();
                        let born = details
                            .date_of_birth
                            .map(|d| format!("{}/{}/{}", d.month, d.day, d.year))
                            .unwrap_or_default();
                        let address = &details.address;
                        let lines: Vec<String> = if address.is_empty() {
                            vec![s.not_given.to_owned()]
                        } else {
                            [
                                address.line1.clone(),
                                address.line2.clone(),
                                format!("{}, {} {}", address.city, state_name(&address.state), address.zip),
                            ]
                            .into_iter()
                            .filter(|line| !line.is_empty())
                            .collect()
                        };
                        Either::Left(view! {
                            <dl class="usa-summary-box" id="personal-details">
                                <dt>{s.name}</dt>
                                <dd id="profile-name">{or_not_given(name)}</dd>
                                <dt>{s.date_of_birth}</dt>
                                <dd id="profile-date-of-birth">{or_not_given(born)}</dd>
                                <dt>{s.mailing_address}</dt>
                                <dd id="profile-address">{lines.into_iter().map(|line| view! { <span class="display-block">{line}</span> }).collect_view()}</dd>
                            </dl>
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// `/account/details`: name, date of birth and mailing address, filled in with what is saved.
#[component]
pub fn EditDetailsPage() -> impl IntoView {
    let s = use_texts();
    let details = Resource::new(|| (), |_| get_personal_details());
    view! {
        <Title text=s.details_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.details_title}</h1>
            <DetailsFormView details/>
        </RequireStep>
    }
}

#[component]
fn DetailsFormView(details: Resource<Result<PersonalDetails, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let save = ServerAction::<SavePersonalDetails>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <ErrorSummary error/>
        <p class="usa-prose">{s.details_intro}</p>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => {
                        let form = DetailsForm::from_details(&details);
                        Either::Left(view! {
                            <ActionForm action=save attr:class="usa-form usa-form--large" attr:novalidate=true>
                                <Field label=s.given_name name="given_name" autocomplete="given-name" value=form.given_name.clone() error/>
                                <Field label=s.family_name name="family_name" autocomplete="family-name" value=form.family_name.clone() error/>
                                <DateOfBirth form=form.clone() error/>
                                <fieldset class="usa-fieldset">
                                    <legend class="usa-legend usa-legend--large">{s.address_legend}</legend>
                                    <p class="usa-hint">{s.address_hint}</p>
                                    <Field label=s.address_line1 name="address_line1" autocomplete="address-line1" value=form.address_line1.clone() error/>
                                    <Field label=s.address_line2 name="address_line2" autocomplete="address-line2" value=form.address_line2.clone() error/>
                                    <Field label=s.city name="city" autocomplete="address-level2" value=form.city.clone() error/>
                                    <StateSelect chosen=form.state.clone() error/>
                                    <Field label=s.zip_code name="zip_code" autocomplete="postal-code" inputmode="numeric" hint=s.zip_hint value=form.zip_code.clone() error/>
                                </fieldset>
                                <button type="submit" class="usa-button">{s.save}</button>
                                <a class="usa-button usa-button--unstyled" href="/profile">{s.cancel}</a>
                            </ActionForm>
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// USWDS "memorable date": month, day and year as three numeric inputs, one error for the three.
#[component]
fn DateOfBirth(form: DetailsForm, error: Signal<Option<AppError>>) -> impl IntoView {
    let s = use_texts();
    let locale = use_locale();
    let message = move || field_error_text(error, "birth_month", locale);
    let described = move || {
        if message().is_some() {
            "birth-hint birth_month-error"
        } else {
            "birth-hint"
        }
    };
    let part = move |label: &'static str,
                     name: &'static str,
                     class: &'static str,
                     value: String,
                     length: u32,
                     autocomplete: &'static str| {
        view! {
            <div class=format!("usa-form-group usa-form-group--{class}")>
                <label class="usa-label" for=name>{label}</label>
                <input class="usa-input" id=name name=name type="text" inputmode="numeric"
                    maxlength=length autocomplete=autocomplete value=value
                    aria-describedby=described
                    aria-invalid=move || message().is_some().then_some("true")/>
            </div>
        }
    };
    view! {
        <fieldset class="usa-fieldset" class:usa-form-group--error=move || message().is_some()>
            <legend class="usa-legend">{s.date_of_birth_legend}</legend>
            <span class="usa-hint" id="birth-hint">{s.date_of_birth_hint}</span>
            {move || message().map(|text| view! { <span class="usa-error-message" id="birth_month-error">{text}</span> })}
            <div class="usa-memorable-date">
                {part(s.month, "birth_month", "month", form.birth_month.clone(), 2, "bday-month")}
                {part(s.day, "birth_day", "day", form.birth_day.clone(), 2, "bday-day")}
                {part(s.year, "birth_year", "year", form.birth_year.clone(), 4, "bday-year")}
            </div>
        </fieldset>
    }
}

#[component]
fn StateSelect(chosen: String, error: Signal<Option<AppError>>) -> impl IntoView {
    let s = use_texts();
    let locale = use_locale();
    let message = move || field_error_text(error, "state", locale);
    let options = STATES
        .iter()
        .map(|(code, name)| {
            view! { <option value=*code selected=chosen == *code>{*name}</option> }
        })
        .collect_view();
    view! {
        <div class="usa-form-group" class:usa-form-group--error=move || message().is_some()>
            <label class="usa-label" for="state">{s.state}</label>
            {move || message().map(|text| view! { <span class="usa-error-message" id="state-error">{text}</span> })}
            <select class="usa-select" id="state" name="state" autocomplete="address-level1"
                aria-describedby=move || message().map(|_| "state-error")>
                <option value="">{s.choose_state}</option>
                {options}
            </select>
        </div>
    }
}

/// `/account/email`: the current address and a new one; once a code was sent, the box for it.
/// Sending and confirming need a recent full sign-in; if it is too old the page links to
/// confirming it is you.
#[component]
pub fn ChangeEmailPage() -> impl IntoView {
    let s = use_texts();
    // Asked again when the address in the bar changes: sending a code and starting over come
    // back to this page with another query, which a hydrated page reaches without reloading.
    let query = use_query_map();
    let status = Resource::new(move || query.read().get("sent"), |_| get_email_change());
    view! {
        <Title text=s.email_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.email_title}</h1>
            <ChangeEmailForms status/>
        </RequireStep>
    }
}

#[component]
fn ChangeEmailForms(status: Resource<Result<EmailChangeStatus, AppError>>) -> impl IntoView {
    let s = use_texts();
    let a = accounts_texts::use_texts();
    let loading = use_common().loading;
    let start = ServerAction::<StartEmailChange>::new();
    let confirm = ServerAction::<ConfirmEmailChange>::new();
    let cancel = ServerAction::<CancelEmailChange>::new();
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| start.value().get().and_then(|r| r.err()))
    });
    let needs_reauth = move || matches!(error.get(), Some(AppError::ReauthRequired));
    let sent = query_flag("sent");
    view! {
        <ErrorSummary error/>
        {move || needs_reauth().then(|| view! {
            <p><a class="usa-button usa-button--outline" href="/account/reauthenticate?next=/account/email">{a.reauth_link}</a></p>
        })}
        <p class="usa-prose">{s.email_intro}</p>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(status) => {
                        let current = view! {
                            <dl class="usa-summary-box">
                                <dt>{s.current_email}</dt>
                                <dd id="current-email">{status.current.clone()}</dd>
                            </dl>
                        };
                        let step = match status.pending {
                            Some(pending) => Either::Left(view! {
                                <div class="usa-alert usa-alert--info" role="status" class:caseport-just-sent=move || sent.get()>
                                    <div class="usa-alert__body"><p class="usa-alert__text" id="code-sent">{fill(s.code_sent_to, &[("email", &pending)])}</p></div>
                                </div>
                                <ActionForm action=confirm attr:class="usa-form" attr:novalidate=true>
                                    <Field label=s.code name="code" autocomplete="one-time-code" inputmode="numeric" hint=s.code_hint error/>
                                    <button type="submit" class="usa-button">{s.confirm_change}</button>
                                </ActionForm>
                                <ActionForm action=cancel attr:class="usa-form">
                                    <button type="submit" class="usa-button usa-button--unstyled">{s.start_over}</button>
                                </ActionForm>
                            }),
                            None => Either::Right(view! {
                                <ActionForm action=start attr:class="usa-form" attr:novalidate=true>
                                    <Field label=s.new_email name="new_email" input_type="email" autocomplete="email" error/>
                                    <button type="submit" class="usa-button">{s.send_code}</button>
                                    <a class="usa-button usa-button--unstyled" href="/profile">{s.cancel}</a>
                                </ActionForm>
                            }),
                        };
                        Either::Left(view! { {current} {step} })
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}
