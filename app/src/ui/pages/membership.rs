//! `/membership`: the plan, what it unlocks, and for a signed-in student the
//! Payment Element that pays the first invoice (or saves a trial's card); a
//! member whose payment failed gives a new card here.

use leptos::prelude::*;

use crate::api::membership::my_membership;
use crate::model::membership::MembershipView;
use crate::model::session::{format_price, Currency};
use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::membership_checkout::MembershipCheckout;

#[component]
pub fn MembershipPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let membership = Resource::new(|| (), |_| my_membership());
    view! {
        <section class="glass membership" aria-labelledby="membership-title">
            <h1 id="membership-title">{move || i18n.t().membership_title}</h1>
            <PlanSummary />
            <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    let signed_in = matches!(auth.user.get(), Some(Ok(Some(_))));
                    membership.get().map(|result| match (signed_in, result) {
                        (false, _) | (_, Err(_)) => view! {
                            <a class="btn btn-primary" href="/login">{move || i18n.t().membership_login}</a>
                        }
                            .into_any(),
                        (true, Ok(view)) if view.is_member || view.needs_payment_method => {
                            view! { <MemberStatus view /> }.into_any()
                        }
                        (true, Ok(view)) => view! { <JoinPanel view return_path="/membership" /> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The plan: its name, monthly price and what it unlocks (here and in the
/// sign-up's last step).
#[component]
pub fn PlanSummary() -> impl IntoView {
    let i18n = use_i18n();
    let price = format_price(crate::model::membership::AMOUNT_CENTS, Currency::SEK, "");
    view! {
        <h2>{move || i18n.t().membership_plan}</h2>
        <p class="membership-price">
            <strong>{price}</strong> " " {move || i18n.t().membership_per_month}
        </p>
        <p>{move || i18n.t().membership_lead}</p>
    }
}

/// For someone who is not a member: the trial on offer, if any, and the
/// Payment Element. Also the sign-up's last step.
#[component]
pub fn JoinPanel(
    view: MembershipView,
    return_path: &'static str,
    /// Told once the membership is taken.
    #[prop(optional)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let trial_days = view.trial_days;
    view! {
        <Show when=move || { trial_days > 0 }>
            <p class="membership-trial" data-testid="membership-trial">
                {move || i18n.t().membership_trial_prefix} " " {trial_days} " "
                {move || i18n.t().membership_trial_suffix}
            </p>
        </Show>
        <MembershipCheckout
            start_label=Signal::derive(move || i18n.t().membership_join.to_owned())
            return_path
            on_done=on_done.unwrap_or_else(|| Callback::new(|()| {}))
        />
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
    let trialing = view.status == "trialing";
    let past_due = view.status == "past_due";
    let needs_card = view.needs_payment_method;
    let member = view.is_member;
    view! {
        <Show when=move || member>
            <p class="alert alert-success" role="status" data-testid="membership-active">
                {move || if trialing { i18n.t().membership_trialing } else { i18n.t().membership_active }}
            </p>
        </Show>
        <p>
            {move || {
                if ending {
                    i18n.t().membership_ends
                } else if trialing {
                    i18n.t().membership_trial_ends
                } else {
                    i18n.t().membership_until
                }
            }}
            " " {until.clone()}
        </p>
        <Show when=move || needs_card>
            <p class="alert alert-error" role="alert" data-testid="membership-needs-card">
                {move || if past_due { i18n.t().membership_past_due } else { i18n.t().membership_add_card }}
            </p>
            <MembershipCheckout
                start_label=Signal::derive(move || i18n.t().membership_update_card.to_owned())
                return_path="/membership"
            />
        </Show>
        <p><a href="/account">{move || i18n.t().nav_account}</a></p>
    }
}
