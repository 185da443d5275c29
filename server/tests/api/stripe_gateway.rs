//! The payments gateway against the simulator, through the real async-stripe
//! client and HTTP: every call it makes, retries with the same idempotency
//! key, and how failures are sorted. The simulator is database-agnostic, so
//! these run on SQLite only.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::Value;

use app::backend::payments::gateway::{DestinationCharge, PaymentIntentState, PriceSpec};
use app::backend::payments::{GatewayConfig, GatewayError, StripeGateway};

use crate::helpers::{spawn_app, Backend, TestApp, SIM_SECRET_KEY};

fn gateway(app: &TestApp) -> StripeGateway {
    let mut config = GatewayConfig::new(
        SecretString::from(SIM_SECRET_KEY),
        "pk_test_aveli_simulated".into(),
        Some(app.sim_url("/")),
    );
    config.timeout = Duration::from_millis(1_000);
    config.backoff = Duration::from_millis(20);
    StripeGateway::new(config).expect("gateway")
}

/// A Connect account that can take charges.
async fn onboarded_account(app: &TestApp, stripe: &StripeGateway, teacher_id: &str) -> String {
    let account = stripe
        .create_express_account(teacher_id, "SE", "larare@example.com")
        .await
        .expect("account");
    let response = app
        .sim_post(
            &format!("/v1/test_helpers/accounts/{}/onboard", account.id),
            &[],
        )
        .await;
    assert_eq!(response.status(), 200);
    account.id
}

fn charge<'a>(order_id: &'a str, destination: &'a str) -> DestinationCharge<'a> {
    DestinationCharge {
        order_id,
        amount_cents: 15_000,
        currency: "SEK",
        destination_account: destination,
        application_fee_cents: 3_000,
        receipt_email: "elev@example.com",
        description: "Kvällsyoga",
        metadata: vec![("slot_id", "slot-1".to_owned())],
    }
}

async fn events(app: &TestApp) -> Vec<Value> {
    let body = app.sim_get("/v1/events?limit=100").await;
    body["data"].as_array().cloned().unwrap_or_default()
}

async fn created_events_for(app: &TestApp, kind: &str, metadata_order: &str) -> usize {
    events(app)
        .await
        .iter()
        .filter(|e| {
            e["type"] == kind && e["data"]["object"]["metadata"]["order_id"] == metadata_order
        })
        .count()
}

async fn confirm_with(app: &TestApp, intent: &str, payment_method: &str) -> reqwest::Response {
    app.sim_post(
        &format!("/v1/payment_intents/{intent}/confirm"),
        &[("payment_method", payment_method)],
    )
    .await
}

