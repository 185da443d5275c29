//! The week calendar: seven day columns (Monday first) of 15-minute cells,
//! 06:00–24:00 in the teacher's zone, with the week's slots on top. Blocks
//! are dropped onto cells; with the keyboard, one cell is in the tab order,
//! the arrow keys move between cells and Enter creates a slot there.

use chrono::{Datelike, Days, Duration, NaiveDate, Utc};
use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use super::day_header::{day_label, DayHeader};
use super::drag::{cell_under, Drag, Ghost, DATA_TYPE};
use super::layout::{
    cell_id, clock, place_local, place_slot, row_minutes, row_of, END_MINUTE, FIRST_MINUTE, STEP,
};
use super::slot_block::SlotBlock;
use super::state::{use_studio, week_range, StudioState};
use crate::model::calendar::{local_date, local_to_utc, week_days, week_start};
use crate::model::moon::principal_phases_between;

/// The cell that is in the tab order before any other was focused: Monday 09:00.
const FIRST_FOCUS: (usize, u32) = (0, 9 * 60);

#[component]
pub fn WeekGrid() -> impl IntoView {
    let studio = use_studio();
    let tz = studio.tz;
    view! {
        <WeekNav />
        <div class="studio-week-scroll">
            <div
                class="studio-week"
                data-testid="week-grid"
                role="group"
                aria-labelledby="studio-week-title"
                aria-describedby="studio-help"
                on:dragenter=move |ev| drag_over(studio, ev)
                on:dragover=move |ev| drag_over(studio, ev)
                on:dragleave=move |ev| drag_leave(studio, ev)
                on:drop=move |ev| drop_block(studio, ev)
            >
                <div class="studio-corner"></div>
                {move || {
                    let monday = studio.week.get();
                    let days = week_days(monday);
                    let (from, to) = week_range(tz, monday);
                    let phases = principal_phases_between(from, to);
                    days.into_iter()
                        .enumerate()
                        .map(|(column, date)| {
                            let phase = phases
                                .iter()
                                .find(|p| local_date(tz, p.at) == date)
                                .map(|p| p.phase);
                            view! { <DayHeader column date phase /> }
                        })
                        .collect_view()
                }}
                {row_minutes()
                    .filter(|m| m % 60 == 0)
                    .map(|minute| {
                        view! {
                            <div
                                class="studio-hour"
                                aria-hidden="true"
                                style=format!("grid-row:{} / span {}", row_of(minute) + 2, 60 / STEP)
                            >
                                {clock(minute)}
                            </div>
                        }
                    })
                    .collect_view()}
                <Cells />
                <For
                    each=move || {
                        // Slots appear once the page is hydrated (`today` is set by
                        // an effect, which only runs in the browser). The server's
                        // HTML may or may not hold them depending on timing, and a
                        // difference made hydration panic.
                        if studio.today.get().is_none() {
                            return Vec::new();
                        }
                        let days = week_days(studio.week.get());
                        studio
                            .slots
                            .get()
                            .into_iter()
                            .filter(|s| place_slot(tz, &days, s.start_at, s.end_at).is_some())
                            .map(|s| s.id)
                            .collect::<Vec<_>>()
                    }
                    key=|id| id.clone()
                    let:id
                >
                    <SlotBlock id />
                </For>
                <GhostBlock />
            </div>
        </div>
    }
}

/// The week's title and the previous / today / next buttons.
#[component]
fn WeekNav() -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let shift = move |forward: bool| {
        studio.week.update(|monday| {
            let moved = if forward {
                monday.checked_add_days(Days::new(7))
            } else {
                monday.checked_sub_days(Days::new(7))
            };
            *monday = moved.unwrap_or(*monday);
        })
    };
    let this_week = move |_| {
        studio
            .week
            .set(week_start(local_date(studio.tz, Utc::now())))
    };
    let title = move || {
        let monday = studio.week.get();
        let sunday = week_days(monday)[6];
        format!(
            "{} {} · {monday} – {sunday}",
            i18n.t().studio_week,
            monday.iso_week().week()
        )
    };
    view! {
        <div class="studio-week-nav">
            <h2 id="studio-week-title">{title}</h2>
            <div class="actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| shift(false)>
                    {move || i18n.t().prev_week}
                </button>
                <button type="button" class="btn btn-ghost" on:click=this_week>
                    {move || i18n.t().today}
                </button>
                <button type="button" class="btn btn-ghost" on:click=move |_| shift(true)>
                    {move || i18n.t().next_week}
                </button>
            </div>
        </div>
    }
}

