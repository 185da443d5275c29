//! `/password/reset/{token}`: the emailed link's page, where the new
//! password is chosen. Success signs this browser in and opens `/account`.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::signup::FormError;

#[component]
pub fn PasswordResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let reset = use_auth().reset_password;
    let token = move || use_params_map().read().get("token").unwrap_or_default();
    let error =
        Signal::derive(move || reset.value().get().and_then(|r| r.err()).map(|e| e.message));

    view! {
        <section class="glass auth-panel" aria-labelledby="reset-title">
            <h1 id="reset-title">{move || i18n.t().reset_title}</h1>
            <ActionForm action=reset attr:class="form">
                <FormError error />
                <input type="hidden" name="token" value=token />
                <div class="field">
                    <label for="reset-password">{move || i18n.t().new_password}</label>
                    <input
                        id="reset-password"
                        class="input"
                        type="password"
                        name="password"
                        autocomplete="new-password"
                        aria-describedby="reset-password-hint"
                        required
                    />
                    <small id="reset-password-hint" class="muted">{move || i18n.t().password_hint}</small>
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || reset.pending().get()>
                    <span class="btn-label">{move || if reset.pending().get() { i18n.t().working } else { i18n.t().reset_submit }}</span>
                </button>
            </ActionForm>
        </section>
    }
}
