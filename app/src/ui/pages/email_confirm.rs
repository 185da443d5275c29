//! `/email/confirm/{token}`: the emailed confirmation link's page. The
//! address is confirmed by pressing the button, not by opening the page, so
//! a mail program that fetches links to preview them confirms nothing.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::my_account::ConfirmEmail;
use crate::model::account::EmailConfirmed;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::signup::FormError;

#[component]
pub fn EmailConfirmPage() -> impl IntoView {
    let i18n = use_i18n();
    let confirm = ServerAction::<ConfirmEmail>::new();
    let token = move || use_params_map().read().get("token").unwrap_or_default();
    let error = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    });
    let done = move || confirm.value().get().and_then(|r| r.ok());

    view! {
        <section class="glass auth-panel" aria-labelledby="confirm-title">
            <h1 id="confirm-title">{move || i18n.t().confirm_title}</h1>
            {move || match done() {
                Some(outcome) => {
                    let message = match outcome {
                        EmailConfirmed::Verified => i18n.t().confirm_verified.to_owned(),
                        EmailConfirmed::Changed { email } => {
                            format!("{} {email}.", i18n.t().confirm_changed)
                        }
                    };
                    view! {
                        <p class="alert alert-success" role="status" data-testid="confirm-done">{message}</p>
                        <p><A href="/account">{move || i18n.t().nav_account}</A></p>
                    }
                        .into_any()
                }
                None => view! {
                    <p class="muted">{move || i18n.t().confirm_lead}</p>
                    <ActionForm action=confirm attr:class="form">
                        <FormError error />
                        <input type="hidden" name="token" value=token />
                        <button type="submit" class="btn btn-primary" disabled=move || confirm.pending().get()>
                            <span class="btn-label">{move || if confirm.pending().get() { i18n.t().working } else { i18n.t().confirm_submit }}</span>
                        </button>
                    </ActionForm>
                }
                    .into_any(),
            }}
        </section>
    }
}
