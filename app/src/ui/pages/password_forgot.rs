//! `/password/forgot`: ask for a link to set a new password. The answer is
//! the same whether or not the address has an account.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::my_account::ForgotPassword;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::signup::FormError;

#[component]
pub fn PasswordForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let forgot = ServerAction::<ForgotPassword>::new();
    let error = Signal::derive(move || {
        forgot
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    });
    let sent = move || matches!(forgot.value().get(), Some(Ok(())));

    view! {
        <section class="glass auth-panel" aria-labelledby="forgot-title">
            <h1 id="forgot-title">{move || i18n.t().forgot_title}</h1>
            <p class="muted">{move || i18n.t().forgot_lead}</p>
            <Show when=sent>
                <p class="alert alert-success" role="status" data-testid="forgot-sent">{move || i18n.t().forgot_sent}</p>
            </Show>
            <ActionForm action=forgot attr:class="form">
                <FormError error />
                <div class="field">
                    <label for="forgot-email">{move || i18n.t().email}</label>
                    <input id="forgot-email" class="input" type="email" name="email" autocomplete="email" required />
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || forgot.pending().get()>
                    <span class="btn-label">{move || if forgot.pending().get() { i18n.t().working } else { i18n.t().forgot_submit }}</span>
                </button>
            </ActionForm>
            <p>
                <A href="/login">{move || i18n.t().signup_have_account}</A>
            </p>
        </section>
    }
}
