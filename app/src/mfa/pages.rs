//! Second-factor pages: authenticator set-up during registration, the second sign-in step with
//! each method, Sign-in and security, new backup codes, and confirming it is you.

use super::{
    code_pages::{SendCodeButtons, SentCodeSignIn},
    model::{CodeChannel, NewBackupCodes, SecurityOverview, TotpEnrolment},
    passkey_pages::{PasskeyList, PasskeySignIn},
    server_fns::{
        get_new_backup_codes, get_security_overview, get_sign_in_methods, get_totp_enrolment,
        AcknowledgeBackupCodes, ConfirmTotpEnrolment, GenerateBackupCodes, Reauthenticate,
        RemoveFactor, RenamePasskey, VerifyBackupCode, VerifyTotp,
    },
    texts::use_texts,
};
use crate::{
    accounts::model::AuthMethod,
    components::{query_flag, ErrorSummary, Field, RequireStep},
    error::AppError,
    i18n::{fill, use_common},
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
            <SetupAuthenticator enrolment title=s.setup_title intro=s.setup_intro/>
        </RequireStep>
    }
}

/// `/account/security/app`: a new authentication app for a signed-in account (after confirming it
/// is you); it replaces the app set up before.
#[component]
pub fn NewAppPage() -> impl IntoView {
    let s = use_texts();
    let enrolment = Resource::new(|| (), |_| get_totp_enrolment());
    view! {
        <Title text=s.new_app_title/>
        <RequireStep required=Step::SignedIn>
            <SetupAuthenticator enrolment title=s.new_app_title intro=s.new_app_intro/>
            <p><a class="usa-link" href="/account/security">{s.security_title}</a></p>
        </RequireStep>
    }
}

#[component]
fn SetupAuthenticator(
    enrolment: Resource<Result<TotpEnrolment, AppError>>,
    title: &'static str,
    intro: &'static str,
) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let confirm = ServerAction::<ConfirmTotpEnrolment>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || confirm.value().get().and_then(|r| r.err()));
    view! {
        <h1>{title}</h1>
        <p class="usa-prose">{intro}</p>
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
                    Err(AppError::ReauthRequired) => Either::Right(Either::Left(view! {
                        <p><a class="usa-button usa-button--outline" href="/account/reauthenticate?next=/account/security/app">{s.confirm_identity_link}</a></p>
                    })),
                    Err(error) => Either::Right(Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> })),
                }
            })}
        </Suspense>
        <ActionForm action=confirm attr:class="usa-form" attr:novalidate=true>
            <Field label=s.auth_code name="code" autocomplete="one-time-code" inputmode="numeric" hint=s.auth_code_hint error/>
            <button type="submit" class="usa-button">{s.setup_confirm}</button>
        </ActionForm>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                enrolment.await.ok().filter(|e| e.texts_available || e.email_codes_allowed).map(|e| view! {
                    <section aria-labelledby="other-ways-heading">
                        <h2 id="other-ways-heading">{s.other_ways_heading}</h2>
                        <ul class="usa-list">
                            {e.texts_available.then(|| view! { <li><a class="usa-link" href="/setup-phone">{s.setup_phone_link}</a></li> })}
                            {e.email_codes_allowed.then(|| view! { <li><a class="usa-link" href="/setup-email-codes">{s.setup_email_link}</a></li> })}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// `/sign-in/code`: the second step after the password, with the account's strongest method.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let s = use_texts();
    let methods = Resource::new(|| (), |_| get_sign_in_methods());
    let loading = use_common().loading;
    view! {
        <Title text=s.code_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <Suspense fallback=move || view! { <p>{loading}</p> }>
                {move || Suspend::new(async move {
                    match methods.await.map(|m| m.first().copied()) {
                        Ok(Some(AuthMethod::Passkey)) => view! { <PasskeySignIn/> }.into_any(),
                        Ok(Some(AuthMethod::TextMessage)) => view! { <SentCodeSignIn channel=CodeChannel::Text/> }.into_any(),
                        Ok(Some(AuthMethod::EmailCode)) => view! { <SentCodeSignIn channel=CodeChannel::Email/> }.into_any(),
                        Ok(Some(AuthMethod::BackupCode)) => view! { <BackupCodeSignIn/> }.into_any(),
                        Ok(_) => view! { <AppCodeSignIn/> }.into_any(),
                        Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error))/> }.into_any(),
                    }
                })}
            </Suspense>
        </RequireStep>
    }
}

