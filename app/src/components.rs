//! Page furniture shared by every page: header, footer, language switch, error summary, form fields.
//! Everything here renders on the server; only `#[island]` components are hydrated in the browser.

use crate::{
    error::AppError,
    i18n::{use_common, use_locale, Locale, Msg},
    session::{
        model::Step,
        server_fns::{current_step, SignOut},
    },
};
use leptos::{either::Either, prelude::*};
use leptos_router::{
    components::Redirect,
    hooks::{use_location, use_query_map},
};

/// The session's step, loaded once per page and shared by the header and the page guards through
/// context.
#[derive(Clone, Copy)]
pub struct CurrentStep(pub Resource<Result<Step, AppError>>);

/// The [`CurrentStep`] provided by [`Layout`].
pub fn use_current_step() -> Resource<Result<Step, AppError>> {
    match use_context::<CurrentStep>() {
        Some(CurrentStep(resource)) => resource,
        None => Resource::new(|| (), |_| current_step()),
    }
}

/// The standard page frame: banner, header, main region and footer.
#[component]
pub fn Layout(
    /// Links for signed-in people, shown in the header before "Sign out". The app gives them, so
    /// this frame names no domain.
    #[prop(into, optional)]
    signed_in_links: ViewFn,
    children: Children,
) -> impl IntoView {
    let s = use_common();
    // Rendered on the server only (islands mode): one path per request, one step per page.
    provide_context(CurrentStep(Resource::new(|| (), |_| current_step())));
    view! {
        <a class="usa-skipnav" href="#main-content">{s.skip_to_content}</a>
        <section class="usa-banner" aria-label=s.banner>
            <div class="usa-banner__inner grid-container">{s.banner}</div>
        </section>
        <SiteHeader signed_in_links/>
        <main id="main-content" class="grid-container usa-section" tabindex="-1" data-not-sent=s.not_sent data-not-completed=s.not_completed>
            {children()}
        </main>
        <footer class="usa-footer">
            <div class="grid-container">{s.footer}</div>
        </footer>
    }
}

/// The site's name, the language switch and, for signed-in people, their links, live updates
/// and "Sign out".
#[component]
fn SiteHeader(signed_in_links: ViewFn) -> impl IntoView {
    let s = use_common();
    let step = use_current_step();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <header class="usa-header">
            <div class="usa-header__inner grid-container">
                <div class="usa-logo">
                    <a href="/" title=s.site_name>{s.site_name}</a>
                </div>
                <nav class="usa-nav" aria-label=s.account_navigation>
                    <LanguageSwitch/>
                    <Suspense fallback=|| ()>
                        {move || {
                            let signed_in_links = signed_in_links.clone();
                            Suspend::new(async move {
                            (step.await == Ok(Step::SignedIn)).then(|| view! {
                                {signed_in_links.run()}
                                <LiveUpdates/>
                                <IdleWarning/>
                                <ActionForm action=sign_out>
                                    <button type="submit" class="usa-button usa-button--outline">{s.sign_out}</button>
                                </ActionForm>
                            })
                        })
                        }}
                    </Suspense>
                </nav>
            </div>
        </header>
    }
}

/// The warning shown two minutes before the session idles out, with "Stay signed in": hidden
/// markup that `public/navigate.js` times from `data-idle-left` (seconds, as the server counts
/// them) and shows; "Stay signed in" asks `data-keep-alive`. When the time is up the page is
/// loaded again, and the server sends it to sign-in. Without scripts nothing shows, and the next
/// request after the timeout lands on sign-in with the reason.
#[component]
fn IdleWarning() -> impl IntoView {
    let s = use_common();
    #[cfg(feature = "ssr")]
    let left = crate::session::store::idle_seconds_left().unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let left = 0i64;
    view! {
        <div id="idle-warning" class="caseport-idle-warning usa-alert usa-alert--warning" role="alertdialog"
            aria-labelledby="idle-warning-text" hidden
            data-idle-left=left data-warn-before="120" data-keep-alive="/_fn/keep_session_alive">
            <div class="usa-alert__body">
                <p id="idle-warning-text" class="usa-alert__text">{s.idle_warning}</p>
                <button type="button" class="usa-button" data-stay-signed-in>{s.stay_signed_in}</button>
            </div>
        </div>
    }
}

