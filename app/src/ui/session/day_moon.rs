//! The moon of one calendar day: drawn at local noon, and named on the day a
//! principal phase falls in the viewer's time zone.

use chrono::NaiveDate;
use chrono_tz::Tz;
use leptos::prelude::*;

use crate::i18n::Strings;
use crate::model::calendar::local_to_utc;
use crate::model::moon::{phase_name, PhaseName};
use crate::ui::i18n_context::use_i18n;
use crate::ui::moon_icon::MoonIcon;

const NOON: u32 = 12 * 60;

/// The day's moon. A principal phase is named: as visible text when
/// `show_name` (room enough), else as the icon's accessible name.
#[component]
pub fn DayMoon(tz: Tz, date: NaiveDate, #[prop(optional)] show_name: bool) -> impl IntoView {
    let i18n = use_i18n();
    let noon = local_to_utc(tz, date, NOON);
    let phase = phase_name(noon);
    move || match principal_name(i18n.t(), phase) {
        Some(name) if show_name => view! {
            <MoonIcon at=noon size=16 />
            <span class="cal-phase">{name}</span>
        }
        .into_any(),
        Some(name) => view! { <MoonIcon at=noon size=16 label=name /> }.into_any(),
        None => view! { <MoonIcon at=noon size=16 /> }.into_any(),
    }
}

fn principal_name(t: &Strings, phase: PhaseName) -> Option<&'static str> {
    match phase {
        PhaseName::New => Some(t.moon_new),
        PhaseName::FirstQuarter => Some(t.moon_first_quarter),
        PhaseName::Full => Some(t.moon_full),
        PhaseName::LastQuarter => Some(t.moon_last_quarter),
        _ => None,
    }
}
