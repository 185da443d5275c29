//! Subscriptions over time: trials with a pending SetupIntent, cancellation at period end,
//! renewals through the `advance` test helper, and paying a past_due invoice again.

use serde_json::Value;
use stripe::StripeRequest;
use stripe_billing::invoice::{PayInvoice, RetrieveInvoice};
use stripe_billing::subscription::{
    CreateSubscription, CreateSubscriptionItems, CreateSubscriptionPaymentBehavior,
    CreateSubscriptionPaymentSettings, CreateSubscriptionPaymentSettingsSaveDefaultPaymentMethod,
    CreateSubscriptionTrialEnd, RetrieveSubscription, UpdateSubscription,
};
use stripe_core::customer::CreateCustomer;
use stripe_core::payment_intent::{CreatePaymentIntent, RetrievePaymentIntent};
use stripe_product::price::{CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval};
use stripe_product::product::CreateProduct;
use stripe_shared::{
    InvoiceBillingReason, InvoiceStatus, PaymentIntentStatus, SetupIntent, SetupIntentStatus,
    Subscription, SubscriptionStatus,
};
use stripe_types::Currency;
use stripe_webhook::{EventObject, Webhook};

use crate::common::{receiver, start, start_with_clock, Harness, PK, WHSEC};

/// Sends `path` (relative to `/v1`) through async-stripe's client and deserializes the answer
/// into `$ty` (for endpoints async-stripe has no request type for, or whose feature the
/// workspace does not enable: SetupIntents, the test helper).
macro_rules! raw_call {
    ($h:expr, $post:expr, $path:expr, $form:expr, $ty:ty) => {{
        let mut b = if $post {
            PayInvoice::new("in_placeholder").build()
        } else {
            RetrieveInvoice::new("in_placeholder").build()
        };
        b.path = $path;
        b.query = None;
        b.body = $form;
        b.customize::<$ty>().send(&$h.client).await
    }};
}

async fn get_setup_intent(h: &Harness, id: &str) -> Result<SetupIntent, stripe::StripeError> {
    raw_call!(h, false, format!("/setup_intents/{id}"), None, SetupIntent)
}

async fn confirm_setup_intent(
    h: &Harness,
    id: &str,
    form: &str,
) -> Result<SetupIntent, stripe::StripeError> {
    raw_call!(
        h,
        true,
        format!("/setup_intents/{id}/confirm"),
        Some(form.to_string()),
        SetupIntent
    )
}

async fn advance(h: &Harness, sub: &str, outcome: &str) -> Subscription {
    raw_call!(
        h,
        true,
        format!("/test_helpers/subscriptions/{sub}/advance"),
        Some(format!("outcome={outcome}&expand[]=latest_invoice")),
        Subscription
    )
    .unwrap()
}

