//! The error page: what a render failure shows instead of a broken page.

use leptos::prelude::*;

use crate::ui::i18n_context::use_i18n;

#[component]
pub fn ErrorPage(errors: ArcRwSignal<Errors>) -> impl IntoView {
    // The details are logged on the server; people get words, not internals.
    let _ = errors;
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    let i18n = use_i18n();
    view! {
        <section class="glass error-page" role="alert">
            <h1>{move || i18n.t().error_title}</h1>
            <p>{move || i18n.t().error_lead}</p>
            <a href="/" class="btn btn-ghost">{move || i18n.t().back_home}</a>
        </section>
    }
}
