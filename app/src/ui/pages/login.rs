//! `/login`.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::signup::FormError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = use_auth().login;
    let error =
        Signal::derive(move || login.value().get().and_then(|r| r.err()).map(|e| e.message));

    view! {
        <section class="glass auth-panel" aria-labelledby="login-title">
            <h1 id="login-title">{move || i18n.t().login_title}</h1>
            <ActionForm action=login attr:class="form">
                <FormError error />
                <div class="field">
                    <label for="login-email">{move || i18n.t().email}</label>
                    <input id="login-email" class="input" type="email" name="email" autocomplete="email" required />
                </div>
                <div class="field">
                    <label for="login-password">{move || i18n.t().password}</label>
                    <input
                        id="login-password"
                        class="input"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || login.pending().get()>
                    <span class="btn-label">{move || if login.pending().get() { i18n.t().working } else { i18n.t().login_submit }}</span>
                </button>
            </ActionForm>
            <p>
                <A href="/password/forgot">{move || i18n.t().forgot_link}</A>
            </p>
            <p>
                <A href="/signup">{move || i18n.t().login_no_account}</A>
            </p>
        </section>
    }
}
