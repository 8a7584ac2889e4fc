//! The officers' console pages: `/officer` (the queue, filtered by a GET form and paged by a
//! cursor link), `/officer/cases/{id}` (a case with its history and the actions on it) and
//! `/officer/filings/new` (record a paper filing). They render on the server and work without
//! scripts.

use super::{
    model::{QueueFilter, QueuePage, StaffCase},
    server_fns::{
        get_officer_queue, get_staff_case, AssignCase, ChangeCaseStatus, RecordPaperFiling,
        RequestCaseEvidence,
    },
    texts::{use_texts, OfficerMsg},
};
use crate::{
    cases::{
        model::{CaseStatus, FormType, ServiceCentre},
        texts::catalogue,
    },
    components::{query_flag, set_page_status_for, ErrorSummary, Field, Notice, RequireStep},
    error::AppError,
    i18n::{fill, use_common, use_locale, Locale},
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A labelled `<select>` whose options are `(value, text)`, with `selected` chosen.
/// A labelled select of `(value, text)` options (also the staff page's role choice).
#[component]
pub fn Select(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(into)] selected: String,
    #[prop(optional)] error: Option<Signal<Option<AppError>>>,
) -> impl IntoView {
    let locale = use_locale();
    let message = move || {
        error
            .and_then(|e| e.get())
            .and_then(|e| e.field_message(name))
            .map(|m| m.text(locale))
    };
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let is_selected = value == selected;
            view! { <option value=value selected=is_selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="usa-form-group" class:usa-form-group--error=move || message().is_some()>
            <label class="usa-label" for=name>{label}</label>
            {move || message().map(|text| view! { <span class="usa-error-message" id=format!("{name}-error")>{text}</span> })}
            <select class="usa-select" id=name name=name aria-invalid=move || message().is_some().then_some("true")>
                {options}
            </select>
        </div>
    }
}

/// `/officer`: the case queue.
#[component]
pub fn OfficerQueuePage() -> impl IntoView {
    let s = use_texts();
    let query = use_query_map();
    let filter = {
        let q = query.read_untracked();
        let get = |key: &str| q.get(key).unwrap_or_default();
        QueueFilter {
            status: get("status"),
            form: get("form"),
            centre: get("centre"),
            assignee: get("assignee"),
            after: get("after"),
        }
    };
    let page = {
        let filter = filter.clone();
        Resource::new(move || filter.clone(), get_officer_queue)
    };
    view! {
        <Title text=s.queue_title/>
        <RequireStep required=Step::SignedIn>
            <h1>{s.queue_title}</h1>
            <p class="usa-prose">{s.queue_intro}</p>
            <p><a class="usa-button usa-button--outline" href="/officer/filings/new">{s.filing_title}</a></p>
            <QueueView page filter=filter.clone()/>
        </RequireStep>
    }
}

