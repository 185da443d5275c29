//! `/account`: who is signed in, the way to become a teacher, the
//! membership and calendar feed, and what a person runs themselves
//! (`ui::account`): confirmation, profile and time zone, password, email,
//! devices, their data and the deletion.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::accounts::CalendarFeedAddress;
use crate::api::membership::{my_membership, SetMembershipCancel};
use crate::api::my_account::{
    my_account_overview, ChangePassword, SignOutDevice, SignOutOtherDevices,
};
use crate::model::account::AccountOverview;
use crate::ui::account::credentials::{EmailSection, PasswordSection};
use crate::ui::account::data::DataSection;
use crate::ui::account::devices::DevicesSection;
use crate::ui::account::profile::ProfileSection;
use crate::ui::account::verify_notice::VerifyNotice;
use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::signup::FormError;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let sign_out = ServerAction::<SignOutDevice>::new();
    let sign_out_others = ServerAction::<SignOutOtherDevices>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    // Its own fetch, not the app-wide user: right after a log-in the shared
    // resource still holds the visitor state until it refetches, and reading
    // it here would bounce the new user back to /login.
    let overview = Resource::new(
        move || {
            (
                auth.become_teacher.version().get(),
                auth.update_profile.version().get(),
                sign_out.version().get(),
                sign_out_others.version().get(),
                change_password.version().get(),
            )
        },
        |_| my_account_overview(),
    );
    view! {
        <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                overview.get()
                    .map(|overview| match overview {
                        Ok(Some(overview)) => view! {
                            <AccountDetails overview sign_out sign_out_others change_password />
                        }.into_any(),
                        Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(err) => {
                            view! { <p class="alert alert-error" role="alert">{err.message}</p> }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn AccountDetails(
    overview: AccountOverview,
    sign_out: ServerAction<SignOutDevice>,
    sign_out_others: ServerAction<SignOutOtherDevices>,
    change_password: ServerAction<ChangePassword>,
) -> impl IntoView {
    let i18n = use_i18n();
    let become_teacher = use_auth().become_teacher;
    let error = Signal::derive(move || {
        become_teacher
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    });
    let AccountOverview {
        user,
        email_verified,
        devices,
    } = overview;
    let name = user.display_name.clone();
    let is_teacher = user.is_teacher;
    let is_admin = user.is_admin;
    let role = move || {
        let t = i18n.t();
        match (is_admin, is_teacher) {
            (true, _) => t.role_admin,
            (false, true) => t.role_teacher,
            (false, false) => t.role_student,
        }
    };

    view! {
        {(!email_verified).then(|| view! { <VerifyNotice /> })}
        <section class="glass" aria-labelledby="account-title">
            <h1 id="account-title">{move || i18n.t().account_title}</h1>
            <p>{move || i18n.t().account_signed_in_as} " " <strong>{name.clone()}</strong></p>
            <dl class="details">
                <dt>{move || i18n.t().email}</dt>
                <dd>
                    {user.email.clone()}
                    {email_verified.then(|| view! { " · " <span class="muted">{move || i18n.t().email_verified_label}</span> })}
                </dd>
                <dt>{move || i18n.t().account_role}</dt>
                <dd>{role}</dd>
                <dt>{move || i18n.t().time_zone}</dt>
                <dd data-testid="account-zone">{user.time_zone.clone()}</dd>
            </dl>
            <Show
                when=move || !is_teacher
                fallback=move || view! { <p class="muted">{move || i18n.t().teacher_ready}</p> }
            >
                <p class="muted">{move || i18n.t().become_teacher_lead}</p>
                <ActionForm action=become_teacher attr:class="form">
                    <FormError error />
                    <button type="submit" class="btn btn-primary">
                        <span class="btn-label">{move || i18n.t().become_teacher}</span>
                    </button>
                </ActionForm>
            </Show>
        </section>
        <MembershipSection />
        <CalendarFeedSection />
        <ProfileSection user=user.clone() />
        <PasswordSection change=change_password />
        <EmailSection email=user.email.clone() />
        <DevicesSection devices sign_out sign_out_others />
        <DataSection />
    }
}

/// The personal calendar feed: its `webcal://` address, and a new one.
#[component]
fn CalendarFeedSection() -> impl IntoView {
    let i18n = use_i18n();
    let address = ServerAction::<CalendarFeedAddress>::new();
    let pending = address.pending();
    let url = move || address.value().get().and_then(|r| r.ok());
    let error = move || {
        address
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    };
    view! {
        <section class="glass" aria-labelledby="account-feed-title" data-testid="calendar-feed">
            <h2 id="account-feed-title">{move || i18n.t().feed_title}</h2>
            <p class="muted">{move || i18n.t().feed_lead}</p>
            {move || error().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
            {move || url().map(|url| view! {
                <div class="field">
                    <label for="feed-address">{move || i18n.t().feed_address}</label>
                    <input id="feed-address" class="input" readonly value=url.clone() />
                </div>
                <p><a href=url rel="external">{move || i18n.t().feed_subscribe}</a></p>
            })}
            <div class="actions">
                <button type="button" class="btn btn-ghost" disabled=move || pending.get()
                    on:click=move |_| { address.dispatch(CalendarFeedAddress { rotate: false }); }>
                    {move || i18n.t().feed_show}
                </button>
                <button type="button" class="btn btn-ghost" disabled=move || pending.get()
                    on:click=move |_| { address.dispatch(CalendarFeedAddress { rotate: true }); }>
                    {move || i18n.t().feed_rotate}
                </button>
            </div>
        </section>
    }
}

/// The membership: its status, and cancel at period end / resume.
#[component]
fn MembershipSection() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<SetMembershipCancel>::new();
    let membership = Resource::new(move || change.version().get(), |_| my_membership());
    let error = move || {
        change
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    };
    view! {
        <section class="glass" aria-labelledby="account-membership-title">
            <h2 id="account-membership-title">{move || i18n.t().membership_status}</h2>
            {move || error().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
            <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    membership.get().map(|result| match result {
                        Ok(view) if view.status != "none" && view.status != "canceled" => {
                            let until = view
                                .current_period_end
                                .map(|at| at.format("%Y-%m-%d").to_string())
                                .unwrap_or_default();
                            let ending = view.cancel_at_period_end;
                            let member = view.is_member;
                            let needs_card = view.needs_payment_method;
                            let past_due = view.status == "past_due";
                            view! {
                                <Show when=move || needs_card>
                                    <p class="alert alert-error" role="alert">
                                        {move || if past_due { i18n.t().membership_past_due } else { i18n.t().membership_add_card }}
                                        " "
                                        <a href="/membership">{move || i18n.t().membership_update_card}</a>
                                    </p>
                                </Show>
                                <p data-testid="account-membership">
                                    {view.status.clone()} " · "
                                    {move || if ending { i18n.t().membership_ends } else { i18n.t().membership_until }}
                                    " " {until}
                                </p>
                                <Show when=move || member>
                                    <ActionForm action=change attr:class="form">
                                        <input type="hidden" name="cancel" value=(!ending).to_string() />
                                        <button type="submit" class="btn btn-ghost">
                                            {move || if ending { i18n.t().membership_resume } else { i18n.t().membership_cancel }}
                                        </button>
                                    </ActionForm>
                                </Show>
                            }
                                .into_any()
                        }
                        Ok(_) => view! {
                            <p class="muted">{move || i18n.t().membership_none}</p>
                            <a href="/membership">{move || i18n.t().membership_join}</a>
                        }
                            .into_any(),
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}
