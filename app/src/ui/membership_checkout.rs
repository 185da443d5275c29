//! Taking, or keeping, the membership in the page: one button asks the server
//! what is due (`start_membership`) and the Payment Element confirms it — the
//! first invoice, a trial's card (confirmSetup), or a failed renewal paid with
//! a new card. Used by `/membership`, the sign-up's last step and the banner
//! of a membership that needs a payment method.

use leptos::prelude::*;

use crate::api::membership::start_membership;
use crate::model::membership::{ConfirmWith, SubscriptionStarted};
use crate::model::payouts::PaymentSetup;
use crate::ui::i18n_context::use_i18n;
use crate::ui::payment_form::PaymentForm;

/// What the panel says once nothing more is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Welcome,
    CardSaved,
    Recovered,
}

fn done_after(started: &SubscriptionStarted) -> Done {
    match (started.confirm_with, started.status.as_str()) {
        (ConfirmWith::Setup, _) => Done::CardSaved,
        (ConfirmWith::Payment, "past_due" | "unpaid") => Done::Recovered,
        (ConfirmWith::Payment, _) => Done::Welcome,
    }
}

#[component]
pub fn MembershipCheckout(
    /// The button that asks the server what is due.
    #[prop(into)]
    start_label: Signal<String>,
    /// Where PayPal and Klarna come back to (a path on this site).
    return_path: &'static str,
    /// Told once nothing more is due.
    #[prop(optional)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let started = RwSignal::new(None::<SubscriptionStarted>);
    let done = RwSignal::new(None::<Done>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let start = move |_| {
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match start_membership().await {
                Ok(sub) if sub.client_secret.is_none() => {
                    done.set(Some(Done::Welcome));
                    if let Some(callback) = on_done {
                        let _ = callback.try_run(());
                    }
                }
                Ok(sub) => started.set(Some(sub)),
                Err(err) => error.set(Some(err.message)),
            }
            busy.set(false);
        });
    };
    view! {
        {move || error.get().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
        {move || {
            done.get()
                .map(|done| {
                    let text = move || match done {
                        Done::Welcome => i18n.t().membership_welcome,
                        Done::CardSaved => i18n.t().membership_card_saved,
                        Done::Recovered => i18n.t().membership_recovered,
                    };
                    view! {
                        <p class="alert alert-success" role="status" data-testid="membership-welcome">
                            {text}
                        </p>
                    }
                })
        }}
        <Show
            when=move || started.get().is_some()
            fallback=move || view! {
                <Show when=move || done.get().is_none()>
                    <button type="button" class="btn btn-primary" on:click=start disabled=move || busy.get()>
                        {move || start_label.get()}
                    </button>
                </Show>
            }
        >
            {move || started.get().map(|sub| {
                let origin = window().location().origin().unwrap_or_default();
                let finished = done_after(&sub);
                let label = move || match finished {
                    Done::CardSaved => i18n.t().membership_save_card,
                    Done::Recovered => i18n.t().membership_pay_due,
                    Done::Welcome => i18n.t().membership_pay,
                };
                let setup = PaymentSetup {
                    client_secret: sub.client_secret.unwrap_or_default(),
                    confirm_with: sub.confirm_with,
                    publishable_key: sub.publishable_key,
                    script_url: sub.script_url,
                    amount_cents: sub.amount_cents,
                    currency: sub.currency,
                };
                view! {
                    <PaymentForm
                        setup
                        return_url=format!("{origin}{return_path}")
                        pay_label=Signal::derive(move || label().to_owned())
                        on_success=Callback::new(move |_| {
                            // The panel's own message replaces the form.
                            started.set(None);
                            done.set(Some(finished));
                            if let Some(callback) = on_done {
                                let _ = callback.try_run(());
                            }
                        })
                    />
                }
            })}
        </Show>
    }
}
