//! Passkey pages: the second sign-in step with a passkey or security key, adding one, and the
//! list on Sign-in and security where each can be renamed or removed. The WebAuthn steps need
//! scripts; without them the pages say so and offer the other methods.

use super::{
    model::{PasskeySummary, SecurityOverview},
    server_fns::{RemoveFactor, RenamePasskey},
    texts::use_texts,
};
use crate::{
    accounts::model::AuthMethod,
    components::{ErrorSummary, Field, RequireStep},
    error::AppError,
    i18n::fill,
    session::model::Step,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// True once the page runs in the browser with its scripts (the WebAuthn buttons wait for it).
fn hydrated() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    ready
}

#[cfg(feature = "hydrate")]
fn refusal(refusal: super::passkey_browser::BrowserRefusal) -> AppError {
    use super::{passkey_browser::BrowserRefusal, texts::MfaMsg};
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

/// Runs a passkey ceremony from a button: `busy` while it runs, then `done` or the error.
#[cfg(feature = "hydrate")]
fn run_ceremony<F>(
    ceremony: F,
    busy: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
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
            Ok(()) => navigate(done, Default::default()),
            Err(failure) => error.set(Some(failure)),
        }
    });
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

/// The second sign-in step with a passkey or security key.
#[component]
pub fn PasskeySignIn() -> impl IntoView {
    let s = use_texts();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let ready = hydrated();
    #[cfg(feature = "hydrate")]
    let navigate = leptos_router::hooks::use_navigate();
    let start = move |_| {
        #[cfg(feature = "hydrate")]
        run_ceremony(
            sign_in_with_passkey(),
            busy,
            error,
            navigate.clone(),
            "/account",
        );
    };
    view! {
        <h1>{s.passkey_sign_in_title}</h1>
        <p class="usa-prose">{s.passkey_sign_in_intro}</p>
        <NeedsScript/>
        <ErrorSummary error/>
        <p>
            <button type="button" id="passkey" class="usa-button" on:click=start disabled=move || !ready.get() || busy.get()>
                {s.passkey_use}
            </button>
        </p>
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
            <AddPasskey/>
        </RequireStep>
    }
}

#[component]
fn AddPasskey() -> impl IntoView {
    let s = use_texts();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let ready = hydrated();
    #[cfg(feature = "hydrate")]
    let navigate = leptos_router::hooks::use_navigate();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let name = document()
                .get_element_by_id("name")
                .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default();
            run_ceremony(
                add_passkey(name),
                busy,
                error,
                navigate.clone(),
                "/account/security?passkey_added=1",
            );
        }
    };
    let reauth = move || matches!(error.get(), Some(AppError::ReauthRequired));
    view! {
        <h1>{s.passkey_add_title}</h1>
        <p class="usa-prose">{s.passkey_add_intro}</p>
        <NeedsScript/>
        <ErrorSummary error/>
        {move || reauth().then(|| view! {
            <p><a class="usa-button usa-button--outline" href="/account/reauthenticate?next=/account/security/passkey">{s.confirm_identity_link}</a></p>
        })}
        <form class="usa-form" novalidate on:submit=submit>
            <Field label=s.passkey_name_label name="name" hint=s.passkey_name_hint error/>
            <button type="submit" id="passkey" class="usa-button" disabled=move || !ready.get() || busy.get()>
                {s.passkey_create}
            </button>
        </form>
        <p><a class="usa-link" href="/account/security">{s.security_title}</a></p>
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