#[tokio::test]
async fn every_gateway_call_works_against_the_simulator() {
    let app = spawn_app(Backend::Sqlite).await;
    let stripe = gateway(&app);

    // Connect: account, link, retrieve.
    let account = stripe
        .create_express_account("teacher-1", "SE", "larare@example.com")
        .await
        .expect("account");
    assert!(account.id.starts_with("acct_"));
    assert!(!account.charges_enabled && !account.details_submitted);
    assert!(!account.currently_due.is_empty());
    let link = stripe
        .create_onboarding_link(&account.id, "http://x.test/refresh", "http://x.test/return")
        .await
        .expect("link");
    assert!(
        link.contains(&format!("/connect/onboarding/{}", account.id)),
        "{link}"
    );
    let again = stripe
        .create_express_account("teacher-1", "SE", "larare@example.com")
        .await
        .expect("same account");
    assert_eq!(again.id, account.id, "one account per teacher");
    app.sim_post(
        &format!("/v1/test_helpers/accounts/{}/onboard", account.id),
        &[],
    )
    .await;
    let account = stripe
        .retrieve_account(&account.id)
        .await
        .expect("retrieve");
    assert!(account.charges_enabled && account.payouts_enabled && account.details_submitted);

    // A customer, once per user.
    let customer = stripe
        .create_customer("user-1", "elev@example.com", "Stella")
        .await
        .expect("customer");
    assert!(customer.starts_with("cus_"));
    let same = stripe
        .create_customer("user-1", "elev@example.com", "Stella")
        .await
        .expect("customer");
    assert_eq!(same, customer);

    // A destination charge: create, retrieve, pay, refund.
    let intent = stripe
        .create_destination_payment(&charge("order-1", &account.id))
        .await
        .expect("payment intent");
    assert!(intent.id.starts_with("pi_"));
    assert!(intent
        .client_secret
        .starts_with(&format!("{}_secret_", intent.id)));
    assert_eq!(intent.state, PaymentIntentState::RequiresPaymentMethod);
    assert_eq!(
        (intent.amount_cents, intent.currency.as_str()),
        (15_000, "sek")
    );
    assert_eq!(
        intent.metadata.get("order_id").map(String::as_str),
        Some("order-1")
    );
    assert_eq!(
        intent.metadata.get("slot_id").map(String::as_str),
        Some("slot-1")
    );
    assert_eq!(
        confirm_with(&app, &intent.id, "pm_card_visa")
            .await
            .status(),
        200
    );
    let paid = stripe
        .retrieve_payment_intent(&intent.id)
        .await
        .expect("retrieve");
    assert_eq!(paid.state, PaymentIntentState::Succeeded);
    let refund = stripe
        .refund_payment(&intent.id, None, "order-1-refund")
        .await
        .expect("refund");
    assert!(refund.id.starts_with("re_"));
    assert_eq!(
        (refund.amount_cents, refund.status.as_str()),
        (15_000, "succeeded")
    );
    let twice = stripe
        .refund_payment(&intent.id, None, "order-1-refund")
        .await
        .expect("a double click refunds once");
    assert_eq!(twice.id, refund.id);

    // An abandoned one is cancelled.
    let abandoned = stripe
        .create_destination_payment(&charge("order-2", &account.id))
        .await
        .expect("payment intent");
    let cancelled = stripe
        .cancel_payment_intent(&abandoned.id)
        .await
        .expect("cancel");
    assert_eq!(cancelled.state, PaymentIntentState::Canceled);

    // Products and prices by lookup key, idempotently.
    let spec = PriceSpec {
        lookup_key: "membership_monthly_sek",
        product_name: "Aveli membership",
        unit_amount_cents: 19_900,
        currency: "SEK",
        monthly: true,
    };
    let (price, created) = stripe.ensure_price(&spec).await.expect("price");
    assert!(price.starts_with("price_") && created);
    let (again, created) = stripe.ensure_price(&spec).await.expect("price");
    assert_eq!((again.as_str(), created), (price.as_str(), false));

    // A subscription whose first invoice is paid in the Payment Element.
    let subscription = stripe
        .create_subscription(
            &customer,
            &price,
            0,
            Default::default(),
            "membership-user-1",
        )
        .await
        .expect("subscription");
    assert!(subscription.id.starts_with("sub_"));
    assert_eq!(subscription.status, "incomplete");
    let secret = subscription.client_secret.expect("a confirmation secret");
    assert!(secret.contains("_secret_"));
    assert!(subscription.current_period_end.is_some());
    let status = stripe
        .cancel_subscription(&subscription.id)
        .await
        .expect("cancel");
    assert_eq!(status, "canceled");
}

#[tokio::test]
async fn transient_failures_are_retried_with_the_same_key_and_make_one_object() {
    let app = spawn_app(Backend::Sqlite).await;
    let stripe = gateway(&app);
    let account = onboarded_account(&app, &stripe, "teacher-2").await;

    for (order, kind, delay) in [
        ("order-500", "500", None),
        ("order-429", "429", None),
        // The simulator runs the request, then answers after the client gave up.
        ("order-timeout", "timeout", Some("2500")),
    ] {
        let count = if kind == "timeout" { "1" } else { "2" };
        app.stripe_fault(kind, count, "/v1/payment_intents", delay)
            .await;
        let started = std::time::Instant::now();
        let intent = stripe
            .create_destination_payment(&charge(order, &account))
            .await
            .unwrap_or_else(|err| panic!("{kind}: retried to success, got {err}"));
        if kind == "timeout" {
            assert!(
                started.elapsed() >= Duration::from_millis(1_000),
                "the first attempt ran into the 1 s client timeout"
            );
        }
        let again = stripe
            .create_destination_payment(&charge(order, &account))
            .await
            .expect("replay");
        assert_eq!(
            again.id, intent.id,
            "{kind}: the same key gives the same object"
        );
        assert_eq!(
            created_events_for(&app, "payment_intent.created", order).await,
            1,
            "{kind}: exactly one PaymentIntent exists"
        );
    }
}