/// The second sign-in step with a code from the authentication app.
#[component]
fn AppCodeSignIn() -> impl IntoView {
    let s = use_texts();
    let verify = ServerAction::<VerifyTotp>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || verify.value().get().and_then(|r| r.err()));
    view! {
        <h1>{s.code_title}</h1>
        <p class="usa-prose">{s.code_intro}</p>
        <ErrorSummary error/>
        <ActionForm action=verify attr:class="usa-form" attr:novalidate=true>
            <Field label=s.auth_code name="code" autocomplete="one-time-code" inputmode="numeric" hint=s.auth_code_hint error/>
            <button type="submit" class="usa-button">{s.code_verify}</button>
        </ActionForm>
        <p><a class="usa-link" href="/sign-in/methods">{s.other_method}</a></p>
    }
}

/// `/sign-in/app`: the second sign-in step with the authentication app, chosen from the methods.
#[component]
pub fn SignInAppPage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.code_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <AppCodeSignIn/>
        </RequireStep>
    }
}

/// `/sign-in/methods`: the account's second-step methods, strongest first.
#[component]
pub fn SignInMethodsPage() -> impl IntoView {
    let s = use_texts();
    let methods = Resource::new(|| (), |_| get_sign_in_methods());
    view! {
        <Title text=s.methods_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <h1>{s.methods_title}</h1>
            <p class="usa-prose">{s.methods_intro}</p>
            <MethodList methods/>
            <p><a class="usa-link" href="/sign-in/reset-methods">{s.account_reset_link}</a></p>
        </RequireStep>
    }
}

#[component]
fn MethodList(methods: Resource<Result<Vec<AuthMethod>, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match methods.await {
                    Ok(methods) => {
                        let items = methods
                            .into_iter()
                            .filter_map(|method| match method {
                                AuthMethod::Passkey => Some(("/sign-in/passkey", s.method_passkey, s.method_passkey_hint)),
                                AuthMethod::AuthenticatorApp => Some(("/sign-in/app", s.method_app, s.method_app_hint)),
                                AuthMethod::TextMessage => Some(("/sign-in/text", s.method_text, s.method_text_hint)),
                                AuthMethod::BackupCode => Some(("/sign-in/backup-code", s.method_backup, s.method_backup_hint)),
                                AuthMethod::EmailCode => Some(("/sign-in/email-code", s.method_email, s.method_email_hint)),
                                AuthMethod::Password => None,
                            })
                            .map(|(href, name, hint)| view! {
                                <li class="usa-collection__item">
                                    <div class="usa-collection__body">
                                        <h2 class="usa-collection__heading"><a class="usa-link" href=href>{name}</a></h2>
                                        <p class="usa-collection__description">{hint}</p>
                                    </div>
                                </li>
                            })
                            .collect_view();
                        Either::Left(view! { <ul class="usa-collection">{items}</ul> })
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// `/sign-in/backup-code`: the second sign-in step with a backup code.
#[component]
pub fn SignInBackupCodePage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.backup_sign_in_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <BackupCodeSignIn/>
        </RequireStep>
    }
}

#[component]
fn BackupCodeSignIn() -> impl IntoView {
    let s = use_texts();
    let verify = ServerAction::<VerifyBackupCode>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || verify.value().get().and_then(|r| r.err()));
    view! {
        <h1>{s.backup_sign_in_title}</h1>
        <p class="usa-prose">{s.backup_sign_in_intro}</p>
        <ErrorSummary error/>
        <ActionForm action=verify attr:class="usa-form" attr:novalidate=true>
            <Field label=s.backup_code name="code" autocomplete="off" hint=s.backup_code_hint error/>
            <button type="submit" class="usa-button">{s.code_verify}</button>
        </ActionForm>
        <p><a class="usa-link" href="/sign-in/methods">{s.other_method}</a></p>
    }
}

