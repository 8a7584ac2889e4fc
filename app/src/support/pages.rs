//! `/support`: the support desk's search (a GET form) and what it found, with the unlock and
//! reissue actions. Renders on the server and works without scripts.

use super::{
    model::SupportResult,
    server_fns::{support_search, ReissueAccessNotice, UnlockAccount},
    texts::{use_texts, SupportMsg},
};
use crate::{
    components::{ErrorSummary, Field, Notice, RequireStep},
    error::AppError,
    i18n::fill,
    session::model::Step,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The support desk.
#[component]
pub fn SupportPage() -> impl IntoView {
    let s = use_texts();
    let query = use_query_map();
    let typed = query.read_untracked().get("q").unwrap_or_default();
    let done = match query.read_untracked().get("done").as_deref() {
        Some("unlocked") => Some(SupportMsg::Unlocked),
        Some("reissued") => Some(SupportMsg::NoticeReissued),
        _ => None,
    };
    let lookup = Resource::new(
        move || typed.clone(),
        |typed| async move {
            if typed.trim().is_empty() {
                None
            } else {
                Some(support_search(typed).await)
            }
        },
    );
    let typed_value = StoredValue::new(query.read_untracked().get("q").unwrap_or_default());
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        lookup.with(|answer| match answer {
            Some(Some(Err(error))) => Some(error.clone()),
            _ => None,
        })
    });
    let done = StoredValue::new(done);
    view! {
        <Title text=s.title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.title}</h1>
            {done.get_value().map(|msg| view! { <Notice message=msg.into()/> })}
            <p class="usa-prose">{s.intro}</p>
            <Suspense fallback=|| ()>
                <ErrorSummary error/>
                <form class="usa-form" method="get" action="/support" novalidate>
                    <Field label=s.query name="q" hint=s.query_hint autocomplete="off" value=typed_value.get_value() error/>
                    <button type="submit" class="usa-button">{s.search}</button>
                </form>
                {move || lookup.get().flatten().and_then(|answer| answer.ok()).map(|found| view! { <Found found/> })}
            </Suspense>
        </RequireStep>
    }
}

#[component]
fn Found(found: SupportResult) -> impl IntoView {
    let s = use_texts();
    let unlock = ServerAction::<UnlockAccount>::new();
    let reissue = ServerAction::<ReissueAccessNotice>::new();
    let account = found.account.map(|account| {
        let receipts = if account.receipts.is_empty() {
            s.none.to_owned()
        } else {
            account.receipts.join(", ")
        };
        let paused = account.paused_until.is_some();
        view! {
            <dl class="caseport-facts">
                <dt>{s.email}</dt><dd>{account.email.clone()}</dd>
                <dt>{s.account_number}</dt><dd>{account.account_number.clone()}</dd>
                <dt>{s.role}</dt><dd>{account.role.clone()}</dd>
                <dt>{s.authenticator}</dt><dd>{if account.has_authenticator { s.yes } else { s.no }}</dd>
                <dt>{s.sign_in}</dt>
                <dd data-sign-in-state>{account.paused_until.clone().map_or_else(|| s.not_paused.to_owned(), |date| fill(s.paused_until, &[("date", &date)]))}</dd>
                <dt>{s.cases}</dt><dd>{receipts}</dd>
            </dl>
            {paused.then(|| view! {
                <ActionForm action=unlock attr:class="usa-form">
                    <input type="hidden" name="id" value=account.id.clone()/>
                    <button type="submit" class="usa-button">{s.unlock}</button>
                </ActionForm>
            })}
        }
    });
    let notice = found.notice.map(|notice| view! {
        <h2>{s.notice_title}</h2>
        <dl class="caseport-facts">
            <dt>{s.receipt_number}</dt><dd>{notice.receipt_number.clone()}</dd>
            <dt>{s.account_number}</dt><dd>{notice.account_number.clone()}</dd>
            <dt>{s.code_valid_until}</dt><dd>{notice.expires.clone()}</dd>
        </dl>
        {if notice.claimed {
            view! { <p>{s.notice_used}</p> }.into_any()
        } else {
            let case_id = notice.case_id.clone();
            view! {
                <ActionForm action=reissue attr:class="usa-form">
                    <input type="hidden" name="id" value=case_id/>
                    <button type="submit" class="usa-button">{s.reissue}</button>
                </ActionForm>
                <p><a class="usa-link" href=format!("/documents/access-notices/{}", notice.case_id) download="">{s.download}</a></p>
            }.into_any()
        }}
    });
    view! { {account} {notice} }
}
