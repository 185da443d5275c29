//! One slot as a chip: coloured by availability and always saying it in
//! words too. Bookable slots are buttons; full and past ones are not.

use chrono::SecondsFormat;
use chrono_tz::Tz;
use leptos::prelude::*;

use crate::i18n::format_span;
use crate::model::calendar::local_date;
use crate::model::session::{Slot, SlotAvailability};
use crate::ui::i18n_context::use_i18n;
use crate::ui::session::format::{day_label, status_text};
use crate::ui::session::Picked;

/// The stable name of an availability (as in the JSON), for tests and styles.
pub fn availability_key(availability: SlotAvailability) -> &'static str {
    match availability {
        SlotAvailability::Upcoming => "upcoming",
        SlotAvailability::AlmostFull => "almost_full",
        SlotAvailability::Full => "full",
        SlotAvailability::Past => "past",
    }
}

/// `place` keeps DOM ids unique when a slot shows in two places at once;
/// `show_date` shows the day (otherwise only screen readers hear it, as the
/// calendar's day already says it).
#[component]
pub fn SlotChip(
    /// The slot (`slot` is a reserved attribute name in `view!`).
    time: Slot,
    tz: Tz,
    place: &'static str,
    #[prop(optional)] show_date: bool,
    on_pick: Callback<Picked>,
) -> impl IntoView {
    let i18n = use_i18n();
    let slot = time;
    let availability = slot.availability;
    let seats_left = slot.seats_left;
    let date = local_date(tz, slot.start_at);
    let dom_id = format!("slot-{place}-{}", slot.id);
    let class = format!("slot-chip {}", availability.css_class());
    let start = slot.start_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let times = format_span(tz, slot.start_at, slot.end_at);
    let content = view! {
        <span class="status-dot" aria-hidden="true"></span>
        <span class="slot-chip-text">
            <span class=if show_date { "slot-chip-date" } else { "sr-only" }>
                {move || day_label(i18n.t(), date)}
                ", "
            </span>
            " "
            <span class="slot-chip-time">{times}</span>
            " "
            <span class="slot-chip-status">
                {move || status_text(i18n.t(), availability, seats_left)}
            </span>
        </span>
    };
    if availability.bookable() {
        let opener_id = dom_id.clone();
        let pick = move |_| {
            on_pick.run(Picked {
                slot: slot.clone(),
                opener_id: opener_id.clone(),
            })
        };
        view! {
            <button
                type="button"
                id=dom_id
                class=class
                data-testid="slot-chip"
                data-availability=availability_key(availability)
                data-start=start
                on:click=pick
            >
                {content}
            </button>
        }
        .into_any()
    } else {
        view! {
            <span
                id=dom_id
                class=class
                data-testid="slot-chip"
                data-availability=availability_key(availability)
                data-start=start
            >
                {content}
            </span>
        }
        .into_any()
    }
}
