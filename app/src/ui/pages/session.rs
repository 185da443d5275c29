//! `/sessions/:id`: a session with its slots in a month or week view.

use leptos::prelude::*;

use crate::ui::i18n_context::use_i18n;

#[component]
pub fn SessionPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="glass">
            <h1>{move || i18n.t().session_times}</h1>
        </section>
    }
}
