//! A slot on the week grid: its session, time and seats. Drag it or use the
//! arrow keys to move it (up/down 15 minutes, left/right a day); Delete or
//! its × button removes it.

use chrono::{Duration, SecondsFormat};
use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use super::changes::is_pending;
use super::drag::{Drag, DATA_TYPE};
use super::layout::{cell_id, place_slot, shift_days, STEP};
use super::state::use_studio;
use super::week_grid::focus_by_id;
use crate::i18n::format_span;
use crate::model::calendar::{local_date, local_minutes, week_days};
use crate::model::session::{Slot, SlotAvailability};

#[component]
pub fn SlotBlock(id: String) -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let tz = studio.tz;
    let pending = is_pending(&id);
    // The element stays while the slot moves (so it keeps focus); only its
    // data changes.
    let slot = Memo::new(move |_| {
        studio
            .slots
            .with(|slots| slots.iter().find(|s| s.id == id).cloned())
    });
    let placement = Memo::new(move |_| {
        let days = week_days(studio.week.get());
        slot.get()
            .and_then(|s| place_slot(tz, &days, s.start_at, s.end_at))
    });
    // A text drawn from the slot, for an attribute or a label.
    let read = move |f: fn(&Slot) -> String| move || slot.with(|s| s.as_ref().map(f));
    let time = move || slot.with(|s| s.as_ref().map(|s| format_span(tz, s.start_at, s.end_at)));
    let seats = read(|s| format!("{}/{}", s.seats_taken, s.seats_total));
    let title = move || {
        slot.with(|s| s.as_ref().map(|s| s.session_id.clone()))
            .map(|session_id| studio.title_of(&session_id))
    };
    let label = move || {
        format!(
            "{}, {}, {} {}",
            title().unwrap_or_default(),
            time().unwrap_or_default(),
            seats().unwrap_or_default(),
            i18n.t().studio_booked
        )
    };

    let on_key = move |ev: KeyboardEvent| {
        // Not saved yet: nothing to move or delete on the server.
        let Some(s) = slot.get_untracked().filter(|_| !pending) else {
            return;
        };
        let step = Duration::minutes(i64::from(STEP));
        let start_at = match ev.key().as_str() {
            "ArrowUp" => Some(s.start_at - step),
            "ArrowDown" => Some(s.start_at + step),
            "ArrowLeft" => shift_days(tz, s.start_at, -1),
            "ArrowRight" => shift_days(tz, s.start_at, 1),
            "Delete" | "Backspace" => {
                ev.prevent_default();
                studio.remove(&s.id);
                // The button is gone: keep the keyboard where the slot was.
                let (date, minute) = (local_date(tz, s.start_at), local_minutes(tz, s.start_at));
                focus_by_id(&cell_id(date, minute));
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        if let Some(start_at) = start_at {
            studio.move_to(&s.id, start_at);
        }
    };
    let start_drag = move |ev: DragEvent| {
        let Some(s) = slot.get_untracked() else {
            return;
        };
        let span = placement.get_untracked().map_or(1, |p| p.span);
        let drag = Drag::Move {
            slot_id: s.id,
            minutes: (s.end_at - s.start_at).num_minutes(),
            grab_rows: grab_rows(&ev, span),
        };
        if let Some(data) = ev.data_transfer() {
            data.set_effect_allowed("move");
            let _ = data.set_data(DATA_TYPE, &drag.to_data());
        }
        studio.drag.set(Some(drag));
    };
    let end_drag = move |_: DragEvent| {
        studio.drag.set(None);
        studio.ghost.set(None);
    };
    let delete = move |_| {
        if let Some(s) = slot.get_untracked() {
            studio.remove(&s.id);
        }
    };

    view! {
        <div
            class="studio-slot"
            data-testid="slot"
            data-start=read(|s| s.start_at.to_rfc3339_opts(SecondsFormat::Secs, true))
            data-end=read(|s| s.end_at.to_rfc3339_opts(SecondsFormat::Secs, true))
            data-availability=move || slot.with(|s| s.as_ref().map(|s| availability(s.availability)))
            data-pending=pending.then_some("true")
            style=move || placement.get().map(|p| p.style())
        >
            <button
                type="button"
                class="studio-slot-body"
                draggable=if pending { "false" } else { "true" }
                aria-label=label
                aria-disabled=pending.then_some("true")
                on:keydown=on_key
                on:click=move |_| {
                    if !pending {
                        studio.opened.set(slot.get_untracked().map(|s| s.id));
                    }
                }
                on:dragstart=start_drag
                on:dragend=end_drag
            >
                <span class="studio-slot-title">{title}</span>
                <span class="studio-slot-meta">{time} " · " {seats}</span>
            </button>
            <button
                type="button"
                class="studio-slot-delete"
                aria-label=move || i18n.t().studio_delete_slot
                disabled=pending
                on:click=delete
            >
                "×"
            </button>
        </div>
    }
}

fn availability(a: SlotAvailability) -> &'static str {
    match a {
        SlotAvailability::Upcoming => "upcoming",
        SlotAvailability::AlmostFull => "almost-full",
        SlotAvailability::Full => "full",
        SlotAvailability::Past => "past",
    }
}

/// How many rows below the slot's top the pointer grabbed it.
fn grab_rows(ev: &DragEvent, span: u32) -> u32 {
    let Some(el) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return 0;
    };
    let rect = el.get_bounding_client_rect();
    if rect.height() <= 0.0 {
        return 0;
    }
    let rows = (f64::from(ev.client_y()) - rect.top()) / rect.height() * f64::from(span);
    (rows.max(0.0) as u32).min(span.saturating_sub(1))
}
