//! The palette: 30/45/60-minute blocks to drag onto the grid. Each block is
//! also a radio button, the duration Enter on a focused cell uses.

use leptos::ev::DragEvent;
use leptos::prelude::*;

use super::drag::{Drag, DATA_TYPE};
use super::layout::STEP;
use super::state::use_studio;
use crate::model::session::PALETTE_MINUTES;

#[component]
pub fn Palette() -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    view! {
        <fieldset class="studio-palette">
            <legend>{move || i18n.t().studio_palette}</legend>
            {PALETTE_MINUTES
                .into_iter()
                .map(|minutes| {
                    let start_drag = move |ev: DragEvent| {
                        let drag = Drag::New { minutes };
                        if let Some(data) = ev.data_transfer() {
                            data.set_effect_allowed("copy");
                            let _ = data.set_data(DATA_TYPE, &drag.to_data());
                        }
                        studio.drag.set(Some(drag));
                    };
                    let end_drag = move |_: DragEvent| {
                        studio.drag.set(None);
                        studio.ghost.set(None);
                    };
                    view! {
                        <label
                            class="palette-block"
                            draggable="true"
                            data-testid=format!("palette-{minutes}")
                            style=format!("--rows:{}", minutes / i64::from(STEP))
                            on:dragstart=start_drag
                            on:dragend=end_drag
                        >
                            <input
                                type="radio"
                                name="studio-duration"
                                value=minutes
                                prop:checked=move || studio.duration.get() == minutes
                                on:change=move |_| studio.duration.set(minutes)
                            />
                            <span>{minutes} " " {move || i18n.t().studio_minutes}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
