//! `/`: what Aveli is, and the way in.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::i18n_context::use_i18n;

#[component]
pub fn LandingPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="hero glass">
            <h1>{move || i18n.t().landing_title}</h1>
            <p>{move || i18n.t().landing_lead}</p>
            <p class="actions">
                <A href="/signup" attr:class="btn btn-primary">
                    <span class="btn-label">{move || i18n.t().landing_cta_signup}</span>
                </A>
                <A href="/login" attr:class="btn btn-ghost">
                    {move || i18n.t().landing_cta_login}
                </A>
            </p>
        </section>
        <section class="grid-cards" aria-labelledby="upcoming-title">
            <div class="card glass">
                <h2 id="upcoming-title">{move || i18n.t().landing_upcoming}</h2>
                <p class="muted">{move || i18n.t().landing_upcoming_empty}</p>
            </div>
            <div class="card glass">
                <h2>{move || i18n.t().landing_courses}</h2>
                <p class="muted">{move || i18n.t().landing_courses_empty}</p>
            </div>
        </section>
    }
}
