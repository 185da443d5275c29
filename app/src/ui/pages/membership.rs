//! `/membership`: the plan, what it unlocks, and for a signed-in student the
//! Payment Element that pays the first invoice.

use leptos::prelude::*;

use crate::api::membership::{my_membership, start_membership};
use crate::model::membership::{MembershipView, SubscriptionStarted};
use crate::model::payouts::PaymentSetup;
use crate::model::session::{format_price, Currency};
use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::payment_form::PaymentForm;

#[component]
pub fn MembershipPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let membership = Resource::new(|| (), |_| my_membership());
    let started = RwSignal::new(None::<SubscriptionStarted>);
    let welcome = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let join = move |_| {
        error.set(None);
        leptos::task::spawn_local(async move {
            match start_membership().await {
                Ok(sub) if sub.client_secret.is_none() => welcome.set(true),
                Ok(sub) => started.set(Some(sub)),
                Err(err) => error.set(Some(err.message)),
            }
        });
    };
    let price = format_price(crate::model::membership::AMOUNT_CENTS, Currency::SEK, "");
    view! {
        <section class="glass membership" aria-labelledby="membership-title">
            <h1 id="membership-title">{move || i18n.t().membership_title}</h1>
            <h2>{move || i18n.t().membership_plan}</h2>
            <p class="membership-price">
                <strong>{price}</strong> " " {move || i18n.t().membership_per_month}
            </p>
            <p>{move || i18n.t().membership_lead}</p>
            {move || error.get().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
            <Show when=move || welcome.get()>
                <p class="alert alert-success" role="status" data-testid="membership-welcome">
                    {move || i18n.t().membership_welcome}
                </p>
            </Show>
            <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    let signed_in = matches!(auth.user.get(), Some(Ok(Some(_))));
                    membership.get().map(|result| match (signed_in, result) {
                        (false, _) | (_, Err(_)) => view! {
                            <a class="btn btn-primary" href="/login">{move || i18n.t().membership_login}</a>
                        }
                            .into_any(),
                        (true, Ok(view)) if view.is_member => view! { <MemberStatus view /> }.into_any(),
                        (true, Ok(_)) => view! {
                            <Show
                                when=move || started.get().is_some()
                                fallback=move || view! {
                                    <button type="button" class="btn btn-primary" on:click=join>
                                        {move || i18n.t().membership_join}
                                    </button>
                                }
                            >
                                {move || started.get().map(|sub| {
                                    let origin = window().location().origin().unwrap_or_default();
                                    let setup = PaymentSetup {
                                        client_secret: sub.client_secret.unwrap_or_default(),
                                        publishable_key: sub.publishable_key,
                                        script_url: sub.script_url,
                                        amount_cents: sub.amount_cents,
                                        currency: sub.currency,
                                    };
                                    view! {
                                        <PaymentForm
                                            setup
                                            return_url=format!("{origin}/membership")
                                            pay_label=Signal::derive(move || i18n.t().membership_pay.to_owned())
                                            on_success=Callback::new(move |_| welcome.set(true))
                                        />
                                    }
                                })}
                            </Show>
                        }
                            .into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn MemberStatus(view: MembershipView) -> impl IntoView {
    let i18n = use_i18n();
    let until = view
        .current_period_end
        .map(|at| at.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let ending = view.cancel_at_period_end;
    let past_due = view.status == "past_due";
    view! {
        <p class="alert alert-success" role="status" data-testid="membership-active">
            {move || i18n.t().membership_active}
        </p>
        <Show when=move || past_due>
            <p class="alert alert-error" role="alert">{move || i18n.t().membership_past_due}</p>
        </Show>
        <p>
            {move || if ending { i18n.t().membership_ends } else { i18n.t().membership_until }}
            " " {until.clone()}
        </p>
        <p><a href="/account">{move || i18n.t().nav_account}</a></p>
    }
}
