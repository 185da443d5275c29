//! Every object the simulator returns deserializes into async-stripe's type through the real client.

use std::collections::HashMap;

use stripe_billing::invoice::RetrieveInvoice;
use stripe_billing::subscription::{
    CancelSubscription, CreateSubscription, CreateSubscriptionItems,
    CreateSubscriptionPaymentBehavior, RetrieveSubscription, UpdateSubscription,
};
use stripe_connect::account::{CreateAccount, CreateAccountType, RetrieveAccount};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};
use stripe_connect::transfer::RetrieveTransfer;
use stripe_core::charge::RetrieveCharge;
use stripe_core::customer::{CreateCustomer, RetrieveCustomer};
use stripe_core::event::RetrieveEvent;
use stripe_core::payment_intent::{
    CancelPaymentIntent, ConfirmPaymentIntent, CreatePaymentIntent,
    CreatePaymentIntentAutomaticPaymentMethods, CreatePaymentIntentTransferData,
    RetrievePaymentIntent,
};
use stripe_core::refund::{CreateRefund, RetrieveRefund};
use stripe_product::price::{
    CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval, ListPrice,
};
use stripe_product::product::{CreateProduct, RetrieveProduct};
use stripe_shared::{ChargeStatus, InvoiceStatus, PaymentIntentStatus, SubscriptionStatus};
use stripe_types::Currency;

use crate::common::start;

fn api_error(e: stripe::StripeError) -> (u16, String) {
    match e {
        stripe::StripeError::Stripe(err, status) => (
            status,
            err.code.map(|c| c.as_str().to_string()).unwrap_or_default(),
        ),
        other => panic!("expected a Stripe error, got {other:?}"),
    }
}