/// A form per other language that switches the interface to it and returns to the same page.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    Locale::ALL
        .into_iter()
        .filter(|other| *other != locale)
        .map(|other| {
            view! {
                <form class="caseport-language-switch" method="post" action="/language">
                    <input type="hidden" name="lang" value=other.tag()/>
                    <input type="hidden" name="return_to" value=here/>
                    <button type="submit" class="usa-button usa-button--unstyled" lang=other.tag()>
                        {other.name()}
                    </button>
                </form>
            }
        })
        .collect_view()
}

/// The USWDS error summary: every problem, linked to its field, announced to screen readers.
#[component]
pub fn ErrorSummary(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    move || {
        error.get().map(|error| {
            let items = error
                .messages()
                .into_iter()
                .map(|(field, message)| {
                    let text = message.text(locale);
                    match field {
                        Some(field) => Either::Left(view! { <li><a class="usa-link" href=format!("#{field}")>{text}</a></li> }),
                        None => Either::Right(view! { <li>{text}</li> }),
                    }
                })
                .collect_view();
            view! {
                <div class="usa-alert usa-alert--error usa-error-summary" role="alert" tabindex="-1">
                    <div class="usa-alert__body">
                        <h2 class="usa-alert__heading usa-error-summary__heading">{locale.common().there_is_a_problem}</h2>
                        <ul class="usa-list usa-list--unstyled">{items}</ul>
                    </div>
                </div>
            }
        })
    }
}

/// A success or information notice.
#[component]
pub fn Notice(message: Msg, #[prop(default = "success")] kind: &'static str) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class=format!("usa-alert usa-alert--{kind}") role="status">
            <div class="usa-alert__body"><p class="usa-alert__text">{message.text(locale)}</p></div>
        </div>
    }
}

/// What a labelled input is: see [`field_view`].
pub struct FieldSpec {
    /// The visible label.
    pub label: &'static str,
    /// The input's `name` and `id`.
    pub name: &'static str,
    /// Input type.
    pub input_type: &'static str,
    /// Hint shown under the label.
    pub hint: Option<String>,
    /// The `autocomplete` token.
    pub autocomplete: Option<&'static str>,
    /// The `inputmode` (e.g. numeric for codes).
    pub inputmode: Option<&'static str>,
    /// The value the input starts with (e.g. what was looked up last).
    pub value: Option<String>,
}

/// A labelled input with optional hint and its own error message.
#[component]
pub fn Field(
    /// The visible label.
    label: &'static str,
    /// The input's `name` and `id`.
    name: &'static str,
    /// The error of the last submission, if any.
    #[prop(into)]
    error: Signal<Option<AppError>>,
    /// Input type.
    #[prop(default = "text")]
    input_type: &'static str,
    /// Hint shown under the label.
    #[prop(optional, into)]
    hint: Option<String>,
    /// The `autocomplete` token.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// The `inputmode` (e.g. numeric for codes).
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// The value the input starts with.
    #[prop(optional, into)]
    value: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let message = Signal::derive(move || field_error_text(error, name, locale));
    let spec = FieldSpec {
        label,
        name,
        input_type,
        hint,
        autocomplete,
        inputmode,
        value,
    };
    field_view(spec, message, None, None)
}

/// The message `error` holds for the field `name`, in the words of `locale` (tracks `error`).
pub fn field_error_text(
    error: Signal<Option<AppError>>,
    name: &str,
    locale: Locale,
) -> Option<String> {
    error
        .get()
        .and_then(|e| e.field_message(name))
        .map(|m| m.text(locale))
}

/// The markup of a [`Field`], its error message already in words: islands use it directly, so
/// the browser needs no message catalogue for the errors the server found.
pub fn field_view(
    spec: FieldSpec,
    message: Signal<Option<String>>,
    on_input: Option<Callback<String>>,
    children: Option<Children>,
) -> impl IntoView {
    let FieldSpec {
        label,
        name,
        input_type,
        hint,
        autocomplete,
        inputmode,
        value,
    } = spec;
    let hint_id = format!("{name}-hint");
    let has_hint = hint.is_some();
    let error_id = format!("{name}-error");
    let described_by = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="usa-form-group" class:usa-form-group--error=move || message.get().is_some()>
            <label class="usa-label" class:usa-label--error=move || message.get().is_some() for=name>{label}</label>
            {hint.map(|hint| view! { <div class="usa-hint" id=hint_id.clone()>{hint}</div> })}
            {
                let error_id = error_id.clone();
                move || message.get().map(|text| view! { <span class="usa-error-message" id=error_id.clone()>{text}</span> })
            }
            <input
                class="usa-input"
                class:usa-input--error=move || message.get().is_some()
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                value=value
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described_by
                on:input=move |ev| {
                    if let Some(callback) = on_input {
                        callback.run(event_target_value(&ev));
                    }
                }
            />
            {children.map(|children| children())}
        </div>
    }
}

