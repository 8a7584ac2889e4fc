//! `/officer/staff` (supervisors: staff accounts, pending invitations, invite) and `/staff/join`
//! (the invitation link: choose a password). Both render on the server and work without scripts;
//! the password fields give live feedback when scripts run.

use super::{
    model::{InvitationView, StaffOverview},
    server_fns::{
        get_staff_invitation, get_staff_overview, InviteStaff, JoinStaff, WithdrawStaffInvitation,
    },
    texts::{use_texts, StaffMsg},
};
use crate::{
    accounts::{model::Role, pages::NewPasswordFields},
    components::{set_page_status_for, ErrorSummary, Field, Notice, RequireStep},
    error::AppError,
    i18n::{fill, use_common},
    officer::pages::Select,
    session::model::Step,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The staff page.
#[component]
pub fn StaffPage() -> impl IntoView {
    let s = use_texts();
    let done = match use_query_map().read_untracked().get("done").as_deref() {
        Some("invited") => Some(StaffMsg::Invited),
        Some("withdrawn") => Some(StaffMsg::Withdrawn),
        _ => None,
    };
    let done = StoredValue::new(done);
    let overview = Resource::new(|| (), |_| get_staff_overview());
    view! {
        <Title text=s.title/>
        <RequireStep required=Step::SignedIn>
            <p><a class="usa-link" href="/officer">{s.back_to_queue}</a></p>
            <h1>{s.title}</h1>
            {done.get_value().map(|msg| view! { <Notice message=msg.into()/> })}
            <p class="usa-prose">{s.intro}</p>
            <Suspense fallback=move || view! { <p>{use_common().loading}</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(overview) => Either::Left(view! { <Overview overview/> }),
                        Err(error) => {
                            set_page_status_for(&error);
                            Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> })
                        }
                    }
                })}
            </Suspense>
        </RequireStep>
    }
}

#[component]
fn Overview(overview: StaffOverview) -> impl IntoView {
    let s = use_texts();
    let invite = ServerAction::<InviteStaff>::new();
    let withdraw = ServerAction::<WithdrawStaffInvitation>::new();
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        invite
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| withdraw.value().get().and_then(|r| r.err()))
    });
    let roles = std::iter::once((String::new(), String::new()))
        .chain(
            Role::ALL
                .iter()
                .filter(|role| **role != Role::Applicant)
                .map(|role| (role.as_str().to_owned(), s.role_name(role.as_str()))),
        )
        .collect::<Vec<_>>();
    let members = overview
        .members
        .into_iter()
        .map(
            |member| view! { <tr><td>{member.email}</td><td>{s.role_name(&member.role)}</td></tr> },
        )
        .collect_view();
    let pending = if overview.pending.is_empty() {
        Either::Left(view! { <p>{s.no_pending}</p> })
    } else {
        let rows = overview
            .pending
            .into_iter()
            .map(|invitation| {
                view! {
                    <tr>
                        <td>{invitation.email}</td>
                        <td>{s.role_name(&invitation.role)}</td>
                        <td>{invitation.expires}</td>
                        <td>
                            <ActionForm action=withdraw>
                                <input type="hidden" name="id" value=invitation.id/>
                                <button type="submit" class="usa-button usa-button--unstyled">{s.withdraw}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        Either::Right(view! {
            <table class="usa-table usa-table--borderless" data-pending-invitations>
                <thead><tr><th scope="col">{s.email}</th><th scope="col">{s.role}</th><th scope="col">{s.expires}</th><th scope="col"></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        })
    };
    view! {
        <ErrorSummary error/>
        <h2>{s.invite_title}</h2>
        <ActionForm action=invite attr:class="usa-form" attr:novalidate=true>
            <Field label=s.work_email name="email" input_type="email" autocomplete="off" hint=s.invite_hint error/>
            <Select label=s.choose_role name="role" options=roles selected="" error/>
            <button type="submit" class="usa-button">{s.send_invitation}</button>
        </ActionForm>
        <h2>{s.pending_title}</h2>
        {pending}
        <h2>{s.members_title}</h2>
        <table class="usa-table usa-table--borderless" data-staff-members>
            <thead><tr><th scope="col">{s.email}</th><th scope="col">{s.role}</th></tr></thead>
            <tbody>{members}</tbody>
        </table>
    }
}

/// The invitation link's page.
#[component]
pub fn JoinPage() -> impl IntoView {
    let s = use_texts();
    let query = use_query_map();
    let joined = query.read_untracked().get("done").as_deref() == Some("1");
    let token = query.read_untracked().get("token").unwrap_or_default();
    let invitation = Resource::new(
        move || token.clone(),
        |token| async move {
            if token.is_empty() {
                None
            } else {
                Some(get_staff_invitation(token).await)
            }
        },
    );
    view! {
        <Title text=s.join_title/>
        <h1>{s.join_title}</h1>
        {if joined {
            Either::Left(view! {
                <Notice message=StaffMsg::Joined.into()/>
                <p class="usa-prose">{s.join_next}</p>
                <p><a class="usa-button" href="/sign-in">{s.sign_in}</a></p>
            })
        } else {
            Either::Right(view! {
                <Suspense fallback=move || view! { <p>{use_common().loading}</p> }>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Some(Ok(view)) => Either::Left(view! { <JoinForm invitation=view/> }),
                            Some(Err(error)) => Either::Right(view! { <ErrorSummary error=Signal::stored(Some(error))/> }),
                            None => Either::Right(view! {
                                <ErrorSummary error=Signal::stored(Some(AppError::field("token", StaffMsg::LinkInvalid.into())))/>
                            }),
                        }
                    })}
                </Suspense>
            })
        }}
    }
}

#[component]
fn JoinForm(invitation: InvitationView) -> impl IntoView {
    let s = use_texts();
    let join = ServerAction::<JoinStaff>::new();
    let error: Signal<Option<AppError>> =
        Signal::derive(move || join.value().get().and_then(|r| r.err()));
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    view! {
        <p class="usa-prose">{fill(s.join_intro, &[("role", &s.role_name(&invitation.role))])}</p>
        <ErrorSummary error/>
        <ActionForm action=join attr:class="usa-form usa-form--large" attr:novalidate=true>
            <input type="hidden" name="token" value=token/>
            <div class="usa-form-group">
                <label class="usa-label" for="email">{s.email}</label>
                <input class="usa-input" id="email" type="email" value=invitation.email readonly autocomplete="username"/>
            </div>
            <NewPasswordFields rules=invitation.password error/>
            <button type="submit" class="usa-button">{s.create_account}</button>
        </ActionForm>
    }
}
