//! Pages for codes sent by text message or email: setting up a phone or email codes, the second
//! sign-in step with a sent code, and the "text me a code" buttons of the pages that take any
//! second factor.

use super::{
    model::CodeChannel,
    server_fns::{
        get_code_channels, ConfirmCodeBinding, SendCode, StartCodeBinding, VerifySentCode,
    },
    texts::{use_texts, MfaTexts},
};
use crate::{
    components::{ErrorSummary, Field, RequireStep},
    error::AppError,
    session::model::Step,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The channel named by the page's `sent` query value: a code was just sent on it.
fn sent_channel() -> Memo<Option<CodeChannel>> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("sent")
            .as_deref()
            .and_then(CodeChannel::parse)
    })
}

/// "We sent a code…" after a code went out on `channel`.
#[component]
fn SentNotice(channel: CodeChannel) -> impl IntoView {
    let s = use_texts();
    let sent = sent_channel();
    move || {
        (sent.get() == Some(channel)).then(|| {
            let text = match channel {
                CodeChannel::Text => s.code_sent_text,
                CodeChannel::Email => s.code_sent_email,
            };
            view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text" id="code-sent">{text}</p></div>
                </div>
            }
        })
    }
}

fn code_label(s: &MfaTexts, channel: CodeChannel) -> &'static str {
    match channel {
        CodeChannel::Text => s.text_code_label,
        CodeChannel::Email => s.email_code_label,
    }
}

fn either_error<A, B>(first: ServerAction<A>, second: ServerAction<B>) -> Signal<Option<AppError>>
where
    A: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
    B: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        second
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| first.value().get().and_then(|r| r.err()))
    })
}

/// The second sign-in step with a code sent on `channel`: a button that sends it, and its field.
#[component]
pub fn SentCodeSignIn(channel: CodeChannel) -> impl IntoView {
    let s = use_texts();
    let send = ServerAction::<SendCode>::new();
    let verify = ServerAction::<VerifySentCode>::new();
    let error = either_error(send, verify);
    let sent = sent_channel();
    let (title, intro, send_label) = match channel {
        CodeChannel::Text => (s.text_sign_in_title, s.text_sign_in_intro, s.send_text_code),
        CodeChannel::Email => (
            s.email_sign_in_title,
            s.email_sign_in_intro,
            s.send_email_code,
        ),
    };
    view! {
        <h1>{title}</h1>
        <p class="usa-prose">{intro}</p>
        <SentNotice channel/>
        <ErrorSummary error/>
        <ActionForm action=send attr:class="usa-form">
            <input type="hidden" name="channel" value=channel.as_str()/>
            <button type="submit" class="usa-button usa-button--outline">
                {move || if sent.get() == Some(channel) { s.resend_code } else { send_label }}
            </button>
        </ActionForm>
        <ActionForm action=verify attr:class="usa-form" attr:novalidate=true>
            <input type="hidden" name="channel" value=channel.as_str()/>
            <Field label=code_label(s, channel) name="code" autocomplete="one-time-code" inputmode="numeric" hint=s.sent_code_hint error/>
            <button type="submit" class="usa-button">{s.code_verify}</button>
        </ActionForm>
        <p><a class="usa-link" href="/sign-in/methods">{s.other_method}</a></p>
    }
}

/// `/sign-in/text`: the second sign-in step with a texted code.
#[component]
pub fn SignInTextPage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.text_sign_in_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <SentCodeSignIn channel=CodeChannel::Text/>
        </RequireStep>
    }
}

/// `/sign-in/email-code`: the second sign-in step with an emailed code.
#[component]
pub fn SignInEmailCodePage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.email_sign_in_title/>
        <RequireStep required=Step::AwaitingSecondFactor>
            <SentCodeSignIn channel=CodeChannel::Email/>
        </RequireStep>
    }
}

