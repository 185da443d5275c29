//! `/sessions/:id`: a session with its slots in a month or week view, a plain
//! list of the times to come, and the "Boka nu" modal for a bookable slot.

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::sessions::session_with_slots;
use crate::model::calendar::local_date;
use crate::model::session::{format_price, Session, Slot, SlotAvailability};
use crate::model::{AppError, ErrorCode};
use crate::ui::i18n_context::use_i18n;
use crate::ui::session::booking_modal::BookingModal;
use crate::ui::session::calendar::SlotCalendar;
use crate::ui::session::upcoming_list::UpcomingList;
use crate::ui::session::Picked;
use crate::ui::viewer::viewer_time_zone;

#[component]
pub fn SessionPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    #[cfg(feature = "ssr")]
    let response = use_context::<leptos_axum::ResponseOptions>();
    // Blocking: the response head waits for this fetch, so an unknown id is
    // marked 404 here, deterministically, before the page starts to stream.
    let data = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        move |id| {
            #[cfg(feature = "ssr")]
            let response = response.clone();
            async move {
                let result = session_with_slots(id).await;
                #[cfg(feature = "ssr")]
                if let (Some(response), Err(err)) = (response, &result) {
                    if err.code == ErrorCode::NotFound {
                        response.set_status(axum::http::StatusCode::NOT_FOUND);
                    }
                }
                result
            }
        },
    );
    view! {
        <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok((session, slots)) => view! { <SessionLoaded session slots /> }.into_any(),
                        Err(err) => view! { <SessionMissing err /> }.into_any(),
                    })
            }}
        </Suspense>
    }
    .into_any()
}

/// Waits for the viewer (inside the page's `<Suspense>`), whose time zone
/// every date and time on the page is shown in.
#[component]
fn SessionLoaded(session: Session, slots: Vec<Slot>) -> impl IntoView {
    move || {
        let tz = viewer_time_zone();
        view! { <SessionDetails session=session.clone() slots=slots.clone() tz /> }.into_any()
    }
}

#[component]
fn SessionDetails(session: Session, mut slots: Vec<Slot>, tz: Tz) -> impl IntoView {
    let i18n = use_i18n();
    slots.sort_by_key(|slot| slot.start_at);
    let today = local_date(tz, Utc::now());
    let start = opening_date(&slots, tz).unwrap_or(today);
    let slots = StoredValue::new(slots);
    let picked = RwSignal::new(None::<Picked>);
    let on_pick = Callback::new(move |choice: Picked| picked.set(Some(choice)));
    let on_close = Callback::new(move |()| picked.set(None));
    let (title, teacher, price_cents, currency) = (
        session.title.clone(),
        session.teacher_name.clone(),
        session.price_cents,
        session.currency,
    );
    let modal = move || {
        picked.get().map(|picked| {
            view! {
                <BookingModal picked title=title.clone() teacher=teacher.clone() price_cents currency tz on_close />
            }
        })
    };
    view! {
        <Title text=format!("{} – Aveli", session.title) />
        <div class="session-page">
            <SessionHeader session />
            <section class="glass" aria-labelledby="session-times-title">
                <h2 id="session-times-title">{move || i18n.t().session_times}</h2>
                <SlotCalendar slots tz start today on_pick />
            </section>
            <section class="glass" aria-labelledby="session-list-title">
                <h2 id="session-list-title">{move || i18n.t().session_upcoming_list}</h2>
                <UpcomingList slots tz on_pick />
            </section>
        </div>
        {modal}
    }
    .into_any()
}

/// Where the calendar opens: the day of the first bookable slot, else of the
/// first one still to come.
fn opening_date(slots: &[Slot], tz: Tz) -> Option<NaiveDate> {
    slots
        .iter()
        .find(|slot| slot.availability.bookable())
        .or_else(|| {
            slots
                .iter()
                .find(|slot| slot.availability != SlotAvailability::Past)
        })
        .map(|slot| local_date(tz, slot.start_at))
}

#[component]
fn SessionHeader(session: Session) -> impl IntoView {
    let i18n = use_i18n();
    let Session {
        title,
        description,
        teacher_name,
        price_cents,
        currency,
        has_recording,
        recording_url,
        ..
    } = session;
    let recording = match recording_url {
        Some(url) => Some(
            view! {
                <p class="session-recording">
                    <a href=url>{move || i18n.t().recording_watch}</a>
                </p>
            }
            .into_any(),
        ),
        None if has_recording => Some(
            view! { <p class="session-recording muted">{move || i18n.t().recording_locked}</p> }
                .into_any(),
        ),
        None => None,
    };
    view! {
        <header class="glass session-header">
            <h1>{title}</h1>
            <p class="session-teacher">
                {move || i18n.t().session_with} " " <strong>{teacher_name}</strong>
            </p>
            <p class="session-price">{move || format_price(price_cents, currency, i18n.t().free)}</p>
            {(!description.is_empty()).then(|| view! { <p class="session-description">{description}</p> })}
            {recording}
        </header>
    }
    .into_any()
}

/// An unknown or unpublished session gets a clear message (its 404 status is
/// set by the fetch); any other failure says what went wrong.
#[component]
fn SessionMissing(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    if err.code != ErrorCode::NotFound {
        return view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any();
    }
    view! {
        <section class="glass error-page">
            <h1>{move || i18n.t().not_found_title}</h1>
            <p>{move || i18n.t().not_found_lead}</p>
            <A href="/" attr:class="btn btn-ghost">{move || i18n.t().back_home}</A>
        </section>
    }
    .into_any()
}
