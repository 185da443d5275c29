//! Changing the password (every other device is signed out) and the email
//! address (the new one gets a confirmation link).

use leptos::prelude::*;

use crate::api::my_account::{ChangeEmail, ChangePassword};
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::signup::FormError;

/// `change` belongs to the page: its success refreshes the device list
/// (the other devices are gone), which re-renders this section too.
#[component]
pub fn PasswordSection(change: ServerAction<ChangePassword>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || {
        change
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    });
    let done = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <section class="glass" aria-labelledby="account-password-title">
            <h2 id="account-password-title">{move || i18n.t().password_title}</h2>
            <Show when=done>
                <p class="alert alert-success" role="status" data-testid="password-changed">{move || i18n.t().password_changed}</p>
            </Show>
            <ActionForm action=change attr:class="form">
                <FormError error />
                <div class="field">
                    <label for="password-current">{move || i18n.t().current_password}</label>
                    <input id="password-current" class="input" type="password" name="current_password"
                        autocomplete="current-password" required />
                </div>
                <div class="field">
                    <label for="password-new">{move || i18n.t().new_password}</label>
                    <input id="password-new" class="input" type="password" name="new_password"
                        autocomplete="new-password" aria-describedby="password-new-hint" required />
                    <small id="password-new-hint" class="muted">{move || i18n.t().password_hint}</small>
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || change.pending().get()>
                    {move || i18n.t().password_title}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn EmailSection(email: String) -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangeEmail>::new();
    let error = Signal::derive(move || {
        change
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    });
    let sent = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <section class="glass" aria-labelledby="account-email-title">
            <h2 id="account-email-title">{move || i18n.t().email_change_title}</h2>
            <p class="muted">{move || i18n.t().email} ": " {email}</p>
            <Show when=sent>
                <p class="alert alert-success" role="status" data-testid="email-change-sent">{move || i18n.t().email_change_sent}</p>
            </Show>
            <ActionForm action=change attr:class="form">
                <FormError error />
                <div class="field">
                    <label for="email-new">{move || i18n.t().new_email}</label>
                    <input id="email-new" class="input" type="email" name="email" autocomplete="email" required />
                </div>
                <div class="field">
                    <label for="email-password">{move || i18n.t().current_password}</label>
                    <input id="email-password" class="input" type="password" name="password"
                        autocomplete="current-password" required />
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || change.pending().get()>
                    {move || i18n.t().email_change_submit}
                </button>
            </ActionForm>
        </section>
    }
}