#[tokio::test]
async fn connect_account_link_and_hosted_onboarding() {
    let h = start(None).await;
    let acct = CreateAccount::new()
        .type_(CreateAccountType::Express)
        .country("SE")
        .email("teacher@example.com")
        .metadata(HashMap::from([("user_id".to_string(), "u1".to_string())]))
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(acct.charges_enabled, Some(false));
    assert_eq!(acct.details_submitted, Some(false));
    assert!(!acct
        .requirements
        .as_ref()
        .unwrap()
        .currently_due
        .as_ref()
        .unwrap()
        .is_empty());

    let link = CreateAccountLink::new(acct.id.as_str(), CreateAccountLinkType::AccountOnboarding)
        .refresh_url("http://aveli.test/refresh")
        .return_url("http://aveli.test/return")
        .send(&h.client)
        .await
        .unwrap();
    assert!(link.url.starts_with(&format!(
        "{}/connect/onboarding/{}",
        h.base,
        acct.id.as_str()
    )));
    assert_eq!(link.expires_at - link.created, 300);

    let page = h.http.get(&link.url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for needle in [
        "Test mode",
        "<html lang=\"en\"",
        "<main>",
        "<h1>",
        "<label for=\"business-name\">Business name</label>",
        ">Submit</button>",
        ">Abandon</button>",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let token = link.url.split("link=").nth(1).unwrap().to_string();
    let post_url = format!("{}/connect/onboarding/{}", h.base, acct.id.as_str());

    // Empty name → re-rendered with an error.
    let r = h
        .http
        .post(&post_url)
        .form(&[
            ("link", token.as_str()),
            ("name", " "),
            ("action", "submit"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Enter your business name"));

    // Abandon → refresh_url, nothing changed.
    let r = h
        .http
        .post(&post_url)
        .form(&[("link", token.as_str()), ("action", "abandon")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "http://aveli.test/refresh");
    let a = RetrieveAccount::new(acct.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(a.charges_enabled, Some(false));

    // Submit → return_url, onboarded.
    let r = h
        .http
        .post(&post_url)
        .form(&[
            ("link", token.as_str()),
            ("name", "Yoga AB"),
            ("action", "submit"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "http://aveli.test/return");
    let a = RetrieveAccount::new(acct.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(a.charges_enabled, Some(true));
    assert_eq!(a.payouts_enabled, Some(true));
    assert_eq!(a.details_submitted, Some(true));
    assert_eq!(a.business_profile.unwrap().name.as_deref(), Some("Yoga AB"));
    assert!(a.requirements.unwrap().currently_due.unwrap().is_empty());

    // Unknown link → 404 page.
    let r = h
        .http
        .get(format!("{post_url}?link=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The account.updated event is a connect event.
    let events = h.sim.events();
    let ev = events
        .iter()
        .find(|e| e["type"] == "account.updated")
        .unwrap();
    assert_eq!(ev["account"], acct.id.as_str());
    assert_eq!(ev["data"]["previous_attributes"]["charges_enabled"], false);
    let ev = RetrieveEvent::new(ev["id"].as_str().unwrap())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(ev.account.as_deref(), Some(acct.id.as_str()));

    // restore_account re-creates an account without events.
    let n = h.sim.events().len();
    h.sim.restore_account(
        "acct_restored000000000000000",
        "demo@example.com",
        true,
        true,
        true,
    );
    let a = RetrieveAccount::new("acct_restored000000000000000")
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(a.charges_enabled, Some(true));
    assert_eq!(h.sim.events().len(), n);
}

#[tokio::test]
async fn destination_charge_transfer_and_refund() {
    let h = start(None).await;
    let acct = h.onboarded_account().await;
    let cus = CreateCustomer::new()
        .email("student@example.com")
        .name("Stu Dent")
        .send(&h.client)
        .await
        .unwrap();
    let cus = RetrieveCustomer::new(cus.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    let cus_id = match cus {
        stripe_core::customer::RetrieveCustomerReturned::Customer(c) => c.id,
        other => panic!("unexpected {other:?}"),
    };

    let pi = CreatePaymentIntent::new(25_000, Currency::SEK)
        .automatic_payment_methods(CreatePaymentIntentAutomaticPaymentMethods::new(true))
        .transfer_data(CreatePaymentIntentTransferData::new(acct.as_str()))
        .application_fee_amount(5_000)
        .receipt_email("student@example.com")
        .statement_descriptor_suffix("YOGA")
        .customer(cus_id.as_str())
        .metadata(HashMap::from([("order_id".to_string(), "o1".to_string())]))
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!(pi.payment_method_types, vec!["card", "paypal", "klarna"]);
    assert!(pi
        .client_secret
        .as_ref()
        .unwrap()
        .starts_with(&format!("{}_secret_", pi.id.as_str())));
    assert_eq!(pi.metadata["order_id"], "o1");

    let again = RetrievePaymentIntent::new(pi.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(again.id, pi.id);

    let done = ConfirmPaymentIntent::new(pi.id.clone())
        .payment_method("pm_card_visa")
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(done.status, PaymentIntentStatus::Succeeded);
    assert_eq!(done.amount_received, 25_000);
    let ch_id = done.latest_charge.unwrap().id().clone();
    let ch = RetrieveCharge::new(ch_id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert!(ch.paid);
    assert_eq!(ch.status, ChargeStatus::Succeeded);
    assert_eq!(ch.application_fee_amount, Some(5_000));
    let details = ch.payment_method_details.unwrap();
    let card = details.card.unwrap();
    assert_eq!(card.last4.as_deref(), Some("4242"));
    assert_eq!(card.brand.as_deref(), Some("visa"));
    let tr_id = ch.transfer.unwrap().id().clone();
    let tr = RetrieveTransfer::new(tr_id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(tr.amount, 20_000);
    assert_eq!(tr.destination.unwrap().id().as_str(), acct.as_str());

    // Confirming again is an unexpected state.
    let err = ConfirmPaymentIntent::new(pi.id.clone())
        .payment_method("pm_card_visa")
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(
        api_error(err),
        (400, "payment_intent_unexpected_state".to_string())
    );
    // So is cancelling a succeeded intent.
    let err = CancelPaymentIntent::new(pi.id.clone())
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(api_error(err).0, 400);

    let re = CreateRefund::new()
        .payment_intent(pi.id.as_str())
        .amount(10_000)
        .reverse_transfer(true)
        .refund_application_fee(true)
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(re.amount, 10_000);
    let re = RetrieveRefund::new(re.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(re.charge.unwrap().id(), &ch_id);
    let ch = RetrieveCharge::new(ch_id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(ch.amount_refunded, 10_000);
    assert!(!ch.refunded);
    let tr = RetrieveTransfer::new(tr_id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(tr.amount_reversed, 8_000);

    // The rest.
    CreateRefund::new()
        .charge(ch_id.as_str())
        .reverse_transfer(true)
        .send(&h.client)
        .await
        .unwrap();
    let ch = RetrieveCharge::new(ch_id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert!(ch.refunded);
    let tr = RetrieveTransfer::new(tr_id).send(&h.client).await.unwrap();
    assert!(tr.reversed);
    let err = CreateRefund::new()
        .payment_intent(pi.id.as_str())
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(api_error(err), (400, "charge_already_refunded".to_string()));

    let types: Vec<String> = h
        .sim
        .events()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    let pos = |t: &str| types.iter().position(|x| x == t).unwrap();
    assert!(pos("charge.succeeded") < pos("payment_intent.succeeded"));
    assert!(pos("payment_intent.succeeded") < pos("transfer.created"));
    assert!(types.contains(&"charge.refunded".to_string()));
    assert!(types.contains(&"refund.created".to_string()));
}

#[tokio::test]
async fn create_validation_and_cancel() {
    let h = start(None).await;
    let err = CreatePaymentIntent::new(100, Currency::SEK)
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(api_error(err), (400, "amount_too_small".to_string()));
    let err = CreatePaymentIntent::new(5_000, Currency::SEK)
        .transfer_data(CreatePaymentIntentTransferData::new("acct_missing"))
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(api_error(err), (400, "resource_missing".to_string()));
    // Not onboarded yet.
    let (_, _, acct) = h.post("/v1/accounts", "type=express").await;
    let err = CreatePaymentIntent::new(5_000, Currency::SEK)
        .transfer_data(CreatePaymentIntentTransferData::new(
            acct["id"].as_str().unwrap(),
        ))
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(
        api_error(err),
        (400, "insufficient_capabilities_for_transfer".to_string())
    );
    let err = RetrievePaymentIntent::new("pi_nope")
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(api_error(err), (404, "resource_missing".to_string()));

    let pi = CreatePaymentIntent::new(5_000, Currency::EUR)
        .send(&h.client)
        .await
        .unwrap();
    let pi = CancelPaymentIntent::new(pi.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::Canceled);
    assert!(pi.canceled_at.is_some());
    let err = ConfirmPaymentIntent::new(pi.id.clone())
        .payment_method("pm_card_visa")
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(
        api_error(err),
        (400, "payment_intent_unexpected_state".to_string())
    );

    // A decline through the client: 402 card_error with the intent attached.
    let pi = CreatePaymentIntent::new(5_000, Currency::SEK)
        .send(&h.client)
        .await
        .unwrap();
    let err = ConfirmPaymentIntent::new(pi.id.clone())
        .payment_method("pm_card_chargeDeclinedInsufficientFunds")
        .send(&h.client)
        .await
        .unwrap_err();
    match err {
        stripe::StripeError::Stripe(e, 402) => {
            assert_eq!(e.decline_code.as_deref(), Some("insufficient_funds"));
            let intent = e.payment_intent.unwrap();
            assert_eq!(intent.status, PaymentIntentStatus::RequiresPaymentMethod);
            assert!(intent.last_payment_error.is_some());
        }
        other => panic!("unexpected {other:?}"),
    }
    let ch = RetrievePaymentIntent::new(pi.id.clone())
        .send(&h.client)
        .await
        .unwrap()
        .latest_charge
        .unwrap();
    let ch = RetrieveCharge::new(ch.id().clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(ch.status, ChargeStatus::Failed);
    // 3-D Secure through the client.
    let pi = ConfirmPaymentIntent::new(pi.id.clone())
        .payment_method("pm_card_authenticationRequired")
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::RequiresAction);
    assert_eq!(pi.next_action.unwrap().type_, "use_stripe_sdk");
}

#[tokio::test]
async fn products_prices_subscriptions_invoices_events() {
    let h = start(None).await;
    let prod = CreateProduct::new("Membership")
        .send(&h.client)
        .await
        .unwrap();
    let prod = RetrieveProduct::new(prod.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    let price = CreatePrice::new(Currency::SEK)
        .product(prod.id.as_str())
        .unit_amount(9_900)
        .recurring(CreatePriceRecurring::new(
            CreatePriceRecurringInterval::Month,
        ))
        .lookup_key("membership_monthly")
        .send(&h.client)
        .await
        .unwrap();
    let found = ListPrice::new()
        .lookup_keys(vec!["membership_monthly".to_string()])
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(found.data.len(), 1);
    assert_eq!(found.data[0].id, price.id);
    let err = CreatePrice::new(Currency::SEK)
        .product(prod.id.as_str())
        .unit_amount(9_900)
        .recurring(CreatePriceRecurring::new(
            CreatePriceRecurringInterval::Month,
        ))
        .lookup_key("membership_monthly")
        .send(&h.client)
        .await
        .unwrap_err();
    assert_eq!(api_error(err).0, 400);
    let price2 = CreatePrice::new(Currency::SEK)
        .product(prod.id.as_str())
        .unit_amount(12_900)
        .recurring(CreatePriceRecurring::new(
            CreatePriceRecurringInterval::Month,
        ))
        .lookup_key("membership_monthly")
        .transfer_lookup_key(true)
        .send(&h.client)
        .await
        .unwrap();
    let found = ListPrice::new()
        .lookup_keys(vec!["membership_monthly".to_string()])
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(found.data[0].id, price2.id);

    let cus = CreateCustomer::new()
        .email("m@example.com")
        .send(&h.client)
        .await
        .unwrap();
    let sub = CreateSubscription::new()
        .customer(cus.id.as_str())
        .items(vec![CreateSubscriptionItems {
            price: Some(price2.id.to_string()),
            ..CreateSubscriptionItems::new()
        }])
        .payment_behavior(CreateSubscriptionPaymentBehavior::DefaultIncomplete)
        .expand(vec!["latest_invoice.confirmation_secret".to_string()])
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Incomplete);
    let item = &sub.items.data[0];
    assert!(item.current_period_end > item.current_period_start);
    let invoice = sub
        .latest_invoice
        .as_ref()
        .unwrap()
        .as_object()
        .unwrap()
        .clone();
    assert_eq!(invoice.status, Some(InvoiceStatus::Open));
    assert_eq!(invoice.amount_due, 12_900);
    let secret = invoice.confirmation_secret.unwrap();
    assert_eq!(secret.type_, "payment_intent");
    let pi_id = secret
        .client_secret
        .split("_secret_")
        .next()
        .unwrap()
        .to_string();

    let pi = ConfirmPaymentIntent::new(pi_id.as_str())
        .payment_method("pm_card_visa")
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::Succeeded);
    let sub2 = RetrieveSubscription::new(sub.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(sub2.status, SubscriptionStatus::Active);
    assert!(!sub2.latest_invoice.as_ref().unwrap().is_object());
    let inv = RetrieveInvoice::new(invoice.id.clone().unwrap())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(inv.status, Some(InvoiceStatus::Paid));
    assert!(inv.confirmation_secret.is_none());

    let sub3 = UpdateSubscription::new(sub.id.clone())
        .cancel_at_period_end(true)
        .send(&h.client)
        .await
        .unwrap();
    assert!(sub3.cancel_at_period_end);
    assert!(sub3.cancel_at.is_some());
    let sub4 = CancelSubscription::new(sub.id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(sub4.status, SubscriptionStatus::Canceled);

    // Every recorded event deserializes as an async-stripe Event.
    let types: Vec<String> = h
        .sim
        .events()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    for t in [
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ] {
        assert!(types.contains(&t.to_string()), "missing {t}");
    }
    for e in h.sim.events() {
        let ev: stripe_shared::Event = RetrieveEvent::new(e["id"].as_str().unwrap())
            .send(&h.client)
            .await
            .unwrap();
        assert_eq!(ev.id.as_str(), e["id"].as_str().unwrap());
    }
}
