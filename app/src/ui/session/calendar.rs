//! The slot calendar: a month/week switch, previous/today/next, and the view.

use chrono::{Days, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use leptos::prelude::*;

use crate::model::calendar::{local_date, week_start};
use crate::model::session::Slot;
use crate::ui::i18n_context::use_i18n;
use crate::ui::session::format::{month_title, week_title};
use crate::ui::session::month_view::MonthView;
use crate::ui::session::week_view::WeekView;
use crate::ui::session::Picked;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Month,
    Week,
}

/// The date one period before or after `date`.
fn step(span: Span, date: NaiveDate, forward: bool) -> NaiveDate {
    let moved = match (span, forward) {
        (Span::Month, true) => date.checked_add_months(Months::new(1)),
        (Span::Month, false) => date.checked_sub_months(Months::new(1)),
        (Span::Week, true) => date.checked_add_days(Days::new(7)),
        (Span::Week, false) => date.checked_sub_days(Days::new(7)),
    };
    moved.unwrap_or(date)
}

/// Opens on the month of `start`; `today` is marked in the grid.
#[component]
pub fn SlotCalendar(
    slots: StoredValue<Vec<Slot>>,
    tz: Tz,
    start: NaiveDate,
    today: NaiveDate,
    on_pick: Callback<Picked>,
) -> impl IntoView {
    let i18n = use_i18n();
    let span = RwSignal::new(Span::Month);
    let anchor = RwSignal::new(start);
    let go = move |forward: bool| {
        anchor.update(|date| *date = step(span.get_untracked(), *date, forward))
    };
    let pressed = move |which: Span| move || (span.get() == which).to_string();
    let title = move || match span.get() {
        Span::Month => month_title(i18n.t(), anchor.get()),
        Span::Week => week_title(i18n.t(), week_start(anchor.get())),
    };
    let (prev_label, next_label) = (
        move || match span.get() {
            Span::Month => i18n.t().prev_month,
            Span::Week => i18n.t().prev_week,
        },
        move || match span.get() {
            Span::Month => i18n.t().next_month,
            Span::Week => i18n.t().next_week,
        },
    );
    let view_of_span = move || match span.get() {
        Span::Month => {
            view! { <MonthView anchor=anchor.into() slots tz today on_pick /> }.into_any()
        }
        Span::Week => view! { <WeekView anchor=anchor.into() slots tz today on_pick /> }.into_any(),
    };
    view! {
        <div class="cal-toolbar">
            <div class="cal-switch">
                <button
                    type="button"
                    class="btn btn-ghost"
                    aria-pressed=pressed(Span::Month)
                    on:click=move |_| span.set(Span::Month)
                >
                    {move || i18n.t().view_month}
                </button>
                <button
                    type="button"
                    class="btn btn-ghost"
                    aria-pressed=pressed(Span::Week)
                    on:click=move |_| span.set(Span::Week)
                >
                    {move || i18n.t().view_week}
                </button>
            </div>
            // Announced, so moving through periods is heard, not only seen.
            <h3 class="cal-period" aria-live="polite">{title}</h3>
            <div class="cal-nav">
                <button
                    type="button"
                    class="btn btn-ghost"
                    aria-label=prev_label
                    title=prev_label
                    on:click=move |_| go(false)
                >
                    <span aria-hidden="true">"‹"</span>
                </button>
                <button
                    type="button"
                    class="btn btn-ghost"
                    on:click=move |_| anchor.set(local_date(tz, Utc::now()))
                >
                    {move || i18n.t().today}
                </button>
                <button
                    type="button"
                    class="btn btn-ghost"
                    aria-label=next_label
                    title=next_label
                    on:click=move |_| go(true)
                >
                    <span aria-hidden="true">"›"</span>
                </button>
            </div>
        </div>
        {view_of_span}
    }
    .into_any()
}