/// Renders `children` only when the session is at `required`; otherwise redirects to the page for
/// the session's actual step (or to sign-in).
#[component]
pub fn RequireStep(required: Step, children: ChildrenFn) -> impl IntoView {
    let step = use_current_step();
    let children = StoredValue::new(children);
    let s = use_common();
    // Read with `get`: nothing is built until the step has arrived, then the page is built once.
    view! {
        <Suspense fallback=move || view! { <p>{s.loading}</p> }>
            {move || step.get().map(|step| {
                let target = match step {
                    Ok(current) if current == required => {
                        return Either::Left(children.read_value()());
                    }
                    Ok(Step::Expired) => "/sign-in?expired=1",
                    Ok(current) => current.path(),
                    Err(_) => "/sign-in",
                };
                Either::Right(view! { <Redirect path=target/> })
            })}
        </Suspense>
    }
}

/// True when the current URL has `key=1` in its query (notices after redirects).
pub fn query_flag(key: &'static str) -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(key).as_deref() == Some("1"))
}

/// Gives the page being rendered the HTTP status of `error` when it means the thing asked for is
/// not there (404), so a page about someone else's or a missing object answers like a missing page.
pub fn set_page_status_for(error: &AppError) {
    #[cfg(feature = "ssr")]
    if matches!(error, AppError::NotFound) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

/// The 404 page (with a 404 status on the server).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let s = use_common();
    view! {
        <leptos_meta::Title text=s.not_found_title/>
        <h1>{s.not_found_title}</h1>
        <p>{s.not_found_text}</p>
    }
}

/// Live updates for the page on show, in the header of every signed-in page. Islands are the only
/// code that runs in the browser, so this one opens a single connection to `/live` per tab
/// (server-sent events read with gloo-net) and keeps it across page changes. When the server says
/// one of the person's cases changed and the page on show is about it (`data-live-case` holds its
/// id) or about all of them (`*`), the page is fetched again in place (`caseport:refresh`, handled
/// by `navigate.js`); on any other page only its counts (`data-live-count`, e.g. the header's
/// unread notifications) are asked for again (`caseport:refresh-counts`). Without scripts nothing happens here:
/// the page shows the change when it is loaded again.
#[island]
pub fn LiveUpdates() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    live_client::connect();
}

#[cfg(feature = "hydrate")]
mod live_client {
    use futures_util::StreamExt;
    use std::cell::Cell;

    thread_local! {
        static CONNECTED: Cell<bool> = const { Cell::new(false) };
    }

    /// The `data-live-case` of the page on show, if it has one.
    fn shown_case() -> Option<String> {
        web_sys::window()?
            .document()?
            .query_selector("[data-live-case]")
            .ok()??
            .get_attribute("data-live-case")
    }

    /// Asks `navigate.js` to fetch the page on show again and put in place either all of it
    /// (`caseport:refresh`) or only its counts (`caseport:refresh-counts`).
    fn refresh(kind: &str) {
        if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(kind)) {
            let _ = window.dispatch_event(&event);
        }
    }

    pub fn connect() {
        if CONNECTED.with(|connected| connected.replace(true)) {
            return;
        }
        let Ok(mut source) = gloo_net::eventsource::futures::EventSource::new("/live") else {
            CONNECTED.with(|connected| connected.set(false));
            return;
        };
        let Ok(mut changes) = source.subscribe("case") else {
            CONNECTED.with(|connected| connected.set(false));
            return;
        };
        leptos::task::spawn_local(async move {
            // Owned here, so the connection lives as long as this loop.
            let _source = source;
            while let Some(Ok((_, message))) = changes.next().await {
                let case_id = message.data().as_string().unwrap_or_default();
                match shown_case().as_deref() {
                    Some("*") => refresh("caseport:refresh"),
                    Some(shown) if shown == case_id => refresh("caseport:refresh"),
                    _ => refresh("caseport:refresh-counts"),
                }
            }
            CONNECTED.with(|connected| connected.set(false));
        });
    }
}
