//! The month view: whole weeks from Monday, each day with its date, moon and
//! slot chips. On narrow screens the grid becomes a list of days.

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use leptos::prelude::*;

use crate::model::calendar::month_grid;
use crate::model::session::Slot;
use crate::ui::i18n_context::use_i18n;
use crate::ui::session::day_moon::DayMoon;
use crate::ui::session::format::day_label;
use crate::ui::session::slot_chip::SlotChip;
use crate::ui::session::{slots_on, Picked};

#[component]
pub fn MonthView(
    /// Any date in the month to show.
    anchor: Signal<NaiveDate>,
    slots: StoredValue<Vec<Slot>>,
    tz: Tz,
    today: NaiveDate,
    on_pick: Callback<Picked>,
) -> impl IntoView {
    let i18n = use_i18n();
    let weekdays = move || {
        i18n.t()
            .weekdays_short
            .iter()
            .map(|name| view! { <span>{*name}</span> })
            .collect_view()
    };
    let days = move || {
        let anchor = anchor.get();
        month_grid(anchor.year(), anchor.month())
            .into_iter()
            .map(|date| {
                let outside = date.month() != anchor.month();
                view! { <MonthDay date outside slots tz today on_pick /> }
            })
            .collect_view()
    };
    view! {
        <div class="cal-month" data-testid="month-view">
            <div class="cal-weekdays" aria-hidden="true">{weekdays}</div>
            <ol class="cal-month-grid">{days}</ol>
        </div>
    }
    .into_any()
}

#[component]
fn MonthDay(
    date: NaiveDate,
    /// A day of the neighbouring month that fills the first or last week.
    outside: bool,
    slots: StoredValue<Vec<Slot>>,
    tz: Tz,
    today: NaiveDate,
    on_pick: Callback<Picked>,
) -> impl IntoView {
    let i18n = use_i18n();
    let day_slots = slots.with_value(|all| slots_on(all, tz, date));
    let has_slots = !day_slots.is_empty();
    let chips = has_slots.then(|| {
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
        <li
            class="cal-day"
            class:cal-day-outside=outside
            class:cal-day-has-slots=has_slots
            aria-current=(date == today).then_some("date")
        >
            <div class="cal-day-head">
                <span class="cal-day-number" aria-hidden="true">{date.day()}</span>
                <span class="cal-day-label">{move || day_label(i18n.t(), date)}</span>
                <DayMoon tz date />
            </div>
            {chips}
        </li>
    }
    .into_any()
}
