//! Case pages: the public status lookup, the signed-in home with the account's cases, and one
//! case's timeline and next steps. All render on the server and work without scripts.

use super::{
    model::{CaseDetail, CaseDocument, CaseStatusView, MyHome},
    server_fns::{get_my_case, get_public_case_status, list_my_cases, AddPaperCase},
    texts::{use_texts, CasesMsg},
};
use crate::{
    accounts::texts::use_texts as use_account_texts,
    components::{query_flag, set_page_status_for, ErrorSummary, Field, Notice, RequireStep},
    error::AppError,
    i18n::{fill, use_common},
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/case-status`: anyone enters a receipt number and sees the case's status and history.
/// The form is a GET, so the answer is an ordinary page (bookmarkable, works without scripts).
#[component]
pub fn CaseStatusPage() -> impl IntoView {
    let s = use_texts();
    let query = use_query_map();
    let typed = query.read_untracked().get("receipt");
    let lookup = Resource::new(
        move || typed.clone(),
        |typed| async move {
            match typed {
                Some(receipt) => Some(get_public_case_status(receipt).await),
                None => None,
            }
        },
    );
    let typed_value = query.read_untracked().get("receipt");
    // `with`, not `get`: the error is read once per field and summary, and `get` would copy the
    // whole case with its history each time.
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        lookup.with(|answer| match answer {
            Some(Some(Err(error))) => Some(error.clone()),
            _ => None,
        })
    });
    view! {
        <Title text=s.status_title/>
        <h1>{s.status_title}</h1>
        <p class="usa-prose">{s.status_intro}</p>
        <Suspense fallback=|| ()>
            <ErrorSummary error/>
            <form class="usa-form" method="get" action="/case-status" novalidate>
                <Field
                    label=s.receipt_number
                    name="receipt"
                    hint=s.receipt_hint
                    autocomplete="off"
                    value=typed_value.clone().unwrap_or_default()
                    error
                />
                <button type="submit" class="usa-button">{s.check_status}</button>
            </form>
            {move || {
                lookup.get().flatten().and_then(|answer| answer.ok()).map(|view| view! { <StatusDetails view/> })
            }}
        </Suspense>
    }
}

/// A case's current status, its dates and its history.
#[component]
fn StatusDetails(view: CaseStatusView) -> impl IntoView {
    let s = use_texts();
    let history = view
        .history
        .iter()
        .map(|entry| {
            view! {
                <li class="usa-process-list__item">
                    <h3 class="usa-process-list__heading">{entry.title.clone()}</h3>
                    <p><time>{entry.date.clone()}</time>": "{entry.text.clone()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="caseport-case-status" aria-labelledby="current-status" data-receipt=view.receipt_number.clone()>
            <h2 id="current-status">{s.current_status}": "<span data-status-title>{view.title.clone()}</span></h2>
            <p class="usa-prose" data-status-description>{view.description.clone()}</p>
            <dl class="caseport-facts">
                <dt>{s.receipt_number}</dt>
                <dd>{view.receipt_number.clone()}</dd>
                <dt>{s.form}</dt>
                <dd>{format!("{} ({})", view.form, view.form_name)}</dd>
                <dt>{s.received}</dt>
                <dd>{view.received.clone()}</dd>
                <dt>{s.last_updated}</dt>
                <dd>{view.last_updated.clone()}</dd>
            </dl>
            <h2>{s.history_title}</h2>
            <ol class="usa-process-list caseport-history">{history}</ol>
        </section>
    }
}

/// `/account`: the signed-in home, listing the account's cases.
#[component]
pub fn AccountHomePage() -> impl IntoView {
    let a = use_account_texts();
    let cases = Resource::new(|| (), |_| list_my_cases());
    view! {
        <Title text=a.account_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{a.account_title}</h1>
            <div hidden data-live-case="*"></div>
            <MyCases cases/>
            <ul class="usa-list">
                <li><a class="usa-link" href="/profile">{a.profile}</a></li>
                <li><a class="usa-link" href="/account/security">{crate::mfa::texts::use_texts().security_title}</a></li>
                <li><a class="usa-link" href="/account/history">{a.history_title}</a></li>
                <li><a class="usa-link" href="/account/devices">{a.devices_title}</a></li>
                <li><a class="usa-link" href="/account/password">{a.change_password_title}</a></li>
                <li><a class="usa-link" href="/account/add-case">{use_texts().add_case_link}</a></li>
                <li><a class="usa-link" href="/case-status">{use_texts().case_status_link}</a></li>
            </ul>
        </RequireStep>
    }
}

/// The way to the notification centre, with the unread count.
#[component]
fn NotificationsLink(unread: i64) -> impl IntoView {
    let n = crate::notifications::texts::use_texts();
    view! {
        <p class="caseport-notifications-link">
            <a class="usa-link" href="/notifications">{n.link}</a>
            " "
            <span class="usa-tag" data-unread-count=unread>{fill(n.unread_count, &[("n", &unread)])}</span>
        </p>
    }
}

/// The notices of a case, each a download.
#[component]
fn Documents(documents: Vec<CaseDocument>) -> impl IntoView {
    let s = use_texts();
    let list = (!documents.is_empty()).then(|| {
        let items = documents
            .into_iter()
            .map(|doc| view! {
                <li><a class="usa-link" href=doc.href download="">{doc.title}</a>" — "{doc.date}</li>
            })
            .collect_view();
        view! { <ul class="usa-list caseport-documents">{items}</ul> }
    });
    let empty = list.is_none().then(|| view! { <p>{s.no_documents}</p> });
    view! {
        <section aria-labelledby="documents">
            <h2 id="documents">{s.documents_title}</h2>
            {list}
            {empty}
        </section>
    }
}

/// `/account/add-case`: links a paper-filed case to the account with the receipt number and
/// access code of its Account Access Notice.
#[component]
pub fn AddCasePage() -> impl IntoView {
    let s = use_texts();
    let add = ServerAction::<AddPaperCase>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || add.value().get().and_then(|r| r.err()));
    view! {
        <Title text=s.add_case_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.add_case_title}</h1>
            <p class="usa-prose">{s.add_case_intro}</p>
            <ErrorSummary error/>
            <ActionForm action=add attr:class="usa-form" attr:novalidate=true>
                <Field label=s.receipt_number name="receipt" hint=s.receipt_hint autocomplete="off" error/>
                <Field label=s.access_code name="access_code" hint=s.access_code_hint autocomplete="off" error/>
                <button type="submit" class="usa-button">{s.add_case_button}</button>
            </ActionForm>
        </RequireStep>
    }
}

#[component]
fn MyCases(cases: Resource<Result<MyHome, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    view! {
        <h2>{s.my_cases_title}</h2>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match cases.await {
                    Ok(home) if home.cases.is_empty() => Either::Left(view! {
                        <ConsoleLink show=home.works_cases/>
                        <NotificationsLink unread=home.unread_notifications/>
                        <p>{s.no_cases}</p>
                    }.into_any()),
                    Ok(home) => {
                        let works_cases = home.works_cases;
                        let unread = home.unread_notifications;
                        let list = home.cases;
                        let rows = list
                            .into_iter()
                            .map(|case| view! {
                                <tr>
                                    <th scope="row"><a class="usa-link" href=format!("/cases/{}", case.id)>{case.receipt_number}</a></th>
                                    <td>{case.form}</td>
                                    <td>{case.title}</td>
                                    <td>{case.last_updated}</td>
                                </tr>
                            })
                            .collect_view();
                        Either::Left(view! {
                            <ConsoleLink show=works_cases/>
                            <NotificationsLink unread/>
                            <p class="usa-prose">{s.my_cases_intro}</p>
                            <table class="usa-table caseport-my-cases">
                                <thead><tr>
                                    <th scope="col">{s.receipt_number}</th>
                                    <th scope="col">{s.form}</th>
                                    <th scope="col">{s.current_status}</th>
                                    <th scope="col">{s.last_updated}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        }.into_any())
                    }
                    Err(error) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                }
            })}
        </Suspense>
    }
}

/// For officers and supervisors: the way to the case queue.
#[component]
fn ConsoleLink(show: bool) -> impl IntoView {
    let s = use_texts();
    show.then(|| view! { <p><a class="usa-button" href="/officer">{s.case_queue}</a></p> })
}

/// `/cases/{id}`: one of the account's cases, with its timeline and what to do next.
#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let live = id.clone();
    let case = Resource::new(move || id.clone(), get_my_case);
    let added = query_flag("added");
    view! {
        <RequireStep required=Step::SignedIn>
            <div hidden data-live-case=live.clone()></div>
            {move || added.get().then(|| view! { <Notice message=CasesMsg::CaseAdded.into()/> })}
            <CaseDetails case/>
        </RequireStep>
    }
}

#[component]
fn CaseDetails(case: Resource<Result<CaseDetail, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(detail) => {
                        let title = fill(s.case_title, &[("receipt", &detail.status.receipt_number)]);
                        let next = if detail.evidence_requested { s.evidence_requested } else { s.nothing_to_do };
                        let request = detail.open_request.clone().map(|(due, instructions)| view! {
                            <div class="usa-alert usa-alert--warning"><div class="usa-alert__body">
                                <p class="usa-alert__text"><strong>{fill(s.evidence_due, &[("date", &due)])}</strong></p>
                                <p class="usa-alert__text">{instructions}</p>
                            </div></div>
                        });
                        Either::Left(view! {
                            <Title text=title.clone()/>
                            <h1>{title}</h1>
                            <section aria-labelledby="next-steps">
                                <h2 id="next-steps">{s.next_steps_title}</h2>
                                <p class="usa-prose">{next}</p>
                                {request}
                            </section>
                            <StatusDetails view=detail.status/>
                            <Documents documents=detail.documents/>
                        })
                    }
                    Err(error) => {
                        set_page_status_for(&error);
                        Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> })
                    }
                }
            })}
        </Suspense>
    }
}