#[component]
fn QueueView(page: Resource<Result<QueuePage, AppError>>, filter: QueueFilter) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let locale = use_locale();
    let c = catalogue(locale);
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {
                let filter = filter.clone();
                move || {
                    let filter = filter.clone();
                    Suspend::new(async move {
                        match page.await {
                            Ok(page) => {
                                let any = || (String::new(), s.any.to_owned());
                                let statuses = std::iter::once(any())
                                    .chain(CaseStatus::ALL.iter().map(|st| (st.code().to_owned(), c.status(*st).title.to_owned())))
                                    .collect::<Vec<_>>();
                                let forms = std::iter::once(any())
                                    .chain(FormType::ALL.iter().map(|f| (f.code().to_owned(), f.code().to_owned())))
                                    .collect::<Vec<_>>();
                                let centres = std::iter::once(any())
                                    .chain(ServiceCentre::ALL.iter().map(|ct| (ct.code().to_owned(), ct.code().to_owned())))
                                    .collect::<Vec<_>>();
                                let assignees = [any(), ("me".to_owned(), s.me.to_owned()), ("unassigned".to_owned(), s.nobody.to_owned())]
                                    .into_iter()
                                    .chain(page.staff.iter().map(|m| (m.id.clone(), m.email.clone())))
                                    .collect::<Vec<_>>();
                                let next_link = page.next.clone().map(|cursor| {
                                    let query = [
                                        ("status", filter.status.as_str()),
                                        ("form", filter.form.as_str()),
                                        ("centre", filter.centre.as_str()),
                                        ("assignee", filter.assignee.as_str()),
                                        ("after", cursor.as_str()),
                                    ]
                                    .iter()
                                    .map(|(k, v)| format!("{k}={}", urlencode(v)))
                                    .collect::<Vec<_>>()
                                    .join("&");
                                    view! { <a class="usa-button usa-button--outline" rel="next" href=format!("/officer?{query}")>{s.next_page}</a> }
                                });
                                let paged = !filter.after.is_empty();
                                let rows = page.rows.iter().map(|row| view! {
                                    <tr>
                                        <th scope="row"><a class="usa-link" href=format!("/officer/cases/{}", row.id)>{row.receipt_number.clone()}</a></th>
                                        <td>{row.form.clone()}</td>
                                        <td>{row.status_title.clone()}</td>
                                        <td>{row.last_updated.clone()}</td>
                                        <td>{row.assignee.clone().unwrap_or_else(|| s.nobody.to_owned())}</td>
                                    </tr>
                                }).collect_view();
                                let empty = page.rows.is_empty();
                                let staff_link = page.may_manage_staff.then(|| view! {
                                    <p><a class="usa-link" href="/officer/staff">{s.staff_accounts}</a></p>
                                });
                                Either::Left(view! {
                                    {staff_link}
                                    <form class="usa-form caseport-queue-filters" method="get" action="/officer">
                                        <Select label=s.status name="status" options=statuses selected=filter.status.clone()/>
                                        <Select label=s.form name="form" options=forms selected=filter.form.clone()/>
                                        <Select label=s.centre name="centre" options=centres selected=filter.centre.clone()/>
                                        <Select label=s.assignee name="assignee" options=assignees selected=filter.assignee.clone()/>
                                        <button type="submit" class="usa-button">{s.show_cases}</button>
                                    </form>
                                    {empty.then(|| view! { <p>{s.no_cases_match}</p> })}
                                    {(!empty).then(|| view! {
                                        <table class="usa-table caseport-queue">
                                            <thead><tr>
                                                <th scope="col">{s.receipt_number}</th>
                                                <th scope="col">{s.form}</th>
                                                <th scope="col">{s.status}</th>
                                                <th scope="col">{s.last_updated}</th>
                                                <th scope="col">{s.assignee}</th>
                                            </tr></thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    })}
                                    <div class="usa-button-group">
                                        {paged.then(|| view! { <a class="usa-button usa-button--unstyled" href="/officer">{s.first_page}</a> })}
                                        {next_link}
                                    </div>
                                })
                            }
                            Err(error) => {
                                set_page_status_for(&error);
                                Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> })
                            }
                        }
                    })
                }
            }
        </Suspense>
    }
}

/// Percent-encodes a query value.
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `/officer/cases/{id}`: a case with its history and the actions on it.
#[component]
pub fn StaffCasePage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let case = Resource::new(move || id.clone(), get_staff_case);
    view! {
        <RequireStep required=Step::SignedIn>
            <StaffCaseView case/>
        </RequireStep>
    }
}

