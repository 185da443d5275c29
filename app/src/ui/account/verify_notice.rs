//! "Your address is not confirmed yet", with "send again". Not a gate:
//! booking and paying work without it.

use leptos::prelude::*;

use crate::api::my_account::ResendVerification;
use crate::ui::i18n_context::use_i18n;

#[component]
pub fn VerifyNotice() -> impl IntoView {
    let i18n = use_i18n();
    let resend = ServerAction::<ResendVerification>::new();
    let outcome = move || {
        resend.value().get().map(|r| match r {
            Ok(()) => view! { <p class="alert alert-success" role="status">{move || i18n.t().resend_done}</p> }.into_any(),
            Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
        })
    };
    view! {
        <section class="glass" aria-label=move || i18n.t().unverified_notice data-testid="unverified">
            <p>{move || i18n.t().unverified_notice}</p>
            {outcome}
            <ActionForm action=resend attr:class="form">
                <button type="submit" class="btn btn-ghost" disabled=move || resend.pending().get()>
                    {move || i18n.t().resend}
                </button>
            </ActionForm>
        </section>
    }
}
