//! "Your data": the export as a JSON file, and deleting the account (the
//! password and the typed word; the server says what still stands in the
//! way, if anything).

use leptos::prelude::*;

use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::signup::FormError;

#[component]
pub fn DataSection() -> impl IntoView {
    let i18n = use_i18n();
    let delete = use_auth().delete_account;
    let error = Signal::derive(move || {
        delete
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    });
    view! {
        <section class="glass" aria-labelledby="account-data-title">
            <h2 id="account-data-title">{move || i18n.t().data_title}</h2>
            <p class="muted">{move || i18n.t().export_lead}</p>
            <p><a href="/api/v1/me/export" download="aveli-data.json" rel="external" data-testid="export">{move || i18n.t().export_link}</a></p>
            <h3>{move || i18n.t().delete_title}</h3>
            <p class="muted">{move || i18n.t().delete_lead}</p>
            <ActionForm action=delete attr:class="form">
                <FormError error />
                <div class="field">
                    <label for="delete-password">{move || i18n.t().current_password}</label>
                    <input id="delete-password" class="input" type="password" name="password"
                        autocomplete="current-password" required />
                </div>
                <div class="field">
                    <label for="delete-confirm">{move || i18n.t().delete_confirm_label}</label>
                    <input id="delete-confirm" class="input" type="text" name="confirm" autocomplete="off" required />
                </div>
                <button type="submit" class="btn btn-danger" disabled=move || delete.pending().get()>
                    {move || i18n.t().delete_submit}
                </button>
            </ActionForm>
        </section>
    }
}
