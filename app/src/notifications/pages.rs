//! `/notifications`: the notification centre (newest first, unread marked, "mark all as read")
//! and the delivery settings. Renders on the server and works without scripts.

use super::{
    model::NotificationCentre,
    server_fns::{
        get_notifications, get_unread_count, GetUnreadCount, MarkNotificationsRead,
        SaveNotificationSettings,
    },
    texts::{use_texts, NotificationsMsg},
};
use crate::{
    components::{ErrorSummary, Notice, RequireStep},
    error::AppError,
    i18n::{fill, use_common},
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The header's way to the notification centre for signed-in people, with the unread count.
/// When a case changes, `LiveUpdates` has `navigate.js` ask `data-live-count-from` for the new
/// count and write it into `data-live-count-text` in place (nothing else on the page moves).
#[component]
pub fn NotificationsNavLink() -> impl IntoView {
    let s = use_texts();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                get_unread_count().await.ok().map(|unread| view! {
                    <a id="notifications-link" class="usa-link caseport-nav-link" href="/notifications">
                        {s.link}
                        " "
                        <span
                            class="usa-tag"
                            data-live-count=unread
                            data-live-count-from={<GetUnreadCount as leptos::server_fn::ServerFn>::PATH}
                            data-live-count-text=s.unread_count
                        >
                            {fill(s.unread_count, &[("n", &unread)])}
                        </span>
                    </a>
                })
            })}
        </Suspense>
    }
}

/// The notification centre.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let s = use_texts();
    let centre = Resource::new(|| (), |_| get_notifications());
    let query = use_query_map();
    let done = move || match query.read().get("done").as_deref() {
        Some("read") => Some(NotificationsMsg::AllRead),
        Some("saved") => Some(NotificationsMsg::SettingsSaved),
        _ => None,
    };
    view! {
        <Title text=s.title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.title}</h1>
            <div hidden data-live-case="*"></div>
            {move || done().map(|msg| view! { <Notice message=msg.into()/> })}
            <p class="usa-prose">{s.intro}</p>
            <CentreView centre/>
        </RequireStep>
    }
}

#[component]
fn CentreView(centre: Resource<Result<NotificationCentre, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let save = ServerAction::<SaveNotificationSettings>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match centre.await {
                    Ok(centre) => {
                        let count = fill(s.unread_count, &[("n", &centre.unread)]);
                        let items = centre.items.iter().map(|item| view! {
                            <li class="caseport-notification" class:caseport-notification--unread=item.unread>
                                <p>
                                    {item.unread.then(|| view! { <span class="usa-tag">{s.new_label}</span>" " })}
                                    <a class="usa-link" href=item.href.clone()><strong>{item.title.clone()}</strong></a>
                                </p>
                                <p>{item.body.clone()}</p>
                                <p class="usa-hint"><time>{item.date.clone()}</time></p>
                            </li>
                        }).collect_view();
                        let empty = centre.items.is_empty();
                        let settings = centre.settings.clone();
                        Either::Left(view! {
                            <p data-unread-count=centre.unread>{count}</p>
                            {if empty {
                                Either::Left(view! { <p>{s.nothing_yet}</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="usa-list usa-list--unstyled caseport-notifications">{items}</ul>
                                    <ActionForm action=mark attr:class="usa-form">
                                        <button type="submit" class="usa-button usa-button--outline">{s.mark_all_read}</button>
                                    </ActionForm>
                                })
                            }}
                            <h2>{s.settings_title}</h2>
                            <ErrorSummary error/>
                            <ActionForm action=save attr:class="usa-form" attr:novalidate=true>
                                <div class="usa-checkbox">
                                    <input class="usa-checkbox__input" type="checkbox" id="by_email" name="by_email" value="on" checked=settings.by_email/>
                                    <label class="usa-checkbox__label" for="by_email">{s.by_email}</label>
                                </div>
                                {if settings.texts_available {
                                    Either::Left(view! {
                                        <div class="usa-checkbox">
                                            <input class="usa-checkbox__input" type="checkbox" id="by_text" name="by_text" value="on" checked=settings.by_text/>
                                            <label class="usa-checkbox__label" for="by_text">{s.by_text}</label>
                                        </div>
                                        {match settings.phone_ending.clone() {
                                            Some(ending) => Either::Left(view! {
                                                <p class="usa-hint" id="texts-go-to">{fill(s.texts_go_to, &[("ending", &ending)])}" "
                                                    <a class="usa-link" href="/account/security/phone">{s.change_phone}</a></p>
                                            }),
                                            None => Either::Right(view! {
                                                <p class="usa-hint" id="texts-go-to">{s.no_phone}" "
                                                    <a class="usa-link" href="/account/security/phone">{s.add_phone}</a></p>
                                            }),
                                        }}
                                    })
                                } else {
                                    Either::Right(view! { <p class="usa-hint">{s.texts_unavailable}</p> })
                                }}
                                <button type="submit" class="usa-button">{s.save_settings}</button>
                            </ActionForm>
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}
