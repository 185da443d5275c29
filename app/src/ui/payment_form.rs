//! The Payment Element in a glass panel: loads Stripe.js, mounts the element
//! through the bindings in `crate::stripe_js`, enables the pay button once
//! the form is complete and confirms with `redirect: 'if_required'` (cards
//! finish here; PayPal and Klarna leave for their page and come back to
//! `return_url`). Reused by every checkout.

use leptos::prelude::*;

use crate::model::membership::ConfirmWith;
use crate::model::payouts::PaymentSetup;
use crate::stripe_js::{self, Elements, StripeClient};
use crate::ui::i18n_context::use_i18n;

/// Where the payment stands, as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentPhase {
    Loading,
    Ready,
    Confirming,
    Succeeded(String),
    Failed(String),
}

#[component]
pub fn PaymentForm(
    setup: PaymentSetup,
    /// Where PayPal and Klarna return to (absolute URL).
    return_url: String,
    /// The pay button's label.
    #[prop(into)]
    pay_label: Signal<String>,
    /// Told when a payment (or a SetupIntent's card) succeeded inside the page
    /// (the intent's id).
    #[prop(optional)]
    on_success: Option<Callback<String>>,
    /// Told once the element is ready (it has drawn its payment methods).
    #[prop(optional)]
    on_ready: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let phase = RwSignal::new(PaymentPhase::Loading);
    let complete = RwSignal::new(false);
    // Browser objects, created once the page is hydrated; never on the server.
    let handles: StoredValue<Option<(StripeClient, Elements)>, LocalStorage> =
        StoredValue::new_local(None);

    let confirm_with = setup.confirm_with;
    Effect::new(move |_| {
        let setup = setup.clone();
        // Untracked: a language switch must not mount a second element.
        let locale = i18n.0.get_untracked().code();
        leptos::task::spawn_local(async move {
            if let Err(err) = stripe_js::load(&setup.script_url).await {
                phase.set(PaymentPhase::Failed(err.message));
                return;
            }
            let stripe = match stripe_js::stripe(&setup.publishable_key, locale) {
                Ok(stripe) => stripe,
                Err(err) => {
                    phase.set(PaymentPhase::Failed(err.message));
                    return;
                }
            };
            let elements = stripe.payment_elements(
                &setup.client_secret,
                stripe_js::night_appearance(),
                locale,
            );
            let element = elements.create_payment_element();
            element.on_ready(move || {
                phase.set(PaymentPhase::Ready);
                if let Some(callback) = on_ready {
                    // The panel may have closed meanwhile.
                    let _ = callback.try_run(());
                }
            });
            element.on_change(move |change| complete.set(change.complete));
            element.on_load_error(move |err| phase.set(PaymentPhase::Failed(err.message)));
            if let Err(err) = element.mount_at("#payment-element") {
                phase.set(PaymentPhase::Failed(err.message));
                return;
            }
            handles.set_value(Some((stripe, elements)));
        });
    });

    let pay = move |_| {
        let return_url = return_url.clone();
        phase.set(PaymentPhase::Confirming);
        leptos::task::spawn_local(async move {
            let Some((stripe, elements)) = handles.get_value() else {
                return;
            };
            let (stripe, elements) = (&stripe, &elements);
            if let Err(err) = elements.validate().await {
                phase.set(PaymentPhase::Failed(err.message));
                return;
            }
            let confirmed = match confirm_with {
                ConfirmWith::Payment => stripe.confirm(elements, &return_url, None).await,
                ConfirmWith::Setup => stripe.confirm_setup(elements, &return_url).await,
            };
            match confirmed {
                // `processing` (some wallets) settles by webhook: the receipt page waits for it.
                Ok(intent) if intent.status == "succeeded" || intent.status == "processing" => {
                    if let Some(callback) = on_success {
                        let _ = callback.try_run(intent.id.clone());
                    }
                    phase.set(PaymentPhase::Succeeded(intent.id));
                }
                Ok(intent) => phase.set(PaymentPhase::Failed(intent.status)),
                Err(err) => phase.set(PaymentPhase::Failed(err.message)),
            }
        });
    };

    let busy = move || {
        matches!(
            phase.get(),
            PaymentPhase::Loading | PaymentPhase::Confirming
        )
    };
    let done = move || matches!(phase.get(), PaymentPhase::Succeeded(_));
    view! {
        <div class="payment-form" >
            <Show when=move || phase.get() == PaymentPhase::Loading>
                <p class="muted" role="status">{move || i18n.t().paytest_loading}</p>
            </Show>
            <div id="payment-element" class="payment-element"></div>
            {move || match phase.get() {
                PaymentPhase::Failed(message) => {
                    view! { <p class="alert alert-error" role="alert" data-testid="payment-error">{message}</p> }
                        .into_any()
                }
                PaymentPhase::Succeeded(_) => {
                    view! {
                        <p class="alert alert-success" role="status" data-testid="payment-success">
                            {move || match confirm_with {
                                ConfirmWith::Payment => i18n.t().paytest_succeeded,
                                ConfirmWith::Setup => i18n.t().membership_card_saved,
                            }}
                        </p>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            <Show when=move || !done()>
                <button
                    type="button"
                    class="btn btn-primary btn-pay"
                    on:click=pay.clone()
                    disabled=move || busy() || !complete.get()
                    aria-busy=move || (phase.get() == PaymentPhase::Confirming).to_string()
                >
                    <Show when=move || phase.get() == PaymentPhase::Confirming>
                        <span class="spinner" aria-hidden="true"></span>
                    </Show>
                    <span class="btn-label">{move || pay_label.get()}</span>
                </button>
            </Show>
        </div>
    }
}