#[tokio::test]
async fn failures_are_sorted_into_what_callers_can_act_on() {
    let app = spawn_app(Backend::Sqlite).await;
    let stripe = gateway(&app);
    let account = onboarded_account(&app, &stripe, "teacher-3").await;

    // Retries are bounded: three attempts, then Unavailable, and nothing was created.
    app.stripe_fault("500", "3", "/v1/payment_intents", None)
        .await;
    let err = stripe
        .create_destination_payment(&charge("order-down", &account))
        .await
        .expect_err("Stripe stays down");
    assert!(matches!(err, GatewayError::Unavailable(_)), "{err:?}");
    assert_eq!(
        created_events_for(&app, "payment_intent.created", "order-down").await,
        0
    );
    let later = stripe
        .create_destination_payment(&charge("order-down", &account))
        .await
        .expect("works once Stripe is back");
    assert!(later.id.starts_with("pi_"));

    // Permanent refusals are not retried and say what is wrong.
    let mut too_small = charge("order-small", &account);
    too_small.amount_cents = 1;
    too_small.application_fee_cents = 0;
    let err = stripe
        .create_destination_payment(&too_small)
        .await
        .expect_err("below the minimum");
    assert!(
        matches!(&err, GatewayError::Rejected { status: 400, code: Some(code), .. } if code == "amount_too_small"),
        "{err:?}"
    );
    let err = stripe
        .retrieve_payment_intent("pi_doesnotexist000000000000")
        .await
        .expect_err("unknown");
    assert!(matches!(err, GatewayError::NotFound(_)), "{err:?}");

    // A destination that cannot take charges is refused by Stripe, not by us.
    let fresh = stripe
        .create_express_account("teacher-4", "SE", "ny@example.com")
        .await
        .expect("account");
    let err = stripe
        .create_destination_payment(&charge("order-fresh", &fresh.id))
        .await
        .expect_err("not onboarded");
    assert!(
        matches!(err, GatewayError::Rejected { status: 400, .. }),
        "{err:?}"
    );

    // Declines reach the payer's words through the same error type.
    let intent = stripe
        .create_destination_payment(&charge("order-declined", &account))
        .await
        .expect("intent");
    let declined = confirm_with(&app, &intent.id, "pm_card_chargeDeclined").await;
    assert_eq!(declined.status(), 402);
    let body: Value = declined.json().await.expect("json");
    assert_eq!(body["error"]["code"], "card_declined");
    assert_eq!(body["error"]["decline_code"], "generic_decline");
    let after = stripe
        .retrieve_payment_intent(&intent.id)
        .await
        .expect("retrieve");
    assert_eq!(after.state, PaymentIntentState::RequiresPaymentMethod);
    assert_eq!(after.last_error.as_deref(), Some("Your card was declined."));
}

#[tokio::test]
async fn stripe_setup_twice_creates_nothing_new_the_second_time() {
    let app = spawn_app(Backend::Sqlite).await;
    // The gateway `server stripe-setup` builds from its configuration.
    let base = app.sim_url("/");
    let config = server::config::Config::from_lookup(|key| match key {
        "STRIPE_API_BASE" => Some(base.clone()),
        _ => None,
    })
    .expect("config");
    let stripe = server::payments::setup_gateway(&config).expect("gateway");

    let first = app::backend::payments::products::set_up(&stripe)
        .await
        .expect("setup");
    assert_eq!(first.len(), app::backend::payments::products::PRICES.len());
    assert!(first
        .iter()
        .all(|p| p.created && p.price_id.starts_with("price_")));
    let second = app::backend::payments::products::set_up(&stripe)
        .await
        .expect("setup again");
    assert!(second.iter().all(|p| !p.created), "{second:?}");
    let ids = |list: &[app::backend::payments::products::SetUpPrice]| {
        list.iter().map(|p| p.price_id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ids(&second));

    // Without keys and without a simulator to talk to, it says what to do.
    let bare = server::config::Config::from_lookup(|_| None).expect("config");
    let err = server::payments::setup_gateway(&bare).expect_err("refused");
    assert!(err.to_string().contains("STRIPE_API_BASE"), "{err}");
}
