//! The teacher's studio (`/studio`): the session list and editor, the
//! palette, and the week calendar where slots are created, moved and deleted
//! with the pointer or the keyboard.

mod changes;
mod day_header;
mod drag;
mod layout;
mod palette;
mod session_editor;
mod session_list;
mod slot_actions;
mod slot_block;
mod slot_details;
mod state;
mod status;
mod week_grid;

use chrono::Utc;
use leptos::prelude::*;

use crate::model::calendar::{local_date, parse_time_zone};
use crate::model::User;
use crate::ui::i18n_context::use_i18n;
use palette::Palette;
use session_editor::SessionEditor;
use session_list::SessionList;
use slot_details::SlotDetails;
use state::StudioState;
use week_grid::WeekGrid;

/// The studio of a signed-in teacher.
#[component]
pub fn Studio(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let tz = parse_time_zone(&user.time_zone);
    let studio = StudioState::new(i18n, tz);
    provide_context(studio);
    // The browser's clock, once hydrated: the server's first render must not
    // depend on it.
    Effect::new(move |_| studio.today.set(Some(local_date(tz, Utc::now()))));

    view! {
        <div class="studio">
            <header class="studio-head">
                <h1>{move || i18n.t().studio_title}</h1>
                <p class="muted">{move || i18n.t().studio_time_zone} ": " {tz.name()}</p>
            </header>
            <div class="studio-layout">
                <div class="studio-side">
                    <SessionList />
                    {move || view! { <SessionEditor seed=studio.editing.get() /> }}
                </div>
                <section class="glass studio-main" aria-labelledby="studio-week-title">
                    <Palette />
                    <p class="muted studio-help" id="studio-help">
                        {move || i18n.t().studio_keyboard_help}
                    </p>
                    <p class="studio-hint">
                        {move || studio.selected.get().is_none().then(|| i18n.t().studio_select_session)}
                    </p>
                    <div class="studio-alerts" role="alert">
                        {move || {
                            studio
                                .error
                                .get()
                                .or_else(|| studio.load_error())
                                .map(|message| view! { <p class="alert alert-error">{message}</p> })
                        }}
                    </div>
                    <WeekGrid />
                    {move || studio.opened.get().map(|id| view! { <SlotDetails id /> })}
                </section>
            </div>
        </div>
    }
}
