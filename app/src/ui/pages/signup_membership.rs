//! `/signup/membership`: the last, optional step of signing up — the
//! membership, taken in the page or skipped.

use leptos::prelude::*;

use crate::api::membership::my_membership;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::membership::{JoinPanel, PlanSummary};

#[component]
pub fn SignupMembershipPage() -> impl IntoView {
    let i18n = use_i18n();
    let membership = Resource::new(|| (), |_| my_membership());
    let joined = RwSignal::new(false);
    view! {
        <section class="glass membership" aria-labelledby="signup-step-title">
            <h1 id="signup-step-title">{move || i18n.t().signup_step_title}</h1>
            <p class="muted">{move || i18n.t().signup_step_lead}</p>
            <PlanSummary />
            <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    membership.get().map(|result| match result {
                        Ok(view) if !view.is_member => {
                            view! {
                                <JoinPanel
                                    view
                                    return_path="/signup/membership"
                                    on_done=Callback::new(move |()| joined.set(true))
                                />
                            }
                                .into_any()
                        }
                        Ok(_) => view! {
                            <p class="alert alert-success" role="status" data-testid="membership-active">
                                {move || i18n.t().membership_active}
                            </p>
                        }
                            .into_any(),
                        // Not signed in (e.g. the session ended): the login page says more.
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
                }}
            </Suspense>
            <p class="signup-step-next">
                <a href="/home" data-testid="signup-step-next">{move || if joined.get() { i18n.t().signup_step_done } else { i18n.t().signup_step_skip }}</a>
            </p>
        </section>
    }
}