/// Every 15-minute cell of the week, each a button: click or Enter creates a
/// slot of the chosen length there.
#[component]
fn Cells() -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let tz = studio.tz;
    // Roving focus: one cell is in the tab order, the arrow keys move it.
    let active = RwSignal::new(FIRST_FOCUS);
    let is_active = Selector::new(move || active.get());
    let navigate = move |ev: KeyboardEvent, days: [NaiveDate; 7], (day, minute): (usize, u32)| {
        let next = match ev.key().as_str() {
            "ArrowUp" => (day, minute.saturating_sub(STEP).max(FIRST_MINUTE)),
            "ArrowDown" => (day, (minute + STEP).min(END_MINUTE - STEP)),
            "ArrowLeft" => (day.saturating_sub(1), minute),
            "ArrowRight" => ((day + 1).min(6), minute),
            _ => return,
        };
        ev.prevent_default();
        active.set(next);
        focus_by_id(&cell_id(days[next.0], next.1));
    };
    move || {
        let days = week_days(studio.week.get());
        days.into_iter()
            .enumerate()
            .flat_map(|(day, date)| row_minutes().map(move |minute| (day, date, minute)))
            .map(|(day, date, minute)| {
                let id = cell_id(date, minute);
                let is_active = is_active.clone();
                let label = move || format!("{} {}", day_label(i18n.t(), date), clock(minute));
                view! {
                    <button
                        type="button"
                        class="studio-cell"
                        class:hour-start=minute % 60 == 0
                        id=id.clone()
                        data-testid=id
                        tabindex=move || if is_active.selected(&(day, minute)) { "0" } else { "-1" }
                        aria-label=label
                        style=format!("grid-column:{};grid-row:{}", day + 2, row_of(minute) + 2)
                        on:focus=move |_| active.set((day, minute))
                        on:keydown=move |ev| navigate(ev, days, (day, minute))
                        on:click=move |_| {
                            studio.create(local_to_utc(tz, date, minute), studio.duration.get_untracked())
                        }
                    ></button>
                }
            })
            .collect_view()
    }
}

/// Where the dragged block would land; red over a conflict.
#[component]
fn GhostBlock() -> impl IntoView {
    let studio = use_studio();
    move || {
        let ghost = studio.ghost.get()?;
        let days = week_days(studio.week.get());
        let placement = place_local(&days, ghost.date, ghost.minute, ghost.minutes)?;
        let text = format!(
            "{}–{}",
            clock(ghost.minute),
            clock((ghost.minute + ghost.minutes).min(END_MINUTE))
        );
        Some(view! {
            <div
                class="studio-ghost"
                class:ghost-conflict=ghost.conflict
                data-testid="ghost"
                aria-hidden="true"
                style=placement.style()
            >
                {text}
            </div>
        })
    }
}

/// Over the grid: show where the block would land, and allow the drop.
fn drag_over(studio: StudioState, ev: DragEvent) {
    let Some(drag) = studio.drag.get_untracked() else {
        return;
    };
    let Some((date, minute)) = cell_under(&ev) else {
        return;
    };
    ev.prevent_default();
    let start_minute = drag.start_minute(minute);
    let start_at = local_to_utc(studio.tz, date, start_minute);
    let end_at = start_at + Duration::minutes(drag.minutes());
    let ghost = Ghost {
        date,
        minute: start_minute,
        minutes: u32::try_from(drag.minutes()).unwrap_or(0),
        conflict: studio.check(start_at, end_at, drag.slot_id()).is_err(),
    };
    if studio.ghost.get_untracked() != Some(ghost) {
        studio.ghost.set(Some(ghost));
    }
}

/// Leaving the grid (not just one cell for the next) hides the ghost.
fn drag_leave(studio: StudioState, ev: DragEvent) {
    let node = |t: Option<web_sys::EventTarget>| t.and_then(|t| t.dyn_into::<web_sys::Node>().ok());
    let still_inside = node(ev.current_target())
        .zip(node(ev.related_target()))
        .is_some_and(|(grid, to)| grid.contains(Some(&to)));
    if !still_inside {
        studio.ghost.set(None);
    }
}

/// A drop creates a slot (palette block) or moves one (slot).
fn drop_block(studio: StudioState, ev: DragEvent) {
    ev.prevent_default();
    studio.drag.set(None);
    studio.ghost.set(None);
    let drag = ev
        .data_transfer()
        .and_then(|data| data.get_data(DATA_TYPE).ok())
        .and_then(|data| Drag::parse(&data));
    let (Some(drag), Some((date, minute))) = (drag, cell_under(&ev)) else {
        return;
    };
    let start_at = local_to_utc(studio.tz, date, drag.start_minute(minute));
    match drag {
        Drag::New { minutes } => studio.create(start_at, minutes),
        Drag::Move { slot_id, .. } => studio.move_to(&slot_id, start_at),
    }
}

/// Moves keyboard focus to the element with this id (browser only).
pub(super) fn focus_by_id(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
