//! A day's header on the week grid: weekday, date, the moon at local noon,
//! and the name of a principal phase when one falls on that local day.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

use super::state::use_studio;
use crate::i18n::Strings;
use crate::model::calendar::local_to_utc;
use crate::model::moon::PrincipalPhase;
use crate::ui::moon_icon::MoonIcon;

const NOON: u32 = 12 * 60;

/// "ons 11 mar" / "Wed 11 Mar".
pub fn day_label(t: &Strings, date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        t.weekdays_short[date.weekday().num_days_from_monday() as usize],
        date.day(),
        t.months_short[date.month0() as usize]
    )
}

fn phase_label(t: &Strings, phase: PrincipalPhase) -> &'static str {
    match phase {
        PrincipalPhase::New => t.moon_new,
        PrincipalPhase::FirstQuarter => t.moon_first_quarter,
        PrincipalPhase::Full => t.moon_full,
        PrincipalPhase::LastQuarter => t.moon_last_quarter,
    }
}

#[component]
pub fn DayHeader(column: usize, date: NaiveDate, phase: Option<PrincipalPhase>) -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let noon = local_to_utc(studio.tz, date, NOON);
    let current = move || (studio.today.get() == Some(date)).then_some("date");
    view! {
        <div class="studio-day" style=format!("grid-column:{}", column + 2) aria-current=current>
            <span class="studio-day-name">{move || day_label(i18n.t(), date)}</span>
            <MoonIcon at=noon size=18 />
            {phase
                .map(|phase| {
                    view! {
                        <span class="studio-phase" data-testid="moon-phase">
                            {move || phase_label(i18n.t(), phase)}
                        </span>
                    }
                })}
        </div>
    }
}
