//! `/bookings`: "Mina bokningar" — the student's seats, upcoming and past,
//! each with its calendar file, receipt, recording and, inside the
//! cancellation window, "Avboka" (a full refund) behind a confirmation step;
//! then "Mina kurser", the courses the student has.

use chrono::{SecondsFormat, Utc};
use chrono_tz::Tz;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

use crate::api::accounts::current_user;
use crate::api::checkout::{my_bookings, CancelBooking};
use crate::api::courses::enrolled_courses;
use crate::i18n::{format_span, Strings};
use crate::model::course::EnrolledCourse;
use crate::model::order::{Booking, OrderStatus};
use crate::ui::i18n_context::use_i18n;
use crate::ui::join_button::JoinButton;
use crate::ui::pages::receipt::{money, status_label};
use crate::ui::session::format::day_label_with_year;
use crate::ui::viewer::viewer_time_zone;

#[component]
pub fn BookingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = Resource::new(|| (), |_| current_user());
    let cancel = ServerAction::<CancelBooking>::new();
    let bookings = Resource::new(move || cancel.version().get(), |_| my_bookings());
    view! {
        <Title text=move || format!("{} – Aveli", i18n.t().nav_bookings) />
        <section class="bookings-page" aria-labelledby="bookings-title">
            <h1 id="bookings-title">{move || i18n.t().nav_bookings}</h1>
            <Suspense fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
                {move || {
                    user.get()
                        .map(|user| match user {
                            Ok(Some(_)) => view! {
                                <BookingsLoaded bookings cancel />
                                <MyCourses />
                            }
                            .into_any(),
                            Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
                            Err(err) => {
                                view! { <p class="alert alert-error" role="alert">{err.message}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn BookingsLoaded(
    bookings: Resource<Result<Vec<Booking>, crate::model::AppError>>,
    cancel: ServerAction<CancelBooking>,
) -> impl IntoView {
    let i18n = use_i18n();
    let done_message = NodeRef::<leptos::html::P>::new();
    let outcome = move || cancel.value().get();
    // After a cancellation the list is drawn anew: focus goes to the message.
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(message)) = (outcome(), done_message.get()) {
            let _ = message.focus();
        }
    });
    view! {
        {move || match outcome() {
            Some(Ok(_)) => Some(view! {
                <p
                    class="alert alert-success"
                    role="status"
                    tabindex="-1"
                    node_ref=done_message
                    data-testid="cancel-done"
                >
                    {move || i18n.t().cancel_done}
                </p>
            }.into_any()),
            Some(Err(err)) => Some(view! {
                <p class="alert alert-error" role="alert" data-testid="cancel-error">{err.message}</p>
            }.into_any()),
            None => None,
        }}
        <Transition fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
            {move || {
                bookings.get().map(|result| match result {
                    Ok(list) => {
                        let tz = viewer_time_zone();
                        view! { <BookingLists list tz cancel /> }.into_any()
                    }
                    Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// "Mina kurser": each course the student has, a link to its page.
#[component]
fn MyCourses() -> impl IntoView {
    let i18n = use_i18n();
    let courses = Resource::new(|| (), |_| enrolled_courses());
    view! {
        <section class="bookings-section" aria-labelledby="my-courses-title" data-testid="my-courses">
            <h2 id="my-courses-title">{move || i18n.t().my_courses_title}</h2>
            <Transition fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
                {move || {
                    courses.get().map(|result| match result {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted" data-testid="my-courses-empty">{move || i18n.t().my_courses_empty}</p>
                            <p><A href="/courses">{move || i18n.t().courses_all}</A></p>
                        }
                        .into_any(),
                        Ok(list) => view! {
                            <ul class="booking-list">
                                {list.into_iter().map(|course| view! { <MyCourseItem course /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn MyCourseItem(course: EnrolledCourse) -> impl IntoView {
    let i18n = use_i18n();
    let EnrolledCourse {
        id,
        title,
        teacher_name,
    } = course;
    view! {
        <li class="glass booking-item" data-testid="my-course" data-course-id=id.clone()>
            <div class="booking-item-head">
                <h3 class="booking-item-title">
                    <A href=format!("/courses/{id}")>{title}</A>
                </h3>
            </div>
            <dl class="booking-item-meta">
                <dt>{move || i18n.t().booking_teacher}</dt>
                <dd>{teacher_name}</dd>
            </dl>
        </li>
    }
}

#[component]
fn BookingLists(list: Vec<Booking>, tz: Tz, cancel: ServerAction<CancelBooking>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! {
            <div class="glass bookings-empty" data-testid="bookings-empty">
                <p>{move || i18n.t().bookings_empty}</p>
                <A href="/" attr:class="btn btn-primary">
                    <span class="btn-label">{move || i18n.t().bookings_find}</span>
                </A>
            </div>
        }
        .into_any();
    }
    let now = Utc::now();
    let (mut upcoming, mut past): (Vec<Booking>, Vec<Booking>) =
        list.into_iter().partition(|booking| booking.start_at > now);
    upcoming.sort_by_key(|booking| booking.start_at);
    past.sort_by_key(|booking| std::cmp::Reverse(booking.start_at));
    let section = move |id: &'static str,
                        heading: fn(&Strings) -> &'static str,
                        empty: fn(&Strings) -> &'static str,
                        items: Vec<Booking>| {
        let body = if items.is_empty() {
            view! { <p class="muted">{move || empty(i18n.t())}</p> }.into_any()
        } else {
            view! {
                <ul class="booking-list">
                    {items
                        .into_iter()
                        .map(|booking| view! { <BookingItem booking tz cancel /> })
                        .collect_view()}
                </ul>
            }
            .into_any()
        };
        let heading_id = format!("{id}-title");
        let labelled_by = heading_id.clone();
        view! {
            <section class="bookings-section" aria-labelledby=labelled_by data-testid=id>
                <h2 id=heading_id>{move || heading(i18n.t())}</h2>
                {body}
            </section>
        }
    };
    view! {
        {section("bookings-upcoming", |t| t.bookings_upcoming, |t| t.bookings_upcoming_empty, upcoming)}
        {section("bookings-past", |t| t.bookings_past, |t| t.bookings_past_empty, past)}
    }
    .into_any()
}

#[component]
fn BookingItem(booking: Booking, tz: Tz, cancel: ServerAction<CancelBooking>) -> impl IntoView {
    let i18n = use_i18n();
    let Booking {
        order_id,
        status,
        session_id,
        session_title,
        teacher_name,
        start_at,
        end_at,
        amount_cents,
        currency,
        can_cancel,
        recording_url,
        join_url,
        join_opens_at,
        ..
    } = booking;
    let title_id = format!("booking-title-{order_id}");
    let question_id = format!("booking-cancel-{order_id}");
    let datetime = start_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let span = format_span(tz, start_at, end_at);
    let badge = match status {
        OrderStatus::Paid => "badge badge-ok",
        OrderStatus::Pending => "badge badge-warn",
        OrderStatus::Failed => "badge badge-danger",
        OrderStatus::Refunded | OrderStatus::Expired | OrderStatus::Cancelled => "badge",
    };
    let confirming = RwSignal::new(false);
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let keep_button = NodeRef::<leptos::html::Button>::new();
    // Focus follows the step: to "keep" when asked, back to "Avboka" when kept.
    // Only on a change, never on the first run (the page must not steal focus).
    Effect::new(move |previous: Option<bool>| {
        let asking = confirming.get();
        if previous.is_some_and(|was| was != asking) {
            // After the step has been drawn.
            request_animation_frame(move || {
                let button = if asking {
                    keep_button.try_get_untracked()
                } else {
                    cancel_button.try_get_untracked()
                };
                if let Some(Some(button)) = button {
                    let _ = button.focus();
                }
            });
        }
        asking
    });
    let pending = cancel.pending();
    let cancellable = can_cancel && status == OrderStatus::Paid;
    let confirm_order_id = order_id.clone();
    let confirm = move |_| {
        cancel.dispatch(CancelBooking {
            order_id: confirm_order_id.clone(),
        });
    };
    let describe_id = title_id.clone();
    let cancel_step = cancellable.then(|| {
        view! {
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button
                        type="button"
                        class="btn btn-ghost btn-cancel"
                        node_ref=cancel_button
                        aria-describedby=describe_id.clone()
                        on:click=move |_| confirming.set(true)
                    >
                        {move || i18n.t().cancel_booking}
                    </button>
                }
            >
                <div class="cancel-confirm" role="group" aria-labelledby=question_id.clone()>
                    <p id=question_id.clone() class="cancel-question">{move || i18n.t().cancel_confirm_question}</p>
                    <div class="actions">
                        <button
                            type="button"
                            class="btn btn-danger"
                            aria-disabled=move || pending.get().to_string()
                            aria-busy=move || pending.get().to_string()
                            on:click={
                                let confirm = confirm.clone();
                                move |ev| {
                                    if !pending.get_untracked() {
                                        confirm(ev);
                                    }
                                }
                            }
                        >
                            <Show when=move || pending.get()>
                                <span class="spinner" aria-hidden="true"></span>
                            </Show>
                            {move || i18n.t().cancel_confirm_yes}
                        </button>
                        <button
                            type="button"
                            class="btn btn-ghost"
                            node_ref=keep_button
                            on:click=move |_| confirming.set(false)
                        >
                            {move || i18n.t().cancel_keep}
                        </button>
                    </div>
                </div>
            </Show>
        }
    });
    let paid = status == OrderStatus::Paid;
    view! {
        <li class="glass booking-item" data-testid="booking-item" data-order-id=order_id.clone() data-status=status.as_str()>
            <div class="booking-item-head">
                <h3 id=title_id.clone() class="booking-item-title">
                    <A href=format!("/sessions/{session_id}")>{session_title}</A>
                </h3>
                <span class=badge data-testid="booking-status">{move || status_label(i18n.t(), status)}</span>
            </div>
            <dl class="booking-item-meta">
                <dt>{move || i18n.t().booking_teacher}</dt>
                <dd>{teacher_name}</dd>
                <dt>{move || i18n.t().booking_when}</dt>
                <dd>
                    <time datetime=datetime>
                        {move || day_label_with_year(i18n.t(), tz, start_at)} ", " {span}
                    </time>
                </dd>
                <dt>{move || i18n.t().receipt_amount}</dt>
                <dd>{move || money(i18n.t(), amount_cents, &currency)}</dd>
            </dl>
            {join_url.zip(join_opens_at).map(|(url, opens_at)| view! {
                <div class="booking-item-join">
                    <JoinButton join_url=url opens_at end_at />
                </div>
            })}
            <ul class="booking-item-links">
                {paid.then(|| view! {
                    <li>
                        <a
                            href=format!("/api/v1/bookings/{order_id}/ics")
                            download=""
                            aria-describedby=title_id.clone()
                        >
                            {move || i18n.t().add_to_calendar}
                        </a>
                    </li>
                })}
                <li>
                    <A href=format!("/orders/{order_id}") attr:aria-describedby=title_id.clone()>
                        {move || i18n.t().view_receipt}
                    </A>
                </li>
                {recording_url.map(|url| view! {
                    <li>
                        <a href=url aria-describedby=title_id.clone()>{move || i18n.t().recording_watch}</a>
                    </li>
                })}
            </ul>
            {cancel_step}
        </li>
    }
}
