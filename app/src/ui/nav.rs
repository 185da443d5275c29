//! The top bar: brand, account links and the language switch.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::locale::set_locale;
use crate::api::payouts::payments_simulated;
use crate::i18n_admin::admin_strings;
use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;

#[component]
pub fn Nav() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let signed_in = move || matches!(auth.user.get(), Some(Ok(Some(_))));
    let is_teacher = move || matches!(auth.user.get(), Some(Ok(Some(user))) if user.is_teacher);
    let is_admin = move || matches!(auth.user.get(), Some(Ok(Some(user))) if user.is_admin);
    // Resolved on the server and carried into the page: no extra request.
    let simulated = Resource::new(|| (), |_| payments_simulated());

    view! {
        <header>
        <nav class="nav" aria-label=move || i18n.t().nav_main>
            <A href="/" attr:class="nav-brand">"Aveli"</A>
            <Transition fallback=|| ()>
                {move || {
                    matches!(simulated.get(), Some(Ok(true)))
                        .then(|| view! { <span class="test-mode" role="note" data-testid="test-mode">{move || i18n.t().test_mode}</span> })
                }}
            </Transition>
            <div class="nav-links">
                <A href="/courses">{move || i18n.t().nav_courses}</A>
                <Transition fallback=|| ()>
                    <Show
                        when=signed_in
                        fallback=move || {
                            view! {
                                <A href="/login">{move || i18n.t().nav_login}</A>
                                <A href="/signup">{move || i18n.t().nav_signup}</A>
                            }
                        }
                    >
                        <A href="/home">{move || i18n.t().nav_home}</A>
                        <A href="/membership">{move || i18n.t().nav_membership}</A>
                        <A href="/bookings">{move || i18n.t().nav_bookings}</A>
                        <Show when=is_teacher>
                            <A href="/studio">{move || i18n.t().nav_studio}</A>
                            <A href="/studio/courses">{move || i18n.t().studio_courses_link}</A>
                            <A href="/studio/payouts">{move || i18n.t().payouts_link}</A>
                        </Show>
                        <Show when=is_admin>
                            <A href="/admin">{move || admin_strings(i18n.locale()).nav_admin}</A>
                        </Show>
                        <A href="/account">{move || i18n.t().nav_account}</A>
                        <ActionForm action=auth.logout attr:class="inline-form">
                            <button type="submit" class="linklike">
                                {move || i18n.t().nav_logout}
                            </button>
                        </ActionForm>
                    </Show>
                </Transition>
                <LangSwitch />
            </div>
        </nav>
        </header>
    }
}

/// Switches between Swedish and English at once, and remembers the choice
/// on the server (cookie, and the account when signed in).
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = i18n.0.get_untracked().other();
        i18n.0.set(next);
        spawn_local(async move {
            if let Err(err) = set_locale(next).await {
                leptos::logging::warn!("could not remember the language: {err}");
            }
        });
    };
    view! {
        <button
            type="button"
            class="btn btn-ghost lang-switch"
            data-testid="lang-switch"
            aria-label=move || i18n.t().lang_switch_aria
            on:click=switch
        >
            {move || i18n.t().lang_switch_label}
        </button>
    }
}
