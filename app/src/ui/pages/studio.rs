//! `/studio`: the teacher's week calendar, palette and session editor.

use leptos::prelude::*;

use crate::ui::i18n_context::use_i18n;

#[component]
pub fn StudioPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="glass">
            <h1>{move || i18n.t().studio_title}</h1>
        </section>
    }
}
