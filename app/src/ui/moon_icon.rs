//! The moon of a day, drawn from the computed phase (not a fixed picture).

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::model::moon;

/// An SVG moon whose lit part follows the phase at `at`. Decorative unless
/// a `label` is given.
#[component]
pub fn MoonIcon(
    at: DateTime<Utc>,
    #[prop(optional, into)] label: Option<String>,
    #[prop(default = 20)] size: u32,
) -> impl IntoView {
    let position = moon::phase_position(at);
    let lit = moon::lit_path(position, 12.0, 12.0, 10.0);
    let hidden = label.is_none();
    view! {
        <svg
            class="moon"
            width=size
            height=size
            viewBox="0 0 24 24"
            role=if hidden { None } else { Some("img") }
            aria-hidden=if hidden { Some("true") } else { None }
            aria-label=label
        >
            <circle class="moon-dark" cx="12" cy="12" r="10" />
            <path class="moon-lit" d=lit />
            <circle class="moon-rim" cx="12" cy="12" r="10" fill="none" />
        </svg>
    }
}