/// A browser call (publishable key + client_secret), like the Stripe.js stand-in.
async fn browser(
    h: &Harness,
    post: bool,
    path: &str,
    cs: &str,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut form: Vec<(&str, &str)> = vec![("key", PK), ("client_secret", cs)];
    form.extend_from_slice(extra);
    let url = format!("{}{path}", h.base);
    let req = if post {
        h.http.post(url).form(&form)
    } else {
        h.http.get(url).query(&form)
    };
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn card(number: &str) -> Vec<(&str, &str)> {
    vec![
        ("payment_method_data[type]", "card"),
        ("payment_method_data[card][number]", number),
        ("payment_method_data[card][exp_month]", "12"),
        ("payment_method_data[card][exp_year]", "2040"),
        ("payment_method_data[card][cvc]", "123"),
    ]
}

fn stripe_error(e: stripe::StripeError) -> (u16, Box<stripe::ApiErrors>) {
    match e {
        stripe::StripeError::Stripe(err, status) => (status, err),
        other => panic!("expected a Stripe error, got {other:?}"),
    }
}

async fn price(h: &Harness, amount: i64, interval: CreatePriceRecurringInterval) -> String {
    let prod = CreateProduct::new("Membership")
        .send(&h.client)
        .await
        .unwrap();
    CreatePrice::new(Currency::SEK)
        .product(prod.id.as_str())
        .unit_amount(amount)
        .recurring(CreatePriceRecurring::new(interval))
        .send(&h.client)
        .await
        .unwrap()
        .id
        .to_string()
}

fn new_subscription(customer: &str, price: &str) -> CreateSubscription {
    let mut settings = CreateSubscriptionPaymentSettings::new();
    settings.save_default_payment_method =
        Some(CreateSubscriptionPaymentSettingsSaveDefaultPaymentMethod::OnSubscription);
    CreateSubscription::new()
        .customer(customer)
        .items(vec![CreateSubscriptionItems {
            price: Some(price.to_string()),
            ..CreateSubscriptionItems::new()
        }])
        .payment_behavior(CreateSubscriptionPaymentBehavior::DefaultIncomplete)
        .payment_settings(settings)
}

async fn customer(h: &Harness) -> String {
    CreateCustomer::new()
        .email("member@example.com")
        .send(&h.client)
        .await
        .unwrap()
        .id
        .to_string()
}

/// Types of the events emitted after the first `from`.
fn types_from(h: &Harness, from: usize) -> Vec<String> {
    h.sim.events()[from..]
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

fn last_event(h: &Harness, type_: &str) -> Value {
    h.sim
        .events()
        .into_iter()
        .rev()
        .find(|e| e["type"] == type_)
        .unwrap_or_else(|| panic!("no {type_} event"))
}

fn period(sub: &Subscription) -> (i64, i64) {
    let item = &sub.items.data[0];
    (item.current_period_start, item.current_period_end)
}

fn latest_invoice(sub: &Subscription) -> stripe_shared::Invoice {
    sub.latest_invoice
        .as_ref()
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn trial_with_pending_setup_intent_saves_the_card() {
    let h = start(None).await;
    let price = price(&h, 9_900, CreatePriceRecurringInterval::Month).await;
    let cus = customer(&h).await;
    let sub = new_subscription(&cus, &price)
        .trial_period_days(14u32)
        .expand(vec![
            "latest_invoice".to_string(),
            "pending_setup_intent".to_string(),
        ])
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Trialing);
    let (start, end) = period(&sub);
    assert_eq!(sub.trial_start, Some(start));
    assert_eq!(sub.trial_end, Some(end));
    assert_eq!(end - start, 14 * 86_400);
    assert!(sub.default_payment_method.is_none());
    let invoice = latest_invoice(&sub);
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid));
    assert_eq!(invoice.amount_due, 0);
    assert_eq!(invoice.amount_paid, 0);
    assert_eq!(
        invoice.billing_reason,
        Some(InvoiceBillingReason::SubscriptionCreate)
    );
    let seti = sub
        .pending_setup_intent
        .as_ref()
        .unwrap()
        .as_object()
        .unwrap();
    let seti_id = seti.id.to_string();
    assert!(seti_id.starts_with("seti_"));
    let cs = seti.client_secret.clone().unwrap();
    assert!(cs.starts_with(&format!("{seti_id}_secret_")));
    assert_eq!(seti.status, SetupIntentStatus::RequiresPaymentMethod);
    assert_eq!(seti.usage, "off_session");
    assert_eq!(seti.payment_method_types, vec!["card".to_string()]);
    assert_eq!(
        types_from(&h, 0),
        [
            "product.created",
            "price.created",
            "setup_intent.created",
            "customer.subscription.created",
            "invoice.created",
            "invoice.finalized",
            "invoice.paid",
            "invoice.payment_succeeded",
        ]
    );

    // Unexpanded, it is the id; the secret key can read it.
    let plain = RetrieveSubscription::new(sub.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(
        plain.pending_setup_intent.as_ref().unwrap().id().as_str(),
        seti_id
    );
    let got = get_setup_intent(&h, &seti_id).await.unwrap();
    assert_eq!(got.client_secret.as_deref(), Some(cs.as_str()));

    // The browser: publishable key + client_secret.
    let path = format!("/v1/setup_intents/{seti_id}");
    let (s, v) = browser(&h, false, &path, &cs, &[]).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (200, Some("requires_payment_method"))
    );
    let (s, v) = browser(&h, false, &path, "seti_wrong_secret_x", &[]).await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(v["error"]["code"], "resource_missing");

    // A declined card: 402 with the SetupIntent in the error.
    let confirm = format!("{path}/confirm");
    let n = h.sim.events().len();
    let (s, v) = browser(&h, true, &confirm, &cs, &card("4000 0000 0000 0002")).await;
    assert_eq!(s, 402, "{v}");
    assert_eq!(v["error"]["type"], "card_error");
    assert_eq!(v["error"]["code"], "card_declined");
    assert_eq!(v["error"]["decline_code"], "generic_decline");
    assert_eq!(v["error"]["setup_intent"]["id"], seti_id.as_str());
    assert_eq!(
        v["error"]["setup_intent"]["status"],
        "requires_payment_method"
    );
    assert_eq!(
        v["error"]["setup_intent"]["last_setup_error"]["code"],
        "card_declined"
    );
    assert_eq!(types_from(&h, n), ["setup_intent.setup_failed"]);
    // async-stripe reads the same error.
    let (status, err) = stripe_error(
        confirm_setup_intent(&h, &seti_id, "payment_method=pm_card_chargeDeclined")
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 402);
    assert_eq!(err.setup_intent.unwrap().id.as_str(), seti_id);

    // A good card.
    let n = h.sim.events().len();
    let (s, v) = browser(&h, true, &confirm, &cs, &card("4242424242424242")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "succeeded");
    let pm = v["payment_method"].as_str().unwrap().to_string();
    assert!(pm.starts_with("pm_"));
    assert_eq!(
        types_from(&h, n),
        ["setup_intent.succeeded", "customer.subscription.updated"]
    );
    let updated = last_event(&h, "customer.subscription.updated");
    assert_eq!(
        updated["data"]["previous_attributes"]["pending_setup_intent"],
        seti_id.as_str()
    );
    assert!(updated["data"]["previous_attributes"]["default_payment_method"].is_null());
    let sub = RetrieveSubscription::new(sub.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Trialing);
    assert!(sub.pending_setup_intent.is_none());
    assert_eq!(sub.default_payment_method.unwrap().id().as_str(), pm);
    let got = get_setup_intent(&h, &seti_id).await.unwrap();
    assert_eq!(got.status, SetupIntentStatus::Succeeded);

    // Confirming again is an unexpected state.
    let (s, v) = browser(&h, true, &confirm, &cs, &card("4242424242424242")).await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], "setup_intent_unexpected_state");
}

