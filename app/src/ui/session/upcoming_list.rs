//! Every slot still to come as a plain list: the calendar's accessible
//! fallback, and the quickest way to scan the dates.

use chrono_tz::Tz;
use leptos::prelude::*;

use crate::model::session::{Slot, SlotAvailability};
use crate::ui::i18n_context::use_i18n;
use crate::ui::session::slot_chip::SlotChip;
use crate::ui::session::Picked;

#[component]
pub fn UpcomingList(
    slots: StoredValue<Vec<Slot>>,
    tz: Tz,
    on_pick: Callback<Picked>,
) -> impl IntoView {
    let i18n = use_i18n();
    let upcoming: Vec<Slot> = slots.with_value(|all| {
        all.iter()
            .filter(|slot| slot.availability != SlotAvailability::Past)
            .cloned()
            .collect()
    });
    if upcoming.is_empty() {
        return view! { <p class="muted">{move || i18n.t().session_no_slots}</p> }.into_any();
    }
    view! {
        <ul class="slot-list" data-testid="upcoming-list">
            {upcoming
                .into_iter()
                .map(|slot| view! { <li><SlotChip time=slot tz place="list" show_date=true on_pick /></li> })
                .collect_view()}
        </ul>
    }
    .into_any()
}