#[component]
fn StaffCaseView(case: Resource<Result<StaffCase, AppError>>) -> impl IntoView {
    let s = use_texts();
    let loading = use_common().loading;
    let assigned = query_flag("done");
    let query = use_query_map();
    let done = move || {
        let _ = assigned.get();
        match query.read().get("done").as_deref() {
            Some("assigned") => Some(OfficerMsg::Assigned),
            Some("status") => Some(OfficerMsg::StatusChanged),
            Some("evidence") => Some(OfficerMsg::EvidenceRequested),
            Some("filed") => Some(OfficerMsg::PaperFilingRecorded),
            _ => None,
        }
    };
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(case) => {
                        let title = fill(s.case_title, &[("receipt", &case.receipt_number)]);
                        Either::Left(view! {
                            <Title text=title.clone()/>
                            <p><a class="usa-link" href="/officer">{s.back_to_queue}</a></p>
                            <h1>{title}</h1>
                            {move || done().map(|msg| view! { <Notice message=msg.into()/> })}
                            <CaseFacts case=case.clone()/>
                            <CaseActions case/>
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

#[component]
fn CaseFacts(case: StaffCase) -> impl IntoView {
    let s = use_texts();
    let history = case
        .history
        .iter()
        .map(|entry| {
            let by = entry
                .actor
                .as_ref()
                .map(|who| format!(" ({})", fill(s.recorded_by, &[("who", who)])));
            view! {
                <li class="usa-process-list__item">
                    <h3 class="usa-process-list__heading">{entry.title.clone()}</h3>
                    <p><time>{entry.date.clone()}</time>{by}</p>
                    {entry.note.clone().map(|note| view! { <p class="caseport-staff-note">{note}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <dl class="caseport-facts">
            <dt>{s.applicant}</dt>
            <dd>{case.applicant_name.clone()}</dd>
            <dt>{s.form}</dt>
            <dd>{case.form.clone()}</dd>
            <dt>{s.received}</dt>
            <dd>{case.received.clone()}</dd>
            <dt>{s.online_account}</dt>
            <dd>{if case.linked { s.linked } else { s.not_linked }}</dd>
            <dt>{s.current_status}</dt>
            <dd data-status-title>{case.status_title.clone()}</dd>
            <dt>{s.assignee}</dt>
            <dd>{case.assignee.clone().unwrap_or_else(|| s.nobody.to_owned())}</dd>
        </dl>
        {case.open_request.clone().map(|(due, instructions)| view! {
            <div class="usa-alert usa-alert--info"><div class="usa-alert__body">
                <h2 class="usa-alert__heading">{s.open_request}</h2>
                <p class="usa-alert__text">{fill(s.due_on, &[("date", &due)])}": "{instructions}</p>
            </div></div>
        })}
        {case.access_notice.clone().map(|notice| view! {
            <section aria-labelledby="access-notice" class="caseport-access-notice">
                <h2 id="access-notice">{s.access_notice_title}</h2>
                <dl class="caseport-facts">
                    <dt>{s.reserved_number}</dt>
                    <dd data-reserved-number>{notice.account_number.clone()}</dd>
                    <dt>{s.code_valid_until}</dt>
                    <dd>{notice.expires.clone()}</dd>
                </dl>
                {notice.claimed.then(|| view! { <p>{s.notice_claimed}</p> })}
                {notice.href.clone().map(|href| view! {
                    <p><a class="usa-button" href=href download="">{s.download_notice}</a></p>
                })}
            </section>
        })}
        <h2>{s.history}</h2>
        <ol class="usa-process-list">{history}</ol>
    }
}

/// `/officer/filings/new`: records a case filed on paper and its Account Access Notice.
#[component]
pub fn PaperFilingPage() -> impl IntoView {
    let s = use_texts();
    let record = ServerAction::<RecordPaperFiling>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || record.value().get().and_then(|r| r.err()));
    let forms = FormType::ALL
        .iter()
        .map(|f| (f.code().to_owned(), f.code().to_owned()))
        .collect::<Vec<_>>();
    let centres = ServiceCentre::ALL
        .iter()
        .map(|c| (c.code().to_owned(), c.code().to_owned()))
        .collect::<Vec<_>>();
    let languages = Locale::ALL
        .iter()
        .map(|l| (l.tag().to_owned(), l.name().to_owned()))
        .collect::<Vec<_>>();
    let (forms, centres, languages) = (
        StoredValue::new(forms),
        StoredValue::new(centres),
        StoredValue::new(languages),
    );
    view! {
        <Title text=s.filing_title/>
        <RequireStep required=Step::SignedIn>
            <p><a class="usa-link" href="/officer">{s.back_to_queue}</a></p>
            <h1>{s.filing_title}</h1>
            <p class="usa-prose">{s.filing_intro}</p>
            <ErrorSummary error/>
            <ActionForm action=record attr:class="usa-form" attr:novalidate=true>
                <Select label=s.form name="form" options=forms.get_value() selected="" error/>
                <Select label=s.centre name="centre" options=centres.get_value() selected="" error/>
                <Field label=s.applicant name="applicant_name" autocomplete="off" error/>
                <Select label=s.notice_language name="language" options=languages.get_value() selected="" error/>
                <button type="submit" class="usa-button">{s.record_filing}</button>
            </ActionForm>
        </RequireStep>
    }
}

#[component]
fn CaseActions(case: StaffCase) -> impl IntoView {
    let s = use_texts();
    let c = catalogue(use_locale());
    let assign = ServerAction::<AssignCase>::new();
    let change = ServerAction::<ChangeCaseStatus>::new();
    let request = ServerAction::<RequestCaseEvidence>::new();
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        assign
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| change.value().get().and_then(|r| r.err()))
            .or_else(|| request.value().get().and_then(|r| r.err()))
    });
    let may_act = case.held_by_caller || case.may_assign_others;
    let id = StoredValue::new(case.id.clone());
    let statuses = std::iter::once((String::new(), s.choose_status.to_owned()))
        .chain(
            CaseStatus::ALL
                .iter()
                .map(|st| (st.code().to_owned(), c.status(*st).title.to_owned())),
        )
        .collect::<Vec<_>>();
    let take_or_release = if case.held_by_caller {
        Either::Left(view! {
            <ActionForm action=assign attr:class="usa-form">
                <input type="hidden" name="id" value=id.get_value()/>
                <input type="hidden" name="officer" value=""/>
                <button type="submit" class="usa-button usa-button--outline">{s.release_case}</button>
            </ActionForm>
        })
    } else {
        Either::Right(
            (case.assignee.is_none() || case.may_assign_others).then(|| {
                view! {
                    <ActionForm action=assign attr:class="usa-form">
                        <input type="hidden" name="id" value=id.get_value()/>
                        <input type="hidden" name="officer" value="me"/>
                        <button type="submit" class="usa-button">{s.take_case}</button>
                    </ActionForm>
                }
            }),
        )
    };
    let give = case.may_assign_others.then(|| {
        let staff = case
            .staff
            .iter()
            .map(|m| (m.id.clone(), m.email.clone()))
            .collect::<Vec<_>>();
        view! {
            <ActionForm action=assign attr:class="usa-form">
                <input type="hidden" name="id" value=id.get_value()/>
                <Select label=s.assign_to name="officer" options=staff selected="" error/>
                <button type="submit" class="usa-button usa-button--outline">{s.assign}</button>
            </ActionForm>
        }
    });
    view! {
        <ErrorSummary error/>
        {take_or_release}
        {give}
        {(!may_act).then(|| view! { <p class="usa-hint">{s.act_hint}</p> })}
        {may_act.then(|| view! {
            <h2>{s.change_status_title}</h2>
            <ActionForm action=change attr:class="usa-form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.get_value()/>
                <Select label=s.new_status name="status" options=statuses.clone() selected="" error/>
                <Field label=s.note name="note" hint=s.note_hint error/>
                <button type="submit" class="usa-button">{s.record_status}</button>
            </ActionForm>
            <h2>{s.request_title}</h2>
            <ActionForm action=request attr:class="usa-form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.get_value()/>
                <Field label=s.due_date name="due_date" hint=s.due_date_hint error/>
                <Field label=s.instructions name="instructions" error/>
                <button type="submit" class="usa-button">{s.send_request}</button>
            </ActionForm>
        })}
    }
}