#[tokio::test]
async fn trial_setup_intent_three_d_secure_and_test_payment_methods() {
    let h = start(None).await;
    let price = price(&h, 9_900, CreatePriceRecurringInterval::Month).await;
    let cus = customer(&h).await;
    let trial_end = chrono::Utc::now().timestamp() + 7 * 86_400;
    let sub = new_subscription(&cus, &price)
        .trial_end(CreateSubscriptionTrialEnd::Timestamp(trial_end))
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Trialing);
    assert_eq!(sub.trial_end, Some(trial_end));
    assert_eq!(period(&sub).1, trial_end);
    let seti_id = sub.pending_setup_intent.unwrap().id().to_string();
    let cs = get_setup_intent(&h, &seti_id)
        .await
        .unwrap()
        .client_secret
        .unwrap();
    let path = format!("/v1/setup_intents/{seti_id}");

    // 3-D Secure: requires_action, then a failed challenge.
    let (s, v) = browser(
        &h,
        true,
        &format!("{path}/confirm"),
        &cs,
        &card("4000002760003184"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "requires_action");
    assert_eq!(v["next_action"]["type"], "use_stripe_sdk");
    assert_eq!(
        v["next_action"]["use_stripe_sdk"]["stripe_js"],
        format!("{}/3ds/{seti_id}", h.base)
    );
    let got = get_setup_intent(&h, &seti_id).await.unwrap();
    assert_eq!(got.status, SetupIntentStatus::RequiresAction);
    assert_eq!(got.next_action.unwrap().type_, "use_stripe_sdk");
    let auth = format!("{path}/authenticate");
    let (s, v) = browser(&h, true, &auth, &cs, &[("outcome", "fail")]).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "requires_payment_method");
    assert_eq!(
        v["last_setup_error"]["code"],
        "setup_intent_authentication_failure"
    );
    assert_eq!(
        last_event(&h, "setup_intent.setup_failed")["data"]["object"]["id"],
        seti_id.as_str()
    );
    // Nothing waits for authentication any more.
    let (s, v) = browser(&h, true, &auth, &cs, &[("outcome", "complete")]).await;
    assert_eq!(s, 400, "{v}");

    // Again, and this time the challenge is completed.
    let (s, _) = browser(
        &h,
        true,
        &format!("{path}/confirm"),
        &cs,
        &card("4000002760003184"),
    )
    .await;
    assert_eq!(s, 200);
    let n = h.sim.events().len();
    let (s, v) = browser(&h, true, &auth, &cs, &[("outcome", "complete")]).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("succeeded")));
    assert_eq!(
        types_from(&h, n),
        ["setup_intent.succeeded", "customer.subscription.updated"]
    );
    let sub = RetrieveSubscription::new(sub.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert!(sub.pending_setup_intent.is_none());
    assert_eq!(
        sub.default_payment_method.unwrap().id().as_str(),
        v["payment_method"].as_str().unwrap()
    );

    // With the secret key and a test payment method id.
    let sub2 = new_subscription(&cus, &price)
        .trial_period_days(30u32)
        .send(&h.client)
        .await
        .unwrap();
    let seti2 = sub2.pending_setup_intent.unwrap().id().to_string();
    let si = confirm_setup_intent(&h, &seti2, "payment_method=pm_card_visa")
        .await
        .unwrap();
    assert_eq!(si.status, SetupIntentStatus::Succeeded);
    let sub2 = RetrieveSubscription::new(sub2.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(
        sub2.default_payment_method.unwrap().id().as_str(),
        "pm_card_visa"
    );

    // PayPal cannot be set up; an unknown SetupIntent is 404.
    let sub3 = new_subscription(&cus, &price)
        .trial_period_days(3u32)
        .send(&h.client)
        .await
        .unwrap();
    let seti3 = sub3.pending_setup_intent.unwrap().id().to_string();
    let (status, _) = stripe_error(
        confirm_setup_intent(&h, &seti3, "payment_method_data[type]=paypal")
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);
    let (status, err) = stripe_error(get_setup_intent(&h, "seti_missing").await.unwrap_err());
    assert_eq!(status, 404);
    assert_eq!(
        err.message.as_deref(),
        Some("No such setup_intent: 'seti_missing'")
    );
}

#[tokio::test]
async fn cancel_at_period_end_toggles_and_ends_the_subscription_on_advance() {
    let h = start(None).await;
    let price = price(&h, 9_900, CreatePriceRecurringInterval::Month).await;
    let cus = customer(&h).await;
    let sub = new_subscription(&cus, &price)
        .default_payment_method("pm_card_visa")
        .trial_period_days(10u32)
        .send(&h.client)
        .await
        .unwrap();
    // A card was given: no SetupIntent.
    assert!(sub.pending_setup_intent.is_none());
    let (_, end) = period(&sub);

    let n = h.sim.events().len();
    let s1 = UpdateSubscription::new(sub.id.clone())
        .cancel_at_period_end(true)
        .send(&h.client)
        .await
        .unwrap();
    assert!(s1.cancel_at_period_end);
    assert_eq!(s1.cancel_at, Some(end));
    assert!(s1.canceled_at.is_some());
    assert_eq!(types_from(&h, n), ["customer.subscription.updated"]);
    let ev = last_event(&h, "customer.subscription.updated");
    assert_eq!(
        ev["data"]["previous_attributes"]["cancel_at_period_end"],
        false
    );
    assert!(ev["data"]["previous_attributes"]["cancel_at"].is_null());
    assert_eq!(ev["data"]["object"]["cancel_at_period_end"], true);

    // Undo, then the same value again changes nothing.
    let s2 = UpdateSubscription::new(sub.id.clone())
        .cancel_at_period_end(false)
        .send(&h.client)
        .await
        .unwrap();
    assert!(!s2.cancel_at_period_end);
    assert!(s2.cancel_at.is_none());
    let ev = last_event(&h, "customer.subscription.updated");
    assert_eq!(
        ev["data"]["previous_attributes"]["cancel_at_period_end"],
        true
    );
    assert_eq!(ev["data"]["previous_attributes"]["cancel_at"], end);
    let n = h.sim.events().len();
    UpdateSubscription::new(sub.id.clone())
        .cancel_at_period_end(false)
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(h.sim.events().len(), n);

    // Advancing a subscription that cancels at period end ends it, without an invoice.
    UpdateSubscription::new(sub.id.clone())
        .cancel_at_period_end(true)
        .send(&h.client)
        .await
        .unwrap();
    let n = h.sim.events().len();
    let ended = advance(&h, sub.id.as_str(), "succeed").await;
    assert_eq!(ended.status, SubscriptionStatus::Canceled);
    assert_eq!(ended.ended_at, Some(end));
    assert_eq!(period(&ended).1, end);
    assert_eq!(
        ended.latest_invoice.as_ref().unwrap().id(),
        sub.latest_invoice.as_ref().unwrap().id()
    );
    assert_eq!(types_from(&h, n), ["customer.subscription.deleted"]);

    // An ended subscription cannot be advanced or changed.
    let (s, _, v) = h
        .post(
            &format!("/v1/test_helpers/subscriptions/{}/advance", sub.id),
            "",
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["code"], "subscription_canceled");
    let (s, _, _) = h
        .post(
            &format!("/v1/subscriptions/{}", sub.id),
            "cancel_at_period_end=false",
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn advance_renews_fails_and_the_invoice_is_paid_again() {
    let h = start(None).await;
    let price = price(&h, 12_900, CreatePriceRecurringInterval::Month).await;
    let cus = customer(&h).await;
    let sub = new_subscription(&cus, &price)
        .expand(vec!["latest_invoice.confirmation_secret".to_string()])
        .send(&h.client)
        .await
        .unwrap();
    let sub_id = sub.id.to_string();
    // An incomplete subscription has not started.
    let (s, _, v) = h
        .post(
            &format!("/v1/test_helpers/subscriptions/{sub_id}/advance"),
            "",
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let first = latest_invoice(&sub);
    let pi = first
        .confirmation_secret
        .unwrap()
        .client_secret
        .split("_secret_")
        .next()
        .unwrap()
        .to_string();
    let (s, _, v) = h
        .post(
            &format!("/v1/payment_intents/{pi}/confirm"),
            "payment_method=pm_card_visa",
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (start0, end0) = period(&sub);

    // A renewal that succeeds.
    let n = h.sim.events().len();
    let renewed = advance(&h, &sub_id, "succeed").await;
    assert_eq!(renewed.status, SubscriptionStatus::Active);
    let (start1, end1) = period(&renewed);
    assert_eq!(start1, end0);
    assert!(end1 - start1 >= 28 * 86_400 && end1 - start1 <= 31 * 86_400);
    assert!(start1 > start0);
    let inv1 = latest_invoice(&renewed);
    assert_ne!(inv1.id, first.id);
    assert!(inv1.id.as_ref().unwrap().as_str().starts_with("in_"));
    assert_eq!(
        inv1.billing_reason,
        Some(InvoiceBillingReason::SubscriptionCycle)
    );
    assert_eq!(inv1.status, Some(InvoiceStatus::Paid));
    assert_eq!(inv1.amount_paid, 12_900);
    assert_eq!(inv1.lines.data[0].period.start, start1);
    assert_eq!(inv1.lines.data[0].period.end, end1);
    assert_eq!(
        types_from(&h, n),
        [
            "invoice.created",
            "invoice.finalized",
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.succeeded",
            "invoice.paid",
            "invoice.payment_succeeded",
            "customer.subscription.updated",
        ]
    );
    let ev = last_event(&h, "customer.subscription.updated");
    let prev = &ev["data"]["previous_attributes"];
    assert_eq!(prev["items"]["data"][0]["current_period_end"], end0);
    assert_eq!(prev["latest_invoice"], first.id.as_ref().unwrap().as_str());
    assert!(prev.get("status").is_none(), "{prev}");
    assert_eq!(
        ev["data"]["object"]["items"]["data"][0]["current_period_start"],
        end0
    );

    // A renewal that fails: past_due, the invoice stays open.
    let n = h.sim.events().len();
    let failed = advance(&h, &sub_id, "fail").await;
    assert_eq!(failed.status, SubscriptionStatus::PastDue);
    assert_eq!(period(&failed).0, end1);
    let inv2 = latest_invoice(&failed);
    assert_eq!(inv2.status, Some(InvoiceStatus::Open));
    assert_eq!(inv2.attempt_count, 1);
    assert!(inv2.confirmation_secret.is_none());
    assert_eq!(
        types_from(&h, n),
        [
            "invoice.created",
            "invoice.finalized",
            "payment_intent.created",
            "charge.failed",
            "payment_intent.payment_failed",
            "invoice.payment_failed",
            "customer.subscription.updated",
        ]
    );
    let ev = last_event(&h, "customer.subscription.updated");
    assert_eq!(ev["data"]["previous_attributes"]["status"], "active");
    assert_eq!(ev["data"]["object"]["status"], "past_due");

    // The customer pays it again in the browser with another card, through the invoice's
    // confirmation_secret.
    let inv2_id = inv2.id.clone().unwrap();
    let inv = RetrieveInvoice::new(inv2_id.clone())
        .expand(vec![
            "confirmation_secret".to_string(),
            "payments".to_string(),
        ])
        .send(&h.client)
        .await
        .unwrap();
    let secret = inv.confirmation_secret.unwrap();
    assert_eq!(secret.type_, "payment_intent");
    let payments = inv.payments.unwrap();
    assert_eq!(payments.data.len(), 1);
    assert_eq!(payments.data[0].status, "open");
    assert_eq!(payments.data[0].amount_requested, 12_900);
    let pi2 = payments.data[0]
        .payment
        .payment_intent
        .as_ref()
        .unwrap()
        .id()
        .to_string();
    assert!(secret.client_secret.starts_with(&format!("{pi2}_secret_")));
    let pi = RetrievePaymentIntent::new(pi2.as_str())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert!(pi.last_payment_error.is_some());
    let n = h.sim.events().len();
    let (s, v) = browser(
        &h,
        true,
        &format!("/v1/payment_intents/{pi2}/confirm"),
        &secret.client_secret,
        &card("5555555555554444"),
    )
    .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("succeeded")), "{v}");
    let new_pm = v["payment_method"].as_str().unwrap().to_string();
    assert_eq!(
        types_from(&h, n),
        [
            "charge.succeeded",
            "payment_intent.succeeded",
            "invoice.paid",
            "invoice.payment_succeeded",
            "customer.subscription.updated",
        ]
    );
    let ev = last_event(&h, "customer.subscription.updated");
    assert_eq!(ev["data"]["previous_attributes"]["status"], "past_due");
    assert_eq!(
        ev["data"]["previous_attributes"]["default_payment_method"],
        "pm_card_visa"
    );
    let sub = RetrieveSubscription::new(sub_id.as_str())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Active);
    assert_eq!(sub.default_payment_method.unwrap().id().as_str(), new_pm);
    let inv = RetrieveInvoice::new(inv2_id.clone())
        .expand(vec!["payments".to_string()])
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(inv.status, Some(InvoiceStatus::Paid));
    assert_eq!(inv.payments.unwrap().data[0].status, "paid");

    // Fails once more; this time the server pays it with the secret key.
    let failed = advance(&h, &sub_id, "fail").await;
    assert_eq!(failed.status, SubscriptionStatus::PastDue);
    let inv3 = latest_invoice(&failed).id.unwrap();
    let (status, err) = stripe_error(
        PayInvoice::new(inv3.clone())
            .payment_method("pm_card_chargeDeclinedInsufficientFunds")
            .send(&h.client)
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 402);
    assert_eq!(err.decline_code.as_deref(), Some("insufficient_funds"));
    let n = h.sim.events().len();
    let paid = PayInvoice::new(inv3.clone())
        .payment_method("pm_card_visa")
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert_eq!(paid.amount_remaining, 0);
    assert_eq!(
        types_from(&h, n),
        [
            "charge.succeeded",
            "payment_intent.succeeded",
            "invoice.paid",
            "invoice.payment_succeeded",
            "customer.subscription.updated",
        ]
    );
    let sub = RetrieveSubscription::new(sub_id.as_str())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Active);
    let (status, _) = stripe_error(
        PayInvoice::new(inv3)
            .payment_method("pm_card_visa")
            .send(&h.client)
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);

    // Paying without a payment method uses the subscription's default.
    let failed = advance(&h, &sub_id, "fail").await;
    let paid = PayInvoice::new(latest_invoice(&failed).id.unwrap())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
}

#[tokio::test]
async fn advancing_a_trial_charges_the_first_real_invoice() {
    let rx = receiver().await;
    let h = start(Some(rx.url.clone())).await;
    let price = price(&h, 4_900, CreatePriceRecurringInterval::Week).await;
    let cus = customer(&h).await;

    // No card was saved during the trial: the first charge fails.
    let bare = new_subscription(&cus, &price)
        .trial_period_days(7u32)
        .send(&h.client)
        .await
        .unwrap();
    let (_, trial_end) = period(&bare);
    let n = h.sim.events().len();
    let after = advance(&h, bare.id.as_str(), "succeed").await;
    assert_eq!(after.status, SubscriptionStatus::PastDue);
    assert_eq!(period(&after), (trial_end, trial_end + 7 * 86_400));
    assert_eq!(after.trial_end, Some(trial_end));
    let inv = latest_invoice(&after);
    assert_eq!(inv.status, Some(InvoiceStatus::Open));
    assert_eq!(inv.amount_due, 4_900);
    assert_eq!(
        inv.billing_reason,
        Some(InvoiceBillingReason::SubscriptionCycle)
    );
    assert_eq!(
        types_from(&h, n),
        [
            "invoice.created",
            "invoice.finalized",
            "payment_intent.created",
            "invoice.payment_failed",
            "customer.subscription.updated",
        ]
    );
    let ev = last_event(&h, "customer.subscription.updated");
    assert_eq!(ev["data"]["previous_attributes"]["status"], "trialing");

    // With the card saved through the SetupIntent, the trial converts.
    let sub = new_subscription(&cus, &price)
        .trial_period_days(7u32)
        .send(&h.client)
        .await
        .unwrap();
    let seti = sub.pending_setup_intent.as_ref().unwrap().id().to_string();
    confirm_setup_intent(&h, &seti, "payment_method=pm_card_visa")
        .await
        .unwrap();
    let after = advance(&h, sub.id.as_str(), "succeed").await;
    assert_eq!(after.status, SubscriptionStatus::Active);
    let inv = latest_invoice(&after);
    assert_eq!(inv.status, Some(InvoiceStatus::Paid));
    assert_eq!(inv.amount_paid, 4_900);
    let ev = last_event(&h, "customer.subscription.updated");
    assert_eq!(ev["data"]["previous_attributes"]["status"], "trialing");
    assert_eq!(ev["data"]["object"]["status"], "active");

    // Every event of these flows is signed and parses into async-stripe's typed objects.
    h.wait_idle().await;
    let got = rx.received();
    assert_eq!(got.len(), h.sim.events().len());
    let mut kinds = 0;
    for r in &got {
        let ev = Webhook::construct_event(&r.body, &r.signature, WHSEC)
            .unwrap_or_else(|e| panic!("{} did not verify/parse: {e:?}", r.body));
        match ev.data.object {
            EventObject::SetupIntentCreated(_)
            | EventObject::SetupIntentSucceeded(_)
            | EventObject::InvoicePaymentFailed(_)
            | EventObject::InvoicePaid(_)
            | EventObject::CustomerSubscriptionUpdated(_) => kinds += 1,
            _ => {}
        }
    }
    assert!(kinds >= 8, "{kinds}");
}

#[tokio::test]
async fn setup_intent_events_and_declines_parse_as_webhooks() {
    let rx = receiver().await;
    let h = start(Some(rx.url.clone())).await;
    let price = price(&h, 9_900, CreatePriceRecurringInterval::Year).await;
    let cus = customer(&h).await;
    let sub = new_subscription(&cus, &price)
        .trial_period_days(14u32)
        .send(&h.client)
        .await
        .unwrap();
    let seti = sub.pending_setup_intent.as_ref().unwrap().id().to_string();
    confirm_setup_intent(&h, &seti, "payment_method=pm_card_chargeDeclined")
        .await
        .unwrap_err();
    confirm_setup_intent(&h, &seti, "payment_method=pm_card_threeDSecure2Required")
        .await
        .unwrap();
    let (s, _, v) = h
        .post(
            &format!("/v1/setup_intents/{seti}/authenticate"),
            "outcome=complete",
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("succeeded")));
    // A yearly price renews a year later.
    let (_, trial_end) = period(&sub);
    let after = advance(&h, sub.id.as_str(), "succeed").await;
    let (start, end) = period(&after);
    assert_eq!(start, trial_end);
    assert!(end - start >= 365 * 86_400 && end - start <= 366 * 86_400);
    // A card that always asks for 3-D Secure cannot be charged off-session.
    assert_eq!(after.status, SubscriptionStatus::PastDue);
    let failed = last_event(&h, "payment_intent.payment_failed");
    assert_eq!(
        failed["data"]["object"]["last_payment_error"]["code"],
        "authentication_required"
    );

    h.wait_idle().await;
    let types = rx.types();
    for t in [
        "setup_intent.created",
        "setup_intent.setup_failed",
        "setup_intent.requires_action",
        "setup_intent.succeeded",
    ] {
        assert!(types.contains(&t.to_string()), "missing {t}");
    }
    for r in rx.received() {
        let ev = Webhook::construct_event(&r.body, &r.signature, WHSEC)
            .unwrap_or_else(|e| panic!("{} did not verify/parse: {e:?}", r.body));
        if let EventObject::SetupIntentSetupFailed(si) = ev.data.object {
            assert_eq!(si.status, SetupIntentStatus::RequiresPaymentMethod);
            assert!(si.last_setup_error.is_some());
        }
    }
}

