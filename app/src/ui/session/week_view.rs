//! The week view: seven days from Monday, each with its date, moon (named on
//! a principal phase) and slot chips.

use chrono::NaiveDate;
use chrono_tz::Tz;
use leptos::prelude::*;

use crate::model::calendar::{week_days, week_start};
use crate::model::session::Slot;
use crate::ui::i18n_context::use_i18n;
use crate::ui::session::day_moon::DayMoon;
use crate::ui::session::format::day_label;
use crate::ui::session::slot_chip::SlotChip;
use crate::ui::session::{slots_on, Picked};

#[component]
pub fn WeekView(
    /// Any date in the week to show.
    anchor: Signal<NaiveDate>,
    slots: StoredValue<Vec<Slot>>,
    tz: Tz,
    today: NaiveDate,
    on_pick: Callback<Picked>,
) -> impl IntoView {
    let days = move || {
        week_days(week_start(anchor.get()))
            .into_iter()
            .map(|date| view! { <WeekDay date slots tz today on_pick /> })
            .collect_view()
    };
    view! {
        <div class="cal-week" data-testid="week-view">
            <ol class="cal-week-grid">{days}</ol>
        </div>
    }
    .into_any()
}

#[component]
fn WeekDay(
    date: NaiveDate,
    slots: StoredValue<Vec<Slot>>,
    tz: Tz,
    today: NaiveDate,
    on_pick: Callback<Picked>,
) -> impl IntoView {
    let i18n = use_i18n();
    let day_slots = slots.with_value(|all| slots_on(all, tz, date));
    let chips = (!day_slots.is_empty()).then(|| {
        view! {
            <ul class="cal-slots">
                {day_slots
                    .into_iter()
                    .map(|slot| view! { <li><SlotChip time=slot tz place="cal" on_pick /></li> })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <li class="cal-day" aria-current=(date == today).then_some("date")>
            <div class="cal-day-head">
                <span class="cal-day-title">{move || day_label(i18n.t(), date)}</span>
                <DayMoon tz date show_name=true />
            </div>
            {chips}
        </li>
    }
    .into_any()
}
