//! The 404 page, for any path no route matches.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::i18n_context::use_i18n;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <section class="glass error-page">
            <h1>{move || i18n.t().not_found_title}</h1>
            <p>{move || i18n.t().not_found_lead}</p>
            <A href="/" attr:class="btn btn-ghost">{move || i18n.t().back_home}</A>
        </section>
    }
}
