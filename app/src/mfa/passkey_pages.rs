//! Passkey pages: the second sign-in step with a passkey or security key, adding one, and the
//! list on Sign-in and security where each can be renamed or removed. The WebAuthn steps need
//! scripts; without them the pages say so and offer the other methods.

use super::{
    model::{PasskeySummary, SecurityOverview},
    server_fns::{RemoveFactor, RenamePasskey},
    texts::{use_texts, MfaMsg, MfaTexts},
};
use crate::{
    accounts::model::AuthMethod,
    components::RequireStep,
    error::AppError,
    i18n::{fill, use_common, Msg},
    session::model::Step,
};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// What the passkey islands may say, in the reader's language, sent with the page (the browser
/// carries no message catalogue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyWords {
    /// The heading of the error summary.
    pub problem: String,
    /// The key was not accepted, or the person cancelled.
    pub failed: String,
    /// This browser has no WebAuthn.
    pub unsupported: String,
    /// The name is empty, too long or has control characters.
    pub name_invalid: String,
    /// The key is registered already.
    pub taken: String,
    /// The account has as many keys as it may.
    pub limit: String,
    /// The last full sign-in is too old for this change.
    pub reauth: String,
    /// The link to confirm it is you.
    pub reauth_link: String,
}

impl PasskeyWords {
    fn new(s: &MfaTexts) -> Self {
        let locale = crate::i18n::use_locale();
        Self {
            problem: use_common().there_is_a_problem.to_owned(),
            failed: s.passkey_failed.to_owned(),
            unsupported: s.passkey_unsupported.to_owned(),
            name_invalid: s.passkey_name_invalid.to_owned(),
            taken: s.passkey_taken.to_owned(),
            limit: s.passkey_limit.to_owned(),
            reauth: AppError::ReauthRequired
                .messages()
                .first()
                .map(|(_, message)| message.text(locale))
                .unwrap_or_default(),
            reauth_link: s.confirm_identity_link.to_owned(),
        }
    }

    /// The words for `error`; `None` for "confirm it is you first" (shown with its link).
    fn for_error(&self, error: &AppError) -> Option<String> {
        if matches!(error, AppError::ReauthRequired) {
            return None;
        }
        let message = error
            .messages()
            .into_iter()
            .next()
            .map(|(_, message)| message);
        Some(match message {
            Some(Msg::Mfa(MfaMsg::PasskeyNameInvalid)) => self.name_invalid.clone(),
            Some(Msg::Mfa(MfaMsg::PasskeyTaken)) => self.taken.clone(),
            Some(Msg::Mfa(MfaMsg::PasskeyLimit)) => self.limit.clone(),
            Some(Msg::Mfa(MfaMsg::PasskeyUnsupported)) => self.unsupported.clone(),
            _ => self.failed.clone(),
        })
    }
}

#[cfg(feature = "hydrate")]
fn refusal(refusal: super::passkey_browser::BrowserRefusal) -> AppError {
    use super::passkey_browser::BrowserRefusal;
    let message = match refusal {
        BrowserRefusal::Unsupported => MfaMsg::PasskeyUnsupported,
        BrowserRefusal::NoCredential => MfaMsg::PasskeyFailed,
    };
    AppError::field("passkey", message.into())
}

#[cfg(feature = "hydrate")]
async fn sign_in_with_passkey() -> Result<(), AppError> {
    let options = super::server_fns::start_passkey_sign_in().await?;
    let answer = super::passkey_browser::get(&options)
        .await
        .map_err(refusal)?;
    super::server_fns::finish_passkey_sign_in(answer).await
}

#[cfg(feature = "hydrate")]
async fn add_passkey(name: String) -> Result<(), AppError> {
    let options = super::server_fns::start_passkey_registration(name).await?;
    let answer = super::passkey_browser::create(&options)
        .await
        .map_err(refusal)?;
    super::server_fns::finish_passkey_registration(answer).await
}