/// Proving a new phone (or the address, for email codes) with a sent code, then binding it.
#[component]
fn CodeBindingForms(channel: CodeChannel) -> impl IntoView {
    let s = use_texts();
    let start = ServerAction::<StartCodeBinding>::new();
    let confirm = ServerAction::<ConfirmCodeBinding>::new();
    let error = either_error(start, confirm);
    let sent = sent_channel();
    let send_label = move || match (channel, sent.get() == Some(channel)) {
        (_, true) => s.resend_code,
        (CodeChannel::Text, false) => s.send_code,
        (CodeChannel::Email, false) => s.send_email_code,
    };
    view! {
        <SentNotice channel/>
        <ErrorSummary error/>
        <ActionForm action=start attr:class="usa-form" attr:novalidate=true>
            <input type="hidden" name="channel" value=channel.as_str()/>
            {(channel == CodeChannel::Text).then(|| view! {
                <Field label=s.phone_label name="phone" input_type="tel" autocomplete="tel" hint=s.phone_hint error/>
            })}
            <button type="submit" class="usa-button usa-button--outline">{send_label}</button>
        </ActionForm>
        <ActionForm action=confirm attr:class="usa-form" attr:novalidate=true>
            <input type="hidden" name="channel" value=channel.as_str()/>
            <Field label=code_label(s, channel) name="code" autocomplete="one-time-code" inputmode="numeric" hint=s.sent_code_hint error/>
            <button type="submit" class="usa-button">{s.setup_confirm}</button>
        </ActionForm>
    }
}

/// `/setup-phone`: a phone for texted codes as the first second factor.
#[component]
pub fn SetupPhonePage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.phone_title/>
        <RequireStep required=Step::EnrollingTotp>
            <h1>{s.phone_title}</h1>
            <p class="usa-prose">{s.phone_intro}</p>
            <CodeBindingForms channel=CodeChannel::Text/>
            <p><a class="usa-link" href="/setup-authenticator">{s.setup_title}</a></p>
        </RequireStep>
    }
}

/// `/account/security/phone`: add or change the phone for texted codes (after a recent sign-in).
#[component]
pub fn SecurityPhonePage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.phone_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.phone_title}</h1>
            <p class="usa-prose">{s.phone_intro}</p>
            <CodeBindingForms channel=CodeChannel::Text/>
            <p><a class="usa-link" href="/account/security">{s.security_title}</a></p>
        </RequireStep>
    }
}

/// `/setup-email-codes`: codes by email as the first second factor (the weakest choice).
#[component]
pub fn SetupEmailCodesPage() -> impl IntoView {
    let s = use_texts();
    view! {
        <Title text=s.email_setup_title/>
        <RequireStep required=Step::EnrollingTotp>
            <h1>{s.email_setup_title}</h1>
            <div class="usa-alert usa-alert--warning" role="note">
                <div class="usa-alert__body"><p class="usa-alert__text">{s.email_setup_intro}</p></div>
            </div>
            <CodeBindingForms channel=CodeChannel::Email/>
            <p><a class="usa-link" href="/setup-authenticator">{s.setup_title}</a></p>
        </RequireStep>
    }
}

/// "Text me a code" / "Email me a code" for pages that take any second factor (confirming it is
/// you, recovery): one button per channel the account can use; `next` is kept for the return.
#[component]
pub fn SendCodeButtons(#[prop(optional, into)] next: Signal<Option<String>>) -> impl IntoView {
    let s = use_texts();
    let channels = Resource::new(|| (), |_| get_code_channels());
    let send = ServerAction::<SendCode>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || send.value().get().and_then(|r| r.err()));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let channels = channels.await.unwrap_or_default();
                let buttons = channels
                    .into_iter()
                    .map(|channel| {
                        let label = match channel {
                            CodeChannel::Text => s.send_text_code,
                            CodeChannel::Email => s.send_email_code,
                        };
                        view! {
                            <SentNotice channel/>
                            <ActionForm action=send attr:class="usa-form">
                                <input type="hidden" name="channel" value=channel.as_str()/>
                                {move || next.get().map(|next| view! { <input type="hidden" name="next" value=next/> })}
                                <button type="submit" class="usa-button usa-button--outline">{label}</button>
                            </ActionForm>
                        }
                    })
                    .collect_view();
                buttons
            })}
        </Transition>
        <ErrorSummary error/>
    }
}
