//! `/home`: a signed-in student's start page — Nästa live, Rekommenderade
//! kurser, Tidigare sändningar.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::accounts::current_user;
use crate::api::checkout::my_bookings;
use crate::api::courses::recommended_courses;
use crate::api::sessions::past_sessions;
use crate::i18n::format_when;
use crate::model::course::Course;
use crate::model::order::{Booking, OrderStatus};
use crate::model::session::Session;
use crate::ui::i18n_context::use_i18n;
use crate::ui::join_button::JoinButton;
use crate::ui::pages::courses::CourseGrid;
use crate::ui::session_card::SessionCard;
use crate::ui::viewer::viewer_time_zone;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let user = Resource::new(|| (), |_| current_user());
    let past = Resource::new(|| (), |_| past_sessions());
    let bookings = Resource::new(|| (), |_| my_bookings());
    let courses = Resource::new(|| (), |_| recommended_courses());
    view! {
        <Suspense fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
            {move || {
                user.get()
                    .map(|user| match user {
                        Ok(Some(_)) => view! { <HomeSections past bookings courses /> }.into_any(),
                        Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(err) => {
                            view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn HomeSections(
    past: Resource<Result<Vec<Session>, crate::model::AppError>>,
    bookings: Resource<Result<Vec<Booking>, crate::model::AppError>>,
    courses: Resource<Result<Vec<Course>, crate::model::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="sr-only">{move || i18n.t().home_title}</h1>
        <section class="section card" aria-labelledby="next-live-title">
            <h2 id="next-live-title">{move || i18n.t().home_next_live}</h2>
            {move || {
                // The soonest seat still to come (the list is sorted by start).
                let now = chrono::Utc::now();
                let next = bookings
                    .get()
                    .and_then(|r| r.ok())
                    .and_then(|list| {
                        list.into_iter().find(|b| b.status == OrderStatus::Paid && b.end_at > now)
                    });
                match next {
                    Some(booking) => {
                        let when = format_when(i18n.t(), viewer_time_zone(), booking.start_at);
                        let join = booking.join_url.clone().zip(booking.join_opens_at).map(|(url, opens_at)| {
                            view! { <JoinButton join_url=url opens_at end_at=booking.end_at /> }
                        });
                        view! {
                            <p class="next-live" data-testid="next-live">
                                <a href=format!("/sessions/{}", booking.session_id)>{booking.session_title}</a>
                                " · " {booking.teacher_name} " · " <time datetime=booking.start_at.to_rfc3339()>{when}</time>
                            </p>
                            {join.map(|join| view! { <p class="next-live-join">{join}</p> })}
                            <p><a href="/bookings">{move || i18n.t().home_next_live_all}</a></p>
                        }
                            .into_any()
                    }
                    None => view! { <p class="muted">{move || i18n.t().home_next_live_empty}</p> }.into_any(),
                }
            }}
        </section>
        <section class="section card" aria-labelledby="courses-title">
            <h2 id="courses-title">{move || i18n.t().home_courses}</h2>
            {move || courses.get().map(|result| view! { <CourseGrid result empty=i18n.t().home_courses_empty /> })}
            <p><a href="/courses">{move || i18n.t().courses_all}</a></p>
        </section>
        <section class="section" aria-labelledby="past-title">
            <h2 id="past-title">{move || i18n.t().home_past}</h2>
            {move || {
                past.get()
                    .map(|result| match result {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">{move || i18n.t().home_past_empty}</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="grid-cards session-list">
                                    {list
                                        .into_iter()
                                        .map(|session| view! { <PastSession session /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any()
                        }
                    })
            }}
        </section>
    }
}

/// A past session: the recording link for those allowed, else how to get it.
#[component]
fn PastSession(session: Session) -> impl IntoView {
    let i18n = use_i18n();
    let recording = session.recording_url.clone();
    view! {
        <SessionCard session />
        {match recording {
            Some(url) => {
                view! {
                    <li class="recording-access">
                        <a href=url>{move || i18n.t().recording_watch}</a>
                    </li>
                }
                    .into_any()
            }
            None => {
                view! {
                    <li class="recording-access muted">{move || i18n.t().recording_locked}</li>
                }
                    .into_any()
            }
        }}
    }
}