/// Runs a passkey ceremony from a button: `busy` while it runs, then a full load of `done`, or
/// the error.
#[cfg(feature = "hydrate")]
fn run_ceremony<F>(
    ceremony: F,
    busy: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    done: &'static str,
) where
    F: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    busy.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        let result = ceremony.await;
        busy.set(false);
        match result {
            Ok(()) => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().assign(done);
                }
            }
            Err(failure) => error.set(Some(failure)),
        }
    });
}

/// The error summary of a passkey island.
#[component]
fn PasskeyProblem(words: PasskeyWords, error: RwSignal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            let text = words.for_error(&error);
            let reauth = text.is_none().then(|| view! {
                <li><a class="usa-link" href="/account/reauthenticate?next=/account/security/passkey">{words.reauth_link.clone()}</a></li>
            });
            view! {
                <div class="usa-alert usa-alert--error usa-error-summary" role="alert" tabindex="-1">
                    <div class="usa-alert__body">
                        <h2 class="usa-alert__heading usa-error-summary__heading">{words.problem.clone()}</h2>
                        <ul class="usa-list usa-list--unstyled">
                            <li>{text.unwrap_or_else(|| words.reauth.clone())}</li>
                            {reauth}
                        </ul>
                    </div>
                </div>
            }
        })
    }
}

/// "Passkeys need JavaScript" for pages rendered without scripts.
#[component]
fn NeedsScript() -> impl IntoView {
    let s = use_texts();
    view! {
        <noscript>
            <div class="usa-alert usa-alert--info usa-alert--slim">
                <div class="usa-alert__body"><p class="usa-alert__text">{s.passkey_needs_script}</p></div>
            </div>
        </noscript>
    }
}

/// The button of the second sign-in step with a passkey: enabled once scripts run.
#[island]
fn PasskeySignInButton(label: String, words: PasskeyWords) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    let start = move |_| {
        #[cfg(feature = "hydrate")]
        run_ceremony(sign_in_with_passkey(), busy, error, "/account");
    };
    view! {
        <PasskeyProblem words error/>
        <p>
            <button type="button" id="passkey" class="usa-button" on:click=start disabled=move || !ready.get() || busy.get()>
                {label}
            </button>
        </p>
    }
}

/// The second sign-in step with a passkey or security key.
#[component]
pub fn PasskeySignIn() -> impl IntoView {
    let s = use_texts();
    view! {
        <h1>{s.passkey_sign_in_title}</h1>
        <p class="usa-prose">{s.passkey_sign_in_intro}</p>
        <NeedsScript/>
        <PasskeySignInButton label=s.passkey_use.to_owned() words=PasskeyWords::new(s)/>
        <p><a class="usa-link" href="/sign-in/methods">{s.other_method}</a></p>
    }
}

/// `/sign-in/passkey`: the second sign-in step with a passkey, chosen from the methods.
#[component]
pub fn SignInPasskeyPage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.passkey_sign_in_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <PasskeySignIn/>
        </RequireStep>
    }
}

/// `/account/security/passkey`: name a new passkey or security key and make it (after a recent
/// sign-in; the server refuses otherwise and the page offers to confirm it is you).
#[component]
pub fn AddPasskeyPage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.passkey_add_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.passkey_add_title}</h1>
            <p class="usa-prose">{s.passkey_add_intro}</p>
            <NeedsScript/>
            <AddPasskeyForm
                label=s.passkey_name_label.to_owned()
                hint=s.passkey_name_hint.to_owned()
                submit=s.passkey_create.to_owned()
                words=PasskeyWords::new(s)
            />
            <p><a class="usa-link" href="/account/security">{s.security_title}</a></p>
        </RequireStep>
    }
}

