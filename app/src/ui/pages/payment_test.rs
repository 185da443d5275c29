//! `/studio/payment-test`: a teacher's test payment while payments are
//! simulated (SEK 100 to their own account), proving the Payment Element,
//! the Stripe.js bindings and the gateway end to end.

use leptos::prelude::*;

use crate::api::payouts::create_test_payment;
use crate::ui::i18n_context::use_i18n;
use crate::ui::payment_form::PaymentForm;

#[component]
pub fn PaymentTestPage() -> impl IntoView {
    let i18n = use_i18n();
    // Created in the browser only: every visit is a new PaymentIntent.
    let setup = LocalResource::new(create_test_payment);
    view! {
        <section class="glass payment-panel" aria-labelledby="paytest-title">
            <h1 id="paytest-title">{move || i18n.t().paytest_title}</h1>
            <p class="muted">{move || i18n.t().paytest_lead}</p>
            <Suspense fallback=move || view! { <p class="muted">{move || i18n.t().paytest_loading}</p> }>
                {move || {
                    setup.get().map(|result| match result {
                        Ok(setup) => {
                            let origin = window().location().origin().unwrap_or_default();
                            view! {
                                <PaymentForm
                                    setup
                                    return_url=format!("{origin}/studio/payment-test")
                                    pay_label=Signal::derive(move || i18n.t().paytest_pay.to_owned())
                                />
                            }
                                .into_any()
                        }
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}
