//! The details of the slot the teacher clicked: its start link (the room at
//! any time, counting nothing), its own room overriding the session's, and
//! its attendees — who booked, who joined and when.

use chrono::SecondsFormat;
use leptos::prelude::*;

use super::state::use_studio;
use crate::api::studio::{set_slot_room, slot_attendees};
use crate::i18n::{format_span, format_when};
use crate::model::join::Attendance;
use crate::model::order::OrderStatus;
use crate::ui::pages::receipt::status_label;

#[component]
pub fn SlotDetails(id: String) -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let tz = studio.tz;
    let slot_id = id.clone();
    let slot = Memo::new(move |_| {
        studio
            .slots
            .with(|slots| slots.iter().find(|s| s.id == slot_id).cloned())
    });
    let attendees = Resource::new(
        {
            let id = id.clone();
            move || id.clone()
        },
        slot_attendees,
    );
    let room = RwSignal::new(
        slot.get_untracked()
            .and_then(|s| s.room_url)
            .unwrap_or_default(),
    );
    let saving = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<(), String>>);
    let save_id = id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        let slot_id = save_id.clone();
        leptos::task::spawn_local(async move {
            let result = set_slot_room(slot_id, room.get_untracked()).await;
            let _ = saving.try_set(false);
            let _ = message.try_set(Some(result.map(|_| ()).map_err(|e| e.message)));
            studio.reload_slots();
        });
    };
    let heading = move || {
        slot.get()
            .map(|s| {
                format!(
                    "{} · {}, {}",
                    studio.title_of(&s.session_id),
                    format_when(i18n.t(), tz, s.start_at),
                    format_span(tz, s.start_at, s.end_at)
                )
            })
            .unwrap_or_default()
    };
    view! {
        <section class="glass slot-details" aria-labelledby="slot-details-title" data-testid="slot-details">
            <div class="slot-details-head">
                <h2 id="slot-details-title">{heading}</h2>
                <button type="button" class="btn btn-ghost" on:click=move |_| studio.opened.set(None)>
                    {move || i18n.t().close}
                </button>
            </div>
            <p>
                // A full navigation (and a new tab): the server answers 303 to the room.
                <a class="btn btn-primary" href=format!("/studio/slots/{id}/start") rel="external" target="_blank"
                    data-testid="start-link">
                    <span class="btn-label">{move || i18n.t().start_link}</span>
                </a>
            </p>
            <form class="slot-room" on:submit=save>
                <div class="field">
                    <label for="slot-room">{move || i18n.t().field_slot_room}</label>
                    <input id="slot-room" class="input" type="url" inputmode="url" maxlength="2000"
                        placeholder="https://" bind:value=room />
                </div>
                <button type="submit" class="btn btn-ghost" disabled=move || saving.get()>
                    {move || i18n.t().slot_room_save}
                </button>
                <p role="status">
                    {move || message.get().map(|result| match result {
                        Ok(()) => view! { <span class="muted">{move || i18n.t().slot_room_saved}</span> }.into_any(),
                        Err(text) => view! { <span class="alert alert-error">{text}</span> }.into_any(),
                    })}
                </p>
            </form>
            <h3>{move || i18n.t().attendees_title}</h3>
            <Suspense fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
                {move || attendees.get().map(|result| match result {
                    Ok(list) => view! { <AttendeeList list /> }.into_any(),
                    Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AttendeeList(list: Attendance) -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let tz = studio.tz;
    if list.attendees.is_empty() {
        return view! { <p class="muted">{move || i18n.t().attendees_empty}</p> }.into_any();
    }
    let summary = i18n
        .t()
        .attendees_joined
        .replace("{joined}", &list.joined.to_string())
        .replace("{booked}", &list.booked.to_string());
    view! {
        <p data-testid="attendance-summary">{summary}</p>
        <table class="attendees" data-testid="attendees">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t().display_name}</th>
                    <th scope="col">{move || i18n.t().attendees_status}</th>
                    <th scope="col">{move || i18n.t().attendees_joined_at}</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .attendees
                    .into_iter()
                    .map(|a| {
                        let status = a.status;
                        let joined = match (a.status, a.joined_at) {
                            (OrderStatus::Paid, Some(at)) => view! {
                                <time datetime=at.to_rfc3339_opts(SecondsFormat::Secs, true)>
                                    {format_when(i18n.t(), tz, at)}
                                </time>
                                {(a.join_count > 1).then(|| format!(" (×{})", a.join_count))}
                            }
                            .into_any(),
                            (OrderStatus::Paid, None) => {
                                view! { <span class="muted">{move || i18n.t().attendees_not_joined}</span> }.into_any()
                            }
                            _ => view! { <span class="muted">"–"</span> }.into_any(),
                        };
                        view! {
                            <tr data-testid="attendee" data-status=a.status.as_str()>
                                <td>{a.display_name}</td>
                                <td>{move || status_label(i18n.t(), status)}</td>
                                <td>{joined}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