/// The name of a new passkey and the button that makes it: enabled once scripts run.
#[island]
fn AddPasskeyForm(
    label: String,
    hint: String,
    submit: String,
    words: PasskeyWords,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    let name = RwSignal::new(String::new());
    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        run_ceremony(
            add_passkey(name.get_untracked()),
            busy,
            error,
            "/account/security?passkey_added=1",
        );
    };
    let invalid = move || {
        error
            .get()
            .is_some_and(|e| e.field_message("name").is_some())
            .then_some("true")
    };
    view! {
        <PasskeyProblem words error/>
        <form class="usa-form" novalidate on:submit=create>
            <label class="usa-label" for="name">{label}</label>
            <div class="usa-hint" id="name-hint">{hint}</div>
            <input class="usa-input" id="name" name="name" maxlength="60" aria-describedby="name-hint"
                aria-invalid=invalid bind:value=name/>
            <button type="submit" id="passkey" class="usa-button" disabled=move || !ready.get() || busy.get()>
                {submit}
            </button>
        </form>
    }
}

/// The passkeys section of Sign-in and security: each key with rename and remove, and the link
/// to add one (after a recent sign-in).
#[component]
pub fn PasskeyList(
    overview: SecurityOverview,
    /// Whether removing is allowed now (a recent sign-in and another factor left).
    removable: bool,
    /// The action that removes a factor (shared with the page's other remove buttons).
    remove: ServerAction<RemoveFactor>,
    /// The action that renames a passkey.
    rename: ServerAction<RenamePasskey>,
) -> impl IntoView {
    let s = use_texts();
    let items = overview
        .passkeys
        .iter()
        .cloned()
        .map(|passkey| view! { <PasskeyItem passkey removable remove rename/> })
        .collect_view();
    let add_link = (overview.passkeys_available
        && overview.recently_authenticated
        && overview.passkeys.len() < super::model::MAX_PASSKEYS)
        .then(|| {
            view! { <p><a class="usa-link" href="/account/security/passkey">{s.passkey_add_link}</a></p> }
        });
    view! {
        <section aria-labelledby="passkeys-heading">
            <h2 id="passkeys-heading">{s.passkeys_heading}</h2>
            {(!overview.passkeys_available).then(|| view! { <p class="usa-hint">{s.passkeys_unavailable}</p> })}
            <ul class="usa-list" id="passkeys">{items}</ul>
            {add_link}
        </section>
    }
}

#[component]
fn PasskeyItem(
    passkey: PasskeySummary,
    removable: bool,
    remove: ServerAction<RemoveFactor>,
    rename: ServerAction<RenamePasskey>,
) -> impl IntoView {
    let s = use_texts();
    let details = fill(
        s.passkey_details,
        &[
            ("date", &passkey.added),
            (
                "used",
                &passkey.last_used.as_deref().unwrap_or(s.passkey_never_used),
            ),
        ],
    );
    let input_id = format!("passkey-name-{}", passkey.id);
    let id = passkey.id.clone();
    let name = passkey.name.clone();
    view! {
        <li class="caseport-passkey">
            <strong>{passkey.name.clone()}</strong>" ("{details}")"
            {removable.then(|| {
                let id = id.clone();
                let name = name.clone();
                view! {
                    <ActionForm action=remove attr:class="caseport-inline-form">
                        <input type="hidden" name="method" value=AuthMethod::Passkey.as_str()/>
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="usa-button usa-button--unstyled">{s.passkey_remove}" "<span class="usa-sr-only">{name}</span></button>
                    </ActionForm>
                }
            })}
            <ActionForm action=rename attr:class="usa-form caseport-rename-form">
                <input type="hidden" name="id" value=id/>
                <label class="usa-label" for=input_id.clone()>{s.passkey_new_name}" "<span class="usa-sr-only">{passkey.name.clone()}</span></label>
                <input class="usa-input" id=input_id name="name" maxlength="60" value=passkey.name.clone()/>
                <button type="submit" class="usa-button usa-button--outline">{s.passkey_rename}</button>
            </ActionForm>
        </li>
    }
}
