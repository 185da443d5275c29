//! Raw-HTTP behaviour: auth, headers, idempotency, faults, browser endpoints, test cards.

use std::time::Duration;

use serde_json::Value;
use stripe_core::customer::CreateCustomer;

use crate::common::{start, Harness, PK, SK};

#[tokio::test]
async fn auth_and_headers() {
    let h = start(None).await;
    let r = h
        .http
        .get(format!("{}/v1/customers/cus_x", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = h
        .http
        .get(format!("{}/v1/customers/cus_x", h.base))
        .bearer_auth("sk_test_wrongkey1234")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["stripe-should-retry"], "false");
    assert!(r.headers()["request-id"]
        .to_str()
        .unwrap()
        .starts_with("req_"));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Invalid API Key provided: sk_test_****"));
    // The publishable key cannot call secret endpoints.
    let r = h
        .http
        .get(format!("{}/v1/customers/cus_x", h.base))
        .bearer_auth(PK)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let (s, v) = h.get("/v1/customers/cus_x?").await;
    assert_eq!(s, 404);
    assert_eq!(v["error"]["message"], "No such customer: 'cus_x'");
    // v3.js
    let r = h
        .http
        .get(format!("{}/v3.js", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(r.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn idempotent_replay_and_conflict() {
    let h = start(None).await;
    let key = [("Idempotency-Key", "order-1")];
    let (s1, h1, b1) = h
        .post_with("/v1/customers", "email=a%40example.com&metadata[x]=1", &key)
        .await;
    assert_eq!(s1, 200);
    assert!(h1.get("idempotent-replayed").is_none());
    let (s2, h2, b2) = h
        .post_with("/v1/customers", "metadata[x]=1&email=a%40example.com", &key)
        .await;
    assert_eq!(s2, 200);
    assert_eq!(h2["idempotent-replayed"], "true");
    assert_eq!(b1, b2);
    assert_eq!(h1["request-id"], h2["request-id"]);
    let (s3, _, b3) = h
        .post_with("/v1/customers", "email=b%40example.com", &key)
        .await;
    assert_eq!(s3, 400);
    assert_eq!(b3["error"]["type"], "idempotency_error");
    // Errors are replayed too.
    let k2 = [("Idempotency-Key", "pi-1")];
    let (s4, _, b4) = h
        .post_with("/v1/payment_intents", "amount=10&currency=sek", &k2)
        .await;
    let (s5, h5, b5) = h
        .post_with("/v1/payment_intents", "amount=10&currency=sek", &k2)
        .await;
    assert_eq!((s4, s5), (400, 400));
    assert_eq!(b4, b5);
    assert_eq!(h5["idempotent-replayed"], "true");
    assert_eq!(b4["error"]["code"], "amount_too_small");
}

#[tokio::test]
async fn injected_faults() {
    let h = start(None).await;
    let (s, _, v) = h
        .post(
            "/v1/test_helpers/faults",
            "kind=500&count=1&path=/v1/customers",
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["pending"].as_array().unwrap().len(), 1);
    // Through the real client: first call fails with 500, the next succeeds.
    let err = CreateCustomer::new().send(&h.client).await.unwrap_err();
    assert!(
        matches!(err, stripe::StripeError::Stripe(_, 500)),
        "{err:?}"
    );
    CreateCustomer::new().send(&h.client).await.unwrap();

    // 429 with Stripe-Should-Retry: true, nothing stored for the idempotency key.
    h.post("/v1/test_helpers/faults", "kind=429&count=1").await;
    let key = [("Idempotency-Key", "k429")];
    let (s, hd, v) = h
        .post_with("/v1/customers", "email=x%40example.com", &key)
        .await;
    assert_eq!(s, 429);
    assert_eq!(hd["stripe-should-retry"], "true");
    assert_eq!(v["error"]["code"], "rate_limit");
    let (s, hd, _) = h
        .post_with("/v1/customers", "email=x%40example.com", &key)
        .await;
    assert_eq!(s, 200);
    assert!(hd.get("idempotent-replayed").is_none());

    // A retrying client gets through a 500.
    h.post("/v1/test_helpers/faults", "kind=500&count=2").await;
    let retrying = stripe::ClientBuilder::new(SK)
        .url(format!("{}/", h.base))
        .request_strategy(stripe::RequestStrategy::Retry(3))
        .build()
        .unwrap();
    CreateCustomer::new().send(&retrying).await.unwrap();

    // Timeout: the endpoint runs, the answer is held; the retry with the key is a replay.
    h.post(
        "/v1/test_helpers/faults",
        "kind=timeout&count=1&delay_ms=2000",
    )
    .await;
    let slow = h
        .http
        .post(format!("{}/v1/customers", h.base))
        .bearer_auth(SK)
        .header("Idempotency-Key", "slow")
        .form(&[("email", "slow@example.com")])
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(slow.is_err());
    let (s, hd, v) = h
        .post_with(
            "/v1/customers",
            "email=slow%40example.com",
            &[("Idempotency-Key", "slow")],
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(hd["idempotent-replayed"], "true");
    assert!(v["id"].as_str().unwrap().starts_with("cus_"));

    let r = h
        .http
        .delete(format!("{}/v1/test_helpers/faults", h.base))
        .bearer_auth(SK)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn new_intent(h: &Harness, currency: &str) -> (String, String) {
    let (s, _, pi) = h
        .post(
            "/v1/payment_intents",
            &format!("amount=5000&currency={currency}&automatic_payment_methods[enabled]=true"),
        )
        .await;
    assert_eq!(s, 200, "{pi}");
    (
        pi["id"].as_str().unwrap().to_string(),
        pi["client_secret"].as_str().unwrap().to_string(),
    )
}

/// Confirms like the Stripe.js stand-in: publishable key + client_secret in the body.
async fn browser_confirm(h: &Harness, pi: &str, cs: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form: Vec<(&str, &str)> = vec![("key", PK), ("client_secret", cs)];
    form.extend_from_slice(extra);
    let r = h
        .http
        .post(format!("{}/v1/payment_intents/{pi}/confirm", h.base))
        .form(&form)
        .send()
        .await
        .unwrap();
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

#[tokio::test]
async fn test_cards_through_payment_method_data() {
    let h = start(None).await;

    let (pi, cs) = new_intent(&h, "sek").await;
    // Browser retrieve.
    let r = h
        .http
        .get(format!(
            "{}/v1/payment_intents/{pi}?key={PK}&client_secret={cs}",
            h.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = h
        .http
        .get(format!(
            "{}/v1/payment_intents/{pi}?key={PK}&client_secret=wrong",
            h.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let (s, v) = browser_confirm(&h, &pi, &cs, &card("4242 4242 4242 4242")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "succeeded");

    // Any other Luhn-valid number succeeds.
    let (pi, cs) = new_intent(&h, "sek").await;
    let (s, v) = browser_confirm(&h, &pi, &cs, &card("5555555555554444")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("succeeded")));

    for (number, decline, message) in [
        (
            "4000000000000002",
            "generic_decline",
            "Your card was declined.",
        ),
        (
            "4000000000009995",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
    ] {
        let (pi, cs) = new_intent(&h, "sek").await;
        let (s, v) = browser_confirm(&h, &pi, &cs, &card(number)).await;
        assert_eq!(s, 402, "{v}");
        assert_eq!(v["error"]["type"], "card_error");
        assert_eq!(v["error"]["code"], "card_declined");
        assert_eq!(v["error"]["decline_code"], decline);
        assert_eq!(v["error"]["message"], message);
        assert_eq!(
            v["error"]["payment_intent"]["status"],
            "requires_payment_method"
        );
        assert_eq!(
            v["error"]["payment_intent"]["last_payment_error"]["decline_code"],
            decline
        );
    }

    // Luhn failure, expired card, bad cvc.
    let (pi, cs) = new_intent(&h, "sek").await;
    let (s, v) = browser_confirm(&h, &pi, &cs, &card("4242424242424241")).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (402, Some("incorrect_number"))
    );
    let mut expired = card("4242424242424242");
    expired[3].1 = "2020";
    let (s, v) = browser_confirm(&h, &pi, &cs, &expired).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (402, Some("invalid_expiry_year"))
    );
    let mut bad_cvc = card("4242424242424242");
    bad_cvc[4].1 = "12";
    let (s, v) = browser_confirm(&h, &pi, &cs, &bad_cvc).await;
    assert_eq!((s, v["error"]["code"].as_str()), (402, Some("invalid_cvc")));

    // 3-D Secure: requires_action, then authenticate complete / fail.
    let (pi, cs) = new_intent(&h, "sek").await;
    let (s, v) = browser_confirm(&h, &pi, &cs, &card("4000002760003184")).await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "requires_action");
    assert_eq!(v["next_action"]["type"], "use_stripe_sdk");
    assert_eq!(
        v["next_action"]["use_stripe_sdk"]["type"],
        "three_d_secure_redirect"
    );
    assert_eq!(
        v["next_action"]["use_stripe_sdk"]["stripe_js"],
        format!("{}/3ds/{pi}", h.base)
    );
    let auth = |outcome: &'static str, pi: String, cs: String| {
        let h = &h;
        async move {
            let r = h
                .http
                .post(format!("{}/v1/payment_intents/{pi}/authenticate", h.base))
                .form(&[
                    ("key", PK),
                    ("client_secret", cs.as_str()),
                    ("outcome", outcome),
                ])
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s, v) = auth("fail", pi.clone(), cs.clone()).await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "requires_payment_method");
    assert_eq!(
        v["last_payment_error"]["code"],
        "payment_intent_authentication_failure"
    );
    let (s, v) = browser_confirm(&h, &pi, &cs, &card("4000002760003184")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("requires_action")));
    let (s, v) = auth("complete", pi.clone(), cs.clone()).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("succeeded")));
}

#[tokio::test]
async fn paypal_and_klarna_redirects() {
    let h = start(None).await;
    let (pi, cs) = new_intent(&h, "sek").await;
    // return_url is required.
    let (s, _) = browser_confirm(&h, &pi, &cs, &[("payment_method_data[type]", "paypal")]).await;
    assert_eq!(s, 400);
    let (s, v) = browser_confirm(
        &h,
        &pi,
        &cs,
        &[
            ("payment_method_data[type]", "paypal"),
            ("return_url", "http://aveli.test/done?order=1"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "requires_action");
    assert_eq!(v["next_action"]["type"], "redirect_to_url");
    let url = v["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(url, format!("{}/redirect/{pi}?client_secret={cs}", h.base));
    let html = h.http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Test mode") && html.contains("PayPal") && html.contains("50.00 SEK"));
    assert!(html.contains(">Approve payment</button>") && html.contains(">Decline</button>"));
    let r = h
        .http
        .post(format!("{}/redirect/{pi}", h.base))
        .form(&[("client_secret", cs.as_str()), ("outcome", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("http://aveli.test/done?order=1&payment_intent={pi}&payment_intent_client_secret={cs}&redirect_status=succeeded")
    );
    let (_, v) = h.get(&format!("/v1/payment_intents/{pi}")).await;
    assert_eq!(v["status"], "succeeded");

    // Klarna, declined.
    let (pi, cs) = new_intent(&h, "eur").await;
    let (s, _) = browser_confirm(
        &h,
        &pi,
        &cs,
        &[
            ("payment_method_data[type]", "klarna"),
            ("return_url", "http://aveli.test/done"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    let r = h
        .http
        .post(format!("{}/redirect/{pi}", h.base))
        .form(&[("client_secret", cs.as_str()), ("outcome", "decline")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=failed"));
    let (_, v) = h.get(&format!("/v1/payment_intents/{pi}")).await;
    assert_eq!(v["status"], "requires_payment_method");
    assert!(v["last_payment_error"].is_object());

    // Klarna is not offered in an unsupported currency.
    let (pi, cs) = new_intent(&h, "jpy").await;
    let (s, v) = browser_confirm(
        &h,
        &pi,
        &cs,
        &[
            ("payment_method_data[type]", "klarna"),
            ("return_url", "http://aveli.test/done"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], "payment_method_unactivated");
}

/// Asserts that `obj` (named `what`) has every key in `keys`.
fn assert_keys(what: &str, obj: &Value, keys: &[&str]) {
    let map = obj
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {obj}"));
    let missing: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| !map.contains_key(*k))
        .collect();
    assert!(missing.is_empty(), "{what} lacks {missing:?}: {obj}");
}

/// Asserts that each of `keys` is present in `obj` with the value `null`.
fn assert_null_keys(what: &str, obj: &Value, keys: &[&str]) {
    for k in keys {
        assert_eq!(obj.get(*k), Some(&Value::Null), "{what}.{k} in {obj}");
    }
}

/// Stripe sends every field of an object, a nullable one as `null`: PaymentIntent, Refund,
/// Product and Subscription carry all the fields Stripe's OpenAPI spec always returns.
#[tokio::test]
async fn objects_carry_every_always_present_field() {
    let h = start(None).await;
    let (s, _, cus) = h.post("/v1/customers", "email=f%40example.com").await;
    assert_eq!(s, 200, "{cus}");
    let cus = cus["id"].as_str().unwrap().to_string();

    // PaymentIntent (succeeded, so it can be refunded).
    let (s, _, pi) = h
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=5000&currency=sek&customer={cus}&payment_method=pm_card_visa&confirm=true"
            ),
        )
        .await;
    assert_eq!((s, pi["status"].as_str()), (200, Some("succeeded")), "{pi}");
    assert_keys(
        "payment_intent",
        &pi,
        &[
            "id",
            "object",
            "amount",
            "amount_capturable",
            "amount_details",
            "amount_received",
            "application",
            "application_fee_amount",
            "automatic_payment_methods",
            "canceled_at",
            "cancellation_reason",
            "capture_method",
            "client_secret",
            "confirmation_method",
            "created",
            "currency",
            "customer",
            "customer_account",
            "description",
            "excluded_payment_method_types",
            "last_payment_error",
            "latest_charge",
            "livemode",
            "managed_payments",
            "metadata",
            "next_action",
            "on_behalf_of",
            "payment_method",
            "payment_method_configuration_details",
            "payment_method_options",
            "payment_method_types",
            "processing",
            "receipt_email",
            "review",
            "setup_future_usage",
            "shipping",
            "source",
            "statement_descriptor",
            "statement_descriptor_suffix",
            "status",
            "transfer_data",
            "transfer_group",
        ],
    );
    assert_null_keys(
        "payment_intent",
        &pi,
        &["customer_account", "managed_payments"],
    );
    let pi_id = pi["id"].as_str().unwrap().to_string();

    // Refund of that PaymentIntent: customer and payment method come from its charge.
    let (s, _, re) = h
        .post("/v1/refunds", &format!("payment_intent={pi_id}"))
        .await;
    assert_eq!(s, 200, "{re}");
    assert_keys(
        "refund",
        &re,
        &[
            "id",
            "object",
            "amount",
            "balance_transaction",
            "charge",
            "created",
            "currency",
            "customer",
            "customer_account",
            "destination_details",
            "metadata",
            "payment_intent",
            "payment_method",
            "reason",
            "receipt_number",
            "source_transfer_reversal",
            "status",
            "transfer_reversal",
        ],
    );
    assert_null_keys("refund", &re, &["customer_account"]);
    assert_eq!(re["customer"], cus.as_str());
    assert_eq!(re["payment_method"], "pm_card_visa");
    let (_, stored) = h
        .get(&format!("/v1/refunds/{}", re["id"].as_str().unwrap()))
        .await;
    assert_eq!(stored, re);
    // Where the money goes back to is an object, as Stripe sends it.
    assert_eq!(re["destination_details"]["type"], "card");
    assert_eq!(
        re["destination_details"]["card"]["reference_status"],
        "pending"
    );
    // GET /v1/refunds lists it, filtered by PaymentIntent, newest first.
    let (s, listed) = h.get(&format!("/v1/refunds?payment_intent={pi_id}")).await;
    assert_eq!(s, 200, "{listed}");
    assert_eq!(listed["object"], "list");
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["data"][0]["id"], re["id"]);
    let (_, other) = h.get("/v1/refunds?payment_intent=pi_none").await;
    assert_eq!(other["data"].as_array().map(Vec::len), Some(0));

    // Product.
    let (s, _, prod) = h.post("/v1/products", "name=Membership").await;
    assert_eq!(s, 200, "{prod}");
    assert_keys(
        "product",
        &prod,
        &[
            "id",
            "object",
            "active",
            "created",
            "default_price",
            "description",
            "images",
            "livemode",
            "marketing_features",
            "metadata",
            "name",
            "package_dimensions",
            "shippable",
            "statement_descriptor",
            "tax_code",
            "type",
            "unit_label",
            "updated",
            "url",
        ],
    );

    // Subscription.
    let prod = prod["id"].as_str().unwrap();
    let (s, _, price) = h
        .post(
            "/v1/prices",
            &format!("currency=sek&unit_amount=9900&recurring[interval]=month&product={prod}"),
        )
        .await;
    assert_eq!(s, 200, "{price}");
    let price = price["id"].as_str().unwrap();
    let (s, _, sub) = h
        .post(
            "/v1/subscriptions",
            &format!("customer={cus}&items[0][price]={price}"),
        )
        .await;
    assert_eq!(s, 200, "{sub}");
    assert_keys(
        "subscription",
        &sub,
        &[
            "id",
            "object",
            "application",
            "application_fee_percent",
            "automatic_tax",
            "billing_cycle_anchor",
            "billing_cycle_anchor_config",
            "billing_mode",
            "billing_schedules",
            "billing_thresholds",
            "cancel_at",
            "cancel_at_period_end",
            "canceled_at",
            "cancellation_details",
            "collection_method",
            "created",
            "currency",
            "customer",
            "customer_account",
            "days_until_due",
            "default_payment_method",
            "default_source",
            "default_tax_rates",
            "description",
            "discounts",
            "ended_at",
            "invoice_settings",
            "items",
            "latest_invoice",
            "livemode",
            "managed_payments",
            "metadata",
            "next_pending_invoice_item_invoice",
            "on_behalf_of",
            "pause_collection",
            "payment_settings",
            "pending_invoice_item_interval",
            "pending_setup_intent",
            "pending_update",
            "schedule",
            "start_date",
            "status",
            "test_clock",
            "transfer_data",
            "trial_end",
            "trial_settings",
            "trial_start",
        ],
    );
    assert_null_keys(
        "subscription",
        &sub,
        &["customer_account", "managed_payments"],
    );
    assert_null_keys(
        "subscription.billing_mode",
        &sub["billing_mode"],
        &["flexible"],
    );
    assert_eq!(sub["billing_mode"]["type"], "classic");
    assert_null_keys(
        "subscription.invoice_settings",
        &sub["invoice_settings"],
        &["custom_fields", "description", "footer"],
    );
    let (_, stored) = h
        .get(&format!(
            "/v1/subscriptions/{}",
            sub["id"].as_str().unwrap()
        ))
        .await;
    assert_null_keys(
        "stored subscription",
        &stored,
        &["customer_account", "managed_payments"],
    );
}