/// The simulator reads a shared clock (the app's): moving its offset moves `created`,
/// subscription periods, trial ends and webhook signature timestamps.
#[tokio::test]
async fn timestamps_follow_a_shared_clock() {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;

    const DAY: i64 = 86_400;
    let near = |got: i64, want: i64| assert!((got - want).abs() <= 5, "{got} vs {want}");
    let offset = Arc::new(AtomicI64::new(0));
    let rx = receiver().await;
    let h = start_with_clock(
        Some(rx.url.clone()),
        stripe_sim::SimClock::shared(Arc::clone(&offset)),
    )
    .await;
    offset.store(30 * DAY, Ordering::SeqCst);
    let now = || chrono::Utc::now().timestamp();

    let price = price(&h, 9_900, CreatePriceRecurringInterval::Month).await;
    let cus = customer(&h).await;
    let (_, c) = h.get(&format!("/v1/customers/{cus}")).await;
    near(c["created"].as_i64().unwrap(), now() + 30 * DAY);
    let sub = new_subscription(&cus, &price)
        .trial_period_days(7u32)
        .send(&h.client)
        .await
        .unwrap();
    near(sub.created, now() + 30 * DAY);
    let (start, end) = period(&sub);
    near(start, now() + 30 * DAY);
    assert_eq!(end, start + 7 * DAY);
    assert_eq!(sub.trial_end, Some(end));

    offset.store(40 * DAY, Ordering::SeqCst);
    let pi = CreatePaymentIntent::new(25_000, Currency::SEK)
        .send(&h.client)
        .await
        .unwrap();
    near(pi.created, now() + 40 * DAY);
    near(
        last_event(&h, "payment_intent.created")["created"]
            .as_i64()
            .unwrap(),
        now() + 40 * DAY,
    );

    // Webhook signatures carry the shared clock's time too (`t=…`).
    h.wait_idle().await;
    let sig = rx.received().last().unwrap().signature.clone();
    let t: i64 = sig
        .split(',')
        .find_map(|kv| kv.strip_prefix("t="))
        .unwrap()
        .parse()
        .unwrap();
    near(t, now() + 40 * DAY);
}