/// `/account/security`: the account's sign-in methods and backup codes, and the way to change them
/// (after confirming it is you).
#[component]
pub fn SecurityPage() -> impl IntoView {
    let s = use_texts();
    let overview = Resource::new(|| (), |_| get_security_overview());
    view! {
        <Title text=s.security_title/>
        <RequireStep required=Step::SignedIn>
            <SecurityDetails overview/>
        </RequireStep>
    }
}

#[component]
fn SecurityDetails(overview: Resource<Result<SecurityOverview, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let generate = ServerAction::<GenerateBackupCodes>::new();
    let remove = ServerAction::<RemoveFactor>::new();
    let rename = ServerAction::<RenamePasskey>::new();
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        remove
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| rename.value().get().and_then(|r| r.err()))
            .or_else(|| generate.value().get().and_then(|r| r.err()))
    });
    let saved = query_flag("saved");
    let removed = query_flag("removed");
    let passkey_added = query_flag("passkey_added");
    let renamed = query_flag("renamed");
    let app_added = query_flag("app_added");
    view! {
        <h1>{s.security_title}</h1>
        <p class="usa-prose">{s.security_intro}</p>
        {move || saved.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text">{s.saved_notice}</p></div>
            </div>
        })}
        {move || removed.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text">{s.removed_notice}</p></div>
            </div>
        })}
        {move || passkey_added.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text" id="passkey-added">{s.passkey_added_notice}</p></div>
            </div>
        })}
        {move || app_added.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text" id="app-added">{s.new_app_notice}</p></div>
            </div>
        })}
        {move || renamed.get().then(|| view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text">{s.passkey_renamed_notice}</p></div>
            </div>
        })}
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => {
                        let app = match &overview.authenticator_added {
                            Some(date) => fill(s.app_added, &[("date", date)]),
                            None => s.no_app.to_owned(),
                        };
                        let phone = overview.phone.as_ref().map(|(ending, date)| {
                            fill(s.phone_added, &[("ending", ending), ("date", date)])
                        });
                        let has_phone = phone.is_some();
                        let email_codes = overview.email_codes_added.as_ref().map(|date| {
                            let added = fill(s.email_codes_added, &[("date", date)]);
                            if overview.email_codes_offered { added } else { format!("{added}. {}", s.email_codes_not_used) }
                        });
                        // Removing needs a recent sign-in and another factor left.
                        let factors = usize::from(overview.authenticator_added.is_some())
                            + usize::from(has_phone)
                            + usize::from(email_codes.is_some())
                            + overview.passkeys.len();
                        let removable = overview.recently_authenticated && factors > 1;
                        let remove_button = move |method: AuthMethod, label: &'static str| {
                            removable.then(|| view! {
                                <ActionForm action=remove attr:class="caseport-inline-form">
                                    <input type="hidden" name="method" value=method.as_str()/>
                                    <button type="submit" class="usa-button usa-button--unstyled">{label}</button>
                                </ActionForm>
                            })
                        };
                        let has_app = overview.authenticator_added.is_some();
                        let phone_link = (overview.texts_available && overview.recently_authenticated).then(|| view! {
                            <p><a class="usa-link" href="/account/security/phone">{if has_phone { s.change_phone } else { s.add_phone }}</a></p>
                        });
                        let app_link = overview.recently_authenticated.then(|| view! {
                            <p><a class="usa-link" href="/account/security/app">{if has_app { s.replace_app } else { s.add_app }}</a></p>
                        });
                        let codes = match &overview.backup_codes {
                            Some(status) => fill(s.backup_left, &[("unused", &status.unused), ("total", &status.total), ("date", &status.made)]),
                            None => s.backup_none.to_owned(),
                        };
                        let low = overview.backup_codes.as_ref().is_some_and(|c| c.running_low);
                        let has_codes = overview.backup_codes.is_some();
                        let action = if overview.recently_authenticated {
                            Either::Left(view! {
                                <ActionForm action=generate attr:class="usa-form">
                                    {has_codes.then(|| view! { <p class="usa-hint">{s.backup_regenerate_warning}</p> })}
                                    <button type="submit" class="usa-button">{if has_codes { s.backup_regenerate } else { s.backup_generate }}</button>
                                </ActionForm>
                            })
                        } else {
                            Either::Right(view! {
                                <p><a class="usa-button usa-button--outline" href="/account/reauthenticate?next=/account/security">{s.confirm_identity_link}</a></p>
                            })
                        };
                        Either::Left(view! {
                            <section aria-labelledby="methods-heading">
                                <h2 id="methods-heading">{s.methods_heading}</h2>
                                <ul class="usa-list">
                                    <li id="factor-app">{app} {has_app.then(|| remove_button(AuthMethod::AuthenticatorApp, s.remove_app))}</li>
                                    {phone.map(|phone| view! { <li id="factor-phone">{phone} {remove_button(AuthMethod::TextMessage, s.remove_phone)}</li> })}
                                    {email_codes.map(|email| view! { <li id="factor-email">{email} {remove_button(AuthMethod::EmailCode, s.remove_email_codes)}</li> })}
                                </ul>
                                {app_link}
                                {phone_link}
                            </section>
                            <PasskeyList overview=overview.clone() removable remove rename/>
                            <section aria-labelledby="backup-heading">
                                <h2 id="backup-heading">{s.backup_heading}</h2>
                                <p class="usa-prose">{s.backup_explainer}</p>
                                {low.then(|| view! {
                                    <div class="usa-alert usa-alert--warning" role="status">
                                        <div class="usa-alert__body"><p class="usa-alert__text">{s.backup_low}</p></div>
                                    </div>
                                })}
                                <p id="backup-code-count">{codes}</p>
                                {action}
                            </section>
                            <p><a class="usa-link" href="/account/history">{s.history_link}</a></p>
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// `/account/security/backup-codes`: a new set of backup codes, shown once, to print or download.
#[component]
pub fn NewBackupCodesPage() -> impl IntoView {
    let s = use_texts();
    let codes = Resource::new(|| (), |_| get_new_backup_codes());
    view! {
        <Title text=s.new_codes_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.new_codes_title}</h1>
            <NewCodes codes/>
        </RequireStep>
    }
}

#[component]
fn NewCodes(codes: Resource<Result<Option<NewBackupCodes>, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let acknowledge = ServerAction::<AcknowledgeBackupCodes>::new();
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match codes.await {
                    Ok(Some(new)) => {
                        let download = format!(
                            "data:text/plain;charset=utf-8,{}",
                            super::model::encode_query_value(&new.text_file)
                        );
                        let items = new
                            .codes
                            .into_iter()
                            .map(|code| view! { <li><code class="caseport-backup-code">{code}</code></li> })
                            .collect_view();
                        Either::Left(view! {
                            <p class="usa-prose">{s.new_codes_intro}</p>
                            <ol id="backup-codes" class="caseport-backup-codes">{items}</ol>
                            <p>
                                <a class="usa-button usa-button--outline" href=download download="caseport-backup-codes.txt">{s.new_codes_download}</a>
                            </p>
                            <p class="usa-hint">{s.new_codes_print}</p>
                            <ActionForm action=acknowledge attr:class="usa-form">
                                <button type="submit" class="usa-button">{s.new_codes_saved}</button>
                            </ActionForm>
                        })
                    }
                    Ok(None) => Either::Right(view! {
                        <p class="usa-prose">{s.new_codes_gone}</p>
                        <p><a class="usa-link" href="/account/security">{s.security_title}</a></p>
                    }.into_any()),
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }.into_any()),
                }
            })}
        </Suspense>
    }
}

/// `/account/reauthenticate?next=…`: password and a second factor again before a sensitive change.
#[component]
pub fn ReauthenticatePage() -> impl IntoView {
    let s = use_texts();
    let reauthenticate = ServerAction::<Reauthenticate>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || reauthenticate.value().get().and_then(|r| r.err()));
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    view! {
        <Title text=s.reauth_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.reauth_title}</h1>
            <p class="usa-prose">{s.reauth_intro}</p>
            <ErrorSummary error/>
            <ActionForm action=reauthenticate attr:class="usa-form" attr:novalidate=true>
                <input type="hidden" name="next" value=next/>
                <Field label=s.reauth_password name="password" input_type="password" autocomplete="current-password" error/>
                <Field label=s.reauth_code name="code" autocomplete="one-time-code" hint=s.reauth_code_hint error/>
                <button type="submit" class="usa-button">{s.reauth_submit}</button>
            </ActionForm>
            <SendCodeButtons next=Signal::derive(move || Some(next()))/>
        </RequireStep>
    }
}
