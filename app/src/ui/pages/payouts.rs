//! `/studio/payouts`: the teacher's Stripe Connect status (not started,
//! incomplete with what Stripe still needs, or active) and the button that
//! sends them to Stripe's onboarding.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::payouts::{my_payout_status, StartOnboarding};
use crate::model::payouts::{PayoutState, PayoutStatus};
use crate::ui::i18n_context::use_i18n;

#[component]
pub fn PayoutsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let returned = move || query.read().get("returned").is_some();
    let error = move || query.read().get("error");
    let status = Resource::new(|| (), |_| my_payout_status());
    let start = ServerAction::<StartOnboarding>::new();
    // The link is Stripe's page: leave for it as soon as it is known.
    Effect::new(move |_| {
        if let Some(Ok(url)) = start.value().get() {
            let _ = window().location().set_href(&url);
        }
    });
    let start_error = move || start.value().get().and_then(|r| r.err()).map(|e| e.message);

    view! {
        <section class="glass payouts" aria-labelledby="payouts-title">
            <h1 id="payouts-title">{move || i18n.t().payouts_title}</h1>
            <p class="muted">{move || i18n.t().payouts_lead}</p>
            <Show when=returned>
                <p class="alert alert-success" role="status">{move || i18n.t().payouts_returned}</p>
            </Show>
            {move || error().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
            {move || start_error().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
            <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    status.get().map(|result| match result {
                        Ok(status) => view! { <PayoutDetails status start /> }.into_any(),
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn PayoutDetails(status: PayoutStatus, start: ServerAction<StartOnboarding>) -> impl IntoView {
    let i18n = use_i18n();
    let state = status.state;
    let label = move || {
        let t = i18n.t();
        match state {
            PayoutState::NotStarted => t.payouts_not_started,
            PayoutState::Incomplete => t.payouts_incomplete,
            PayoutState::Active => t.payouts_active,
        }
    };
    let button = move || {
        let t = i18n.t();
        match state {
            PayoutState::NotStarted => t.payouts_start,
            PayoutState::Incomplete => t.payouts_continue,
            PayoutState::Active => t.payouts_update,
        }
    };
    let yes_no = move |flag: bool| {
        move || {
            if flag {
                i18n.t().payouts_yes
            } else {
                i18n.t().payouts_no
            }
        }
    };
    let state_class = match state {
        PayoutState::NotStarted => "badge",
        PayoutState::Incomplete => "badge badge-warn",
        PayoutState::Active => "badge badge-ok",
    };
    let due = status.currently_due.clone();
    view! {
        <p>
            {move || i18n.t().payouts_status} ": "
            <span class=state_class data-testid="payout-state" data-state=format!("{state:?}")>{label}</span>
        </p>
        <Show when=move || state == PayoutState::Active>
            <p class="muted">{move || i18n.t().payouts_active_lead}</p>
        </Show>
        <Show when=move || state != PayoutState::NotStarted>
            <dl class="details">
                <dt>{move || i18n.t().payouts_charges}</dt>
                <dd data-testid="charges-enabled">{yes_no(status.charges_enabled)}</dd>
                <dt>{move || i18n.t().payouts_payouts}</dt>
                <dd>{yes_no(status.payouts_enabled)}</dd>
                <dt>{move || i18n.t().payouts_details}</dt>
                <dd>{yes_no(status.details_submitted)}</dd>
            </dl>
        </Show>
        {(!due.is_empty()).then(|| {
            view! {
                <p>{move || i18n.t().payouts_still_needed}</p>
                <ul class="due-list">
                    {due.iter().map(|item| view! { <li><code>{item.clone()}</code></li> }).collect_view()}
                </ul>
            }
        })}
        <ActionForm action=start attr:class="form">
            <button type="submit" class="btn btn-primary" disabled=move || start.pending().get()>
                {button}
            </button>
        </ActionForm>
    }
}
