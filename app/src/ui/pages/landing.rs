//! `/`: what Aveli is, the upcoming published sessions, and the newest
//! published courses.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::courses::landing_courses;
use crate::api::sessions::upcoming_sessions;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::courses::CourseGrid;
use crate::ui::session_card::SessionCard;

#[component]
pub fn LandingPage() -> impl IntoView {
    let i18n = use_i18n();
    let sessions = Resource::new(|| (), |_| upcoming_sessions());
    let courses = Resource::new(|| (), |_| landing_courses());
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
        <section class="section" aria-labelledby="upcoming-title">
            <h2 id="upcoming-title">{move || i18n.t().landing_upcoming}</h2>
            <Suspense fallback=move || {
                view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }
            }>
                {move || {
                    sessions
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="muted">{move || i18n.t().landing_upcoming_empty}</p> }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="grid-cards session-list">
                                        {list
                                            .into_iter()
                                            .map(|session| view! { <SessionCard session /> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! { <p class="alert alert-error" role="alert">{err.message}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
        <section class="section card" aria-labelledby="courses-title" data-testid="landing-courses">
            <h2 id="courses-title">{move || i18n.t().landing_courses}</h2>
            <Suspense fallback=move || {
                view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }
            }>
                {move || {
                    courses
                        .get()
                        .map(|result| {
                            let any = matches!(&result, Ok(list) if !list.is_empty());
                            view! {
                                <CourseGrid result empty=i18n.t().landing_courses_empty />
                                {any.then(|| view! {
                                    <p><A href="/courses">{move || i18n.t().courses_all}</A></p>
                                })}
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}
