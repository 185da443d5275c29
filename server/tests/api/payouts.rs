//! A teacher's payouts (issue 16, section 6): the simulator pays out a
//! connected account's balance and tells us with `payout.*` Connect events;
//! `/api/v1/studio/payouts` shows each payout with the sales it held, to its
//! own teacher only. Payout settings reach Stripe's account; the Express
//! dashboard link needs a finished payout account.

use serde_json::{json, Value};
use stripe_webhook::Webhook;

use crate::helpers::{
    checkout, json, pay, slot_for_sale_by, spawn_app, Backend, TestApp, CONNECT_WEBHOOK_SECRET,
};
use crate::on_both_databases;

on_both_databases!(
    a_payout_holds_the_sales_since_the_previous_one,
    a_failed_payout_shows_why_and_the_next_one_pays_its_sales,
    a_teacher_sees_only_their_own_payouts,
    payout_events_need_the_connect_signature,
    payout_settings_reach_stripe_and_bad_ones_change_nothing,
    the_dashboard_link_needs_a_finished_payout_account,
    the_demo_teacher_has_payouts_offline,
);

const PAYOUTS: &str = "/api/v1/studio/payouts";

/// A new teacher with an active payout account; (client, account id).
async fn onboarded_teacher(app: &TestApp) -> (reqwest::Client, String) {
    let teacher = app.new_teacher_without_payouts().await;
    let account = app.onboard(&teacher).await;
    (teacher, account)
}

/// A paid booking of `slot` by a new student; the order id.
async fn paid_order_on(app: &TestApp, slot: &str) -> String {
    let student = app.new_user().await;
    let started = json(checkout(app, &student, slot).await).await;
    let order = started["order_id"].as_str().expect("order").to_owned();
    assert_eq!(pay(app, &started, "pm_card_visa").await, 200);
    app.eventually(|| async {
        app.get_json(&student, &format!("/api/v1/orders/{order}"))
            .await["status"]
            == "paid"
    })
    .await;
    app.webhooks_settled().await;
    order
}

async fn teacher_share(app: &TestApp, order: &str) -> i64 {
    sqlx::query_scalar("SELECT amount_cents - application_fee_cents FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(app.db.pool())
        .await
        .expect("order")
}

/// Makes the simulator pay out the account's balance (`paid` or `failed`)
/// and waits until the teacher sees `count` payouts, the newest settled.
async fn pay_out(
    app: &TestApp,
    teacher: &reqwest::Client,
    account: &str,
    outcome: &str,
    count: usize,
) -> Vec<Value> {
    let response = app
        .sim_post(
            &format!("/v1/test_helpers/accounts/{account}/payout"),
            &[("outcome", outcome)],
        )
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    app.eventually(|| async {
        let payouts = app.get_json(teacher, PAYOUTS).await;
        payouts.as_array().is_some_and(|list| list.len() == count)
            && payouts[0]["status"] == outcome
    })
    .await;
    app.webhooks_settled().await;
    let payouts = app.get_json(teacher, PAYOUTS).await;
    payouts.as_array().expect("a list").clone()
}

fn order_ids(payout: &Value) -> Vec<String> {
    payout["sales"]
        .as_array()
        .expect("sales")
        .iter()
        .map(|sale| sale["order_id"].as_str().expect("order id").to_owned())
        .collect()
}

async fn a_payout_holds_the_sales_since_the_previous_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, account) = onboarded_teacher(&app).await;
    let slot = slot_for_sale_by(&app, &teacher, 15_000, 10, 48).await;
    let first = paid_order_on(&app, &slot).await;
    let second = paid_order_on(&app, &slot).await;
    let shares = teacher_share(&app, &first).await + teacher_share(&app, &second).await;

    let payouts = pay_out(&app, &teacher, &account, "paid", 1).await;
    let payout = &payouts[0];
    assert!(payout["id"]
        .as_str()
        .is_some_and(|id| id.starts_with("po_")));
    assert_eq!(payout["status"], "paid");
    assert_eq!(payout["amount_cents"], shares);
    assert_eq!(payout["currency"], "SEK");
    assert_eq!(payout["failure_message"], Value::Null);
    assert!(payout["arrival_date"].as_str().is_some());
    let mut held = order_ids(payout);
    held.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(held, expected);
    let sale = &payout["sales"][0];
    assert_eq!(sale["title"], "Kvällsyoga");
    assert_eq!(sale["amount_cents"], 15_000);
    assert_eq!(
        sale["teacher_share_cents"].as_i64().expect("share")
            + sale["fee_cents"].as_i64().expect("fee"),
        15_000
    );
    assert_eq!(sale["refunded_cents"], 0);
    assert!(sale["paid_at"].as_str().is_some());

    // Time passes; a third sale, then the next payout holds only it.
    app.advance_clock(60);
    let third = paid_order_on(&app, &slot).await;
    let payouts = pay_out(&app, &teacher, &account, "paid", 2).await;
    assert_eq!(order_ids(&payouts[0]), vec![third.clone()]);
    assert_eq!(
        payouts[0]["amount_cents"],
        teacher_share(&app, &third).await
    );
    assert_eq!(payouts[1]["id"], payout["id"], "newest first");
    assert_eq!(order_ids(&payouts[1]).len(), 2);

    // The simulator's balance transactions agree on what the payout held.
    let transactions = app
        .bare_client()
        .get(app.sim_url(&format!(
            "/v1/balance_transactions?payout={}",
            payouts[0]["id"].as_str().expect("id")
        )))
        .bearer_auth(crate::helpers::SIM_SECRET_KEY)
        .header("Stripe-Account", &account)
        .send()
        .await
        .expect("simulator request")
        .json::<Value>()
        .await
        .expect("json");
    let payments: Vec<&Value> = transactions["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter(|txn| txn["type"] == "payment")
        .collect();
    assert_eq!(payments.len(), 1, "{transactions}");
    assert_eq!(payments[0]["amount"], payouts[0]["amount_cents"]);
}

async fn a_failed_payout_shows_why_and_the_next_one_pays_its_sales(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, account) = onboarded_teacher(&app).await;
    let slot = slot_for_sale_by(&app, &teacher, 15_000, 10, 48).await;
    let order = paid_order_on(&app, &slot).await;
    let share = teacher_share(&app, &order).await;

    let payouts = pay_out(&app, &teacher, &account, "failed", 1).await;
    assert_eq!(payouts[0]["status"], "failed");
    assert_eq!(
        payouts[0]["failure_message"],
        "The bank account has been closed."
    );
    assert_eq!(payouts[0]["amount_cents"], share);
    assert_eq!(order_ids(&payouts[0]), vec![order.clone()]);

    // The money went back to the balance: the next payout pays the same sale.
    app.advance_clock(60);
    let payouts = pay_out(&app, &teacher, &account, "paid", 2).await;
    assert_eq!(payouts[0]["status"], "paid");
    assert_eq!(payouts[0]["amount_cents"], share);
    assert_eq!(order_ids(&payouts[0]), vec![order]);
    assert_eq!(payouts[1]["status"], "failed");
}

async fn a_teacher_sees_only_their_own_payouts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, account) = onboarded_teacher(&app).await;
    let slot = slot_for_sale_by(&app, &teacher, 15_000, 10, 48).await;
    paid_order_on(&app, &slot).await;
    pay_out(&app, &teacher, &account, "paid", 1).await;

    let (other, _) = onboarded_teacher(&app).await;
    assert_eq!(app.get_json(&other, PAYOUTS).await, json!([]));
    let without_account = app.new_teacher_without_payouts().await;
    assert_eq!(app.get_json(&without_account, PAYOUTS).await, json!([]));
    let student = app.new_user().await;
    assert_eq!(app.get(&student, PAYOUTS).await.status(), 403);
    assert_eq!(app.get(&app.bare_client(), PAYOUTS).await.status(), 401);
    assert_eq!(
        app.get_json(&teacher, PAYOUTS)
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

fn payout_paid_event(event_id: &str, account: &str, payout_id: &str, now: i64) -> String {
    json!({
        "id": event_id,
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": now,
        "account": account,
        "data": { "object": {
            "id": payout_id,
            "object": "payout",
            "amount": 12_345,
            "application_fee": null,
            "application_fee_amount": null,
            "arrival_date": now + 2 * 86_400,
            "automatic": true,
            "balance_transaction": "txn_test_forged",
            "created": now,
            "currency": "sek",
            "description": "STRIPE PAYOUT",
            "destination": null,
            "failure_balance_transaction": null,
            "failure_code": null,
            "failure_message": null,
            "livemode": false,
            "metadata": {},
            "method": "standard",
            "original_payout": null,
            "payout_method": null,
            "reconciliation_status": "completed",
            "reversed_by": null,
            "source_type": "card",
            "statement_descriptor": null,
            "status": "paid",
            "trace_id": null,
            "type": "bank_account",
        }},
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": "payout.paid",
    })
    .to_string()
}

async fn stored_payouts(app: &TestApp, id: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM payouts WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("count")
}

async fn deliver(app: &TestApp, payload: &str, secret: &str) -> reqwest::Response {
    let signature = Webhook::generate_test_header(payload, secret, Some(app.state.clock.now()));
    app.bare_client()
        .post(app.url("/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(payload.to_owned())
        .send()
        .await
        .expect("request")
}

async fn payout_events_need_the_connect_signature(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, account) = onboarded_teacher(&app).await;
    let payload = payout_paid_event(
        "evt_test_payout_paid",
        &account,
        "po_test_signed",
        app.state.clock.now(),
    );

    let refused = deliver(&app, &payload, "whsec_wrong").await;
    assert_eq!(refused.status(), 400);
    app.webhooks_settled().await;
    assert_eq!(stored_payouts(&app, "po_test_signed").await, 0);
    assert_eq!(app.get_json(&teacher, PAYOUTS).await, json!([]));

    let accepted = deliver(&app, &payload, CONNECT_WEBHOOK_SECRET).await;
    assert_eq!(accepted.status(), 200);
    app.webhooks_settled().await;
    assert_eq!(stored_payouts(&app, "po_test_signed").await, 1);
    let payouts = app.get_json(&teacher, PAYOUTS).await;
    assert_eq!(payouts[0]["id"], "po_test_signed");
    assert_eq!(payouts[0]["status"], "paid");
    assert_eq!(payouts[0]["amount_cents"], 12_345);
    assert_eq!(payouts[0]["sales"], json!([]));
}

async fn save_settings(app: &TestApp, teacher: &reqwest::Client, body: Value) -> reqwest::Response {
    teacher
        .post(app.url("/api/v1/studio/payouts/settings"))
        .json(&body)
        .send()
        .await
        .expect("request")
}

/// The simulated account's (interval, prefix).
async fn stripe_settings(app: &TestApp, account: &str) -> (Value, Value) {
    let account = app.sim_get(&format!("/v1/accounts/{account}")).await;
    (
        account["settings"]["payouts"]["schedule"]["interval"].clone(),
        account["settings"]["card_payments"]["statement_descriptor_prefix"].clone(),
    )
}

async fn payout_settings_reach_stripe_and_bad_ones_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, account) = onboarded_teacher(&app).await;

    let saved = save_settings(
        &app,
        &teacher,
        json!({"schedule_interval": "weekly", "statement_descriptor_prefix": " Yoga "}),
    )
    .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(
        json(saved).await,
        json!({"schedule_interval": "weekly", "statement_descriptor_prefix": "YOGA"})
    );
    assert_eq!(
        stripe_settings(&app, &account).await,
        (json!("weekly"), json!("YOGA"))
    );
    let status = app.get_json(&teacher, "/api/v1/connect/status").await;
    assert_eq!(status["payout_schedule"], "weekly");
    assert_eq!(status["statement_descriptor_prefix"], "YOGA");

    let bad = [
        json!({"schedule_interval": "weekly", "statement_descriptor_prefix": "Y"}),
        json!({"schedule_interval": "weekly", "statement_descriptor_prefix": "ABCDEFGHIJK"}),
        json!({"schedule_interval": "weekly", "statement_descriptor_prefix": "12345"}),
        json!({"schedule_interval": "weekly", "statement_descriptor_prefix": "YO*GA"}),
        json!({"schedule_interval": "weekly", "statement_descriptor_prefix": "YO'GA"}),
        json!({"schedule_interval": "hourly", "statement_descriptor_prefix": "MOON"}),
        json!({"schedule_interval": "manual", "statement_descriptor_prefix": "MOON"}),
        json!({"schedule_interval": "", "statement_descriptor_prefix": "MOON"}),
    ];
    for body in bad {
        let response = save_settings(&app, &teacher, body.clone()).await;
        assert_eq!(response.status(), 422, "{body}");
        let error = json(response).await;
        assert_eq!(error["error"]["code"], "validation", "{body}");
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert_eq!(
            stripe_settings(&app, &account).await,
            (json!("weekly"), json!("YOGA")),
            "{body} changed nothing at Stripe"
        );
        let status = app.get_json(&teacher, "/api/v1/connect/status").await;
        assert_eq!(status["payout_schedule"], "weekly", "{body}");
        assert_eq!(status["statement_descriptor_prefix"], "YOGA", "{body}");
    }

    // Monthly, and no prefix: Stripe's prefix is removed.
    let saved = save_settings(
        &app,
        &teacher,
        json!({"schedule_interval": "monthly", "statement_descriptor_prefix": ""}),
    )
    .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(
        stripe_settings(&app, &account).await,
        (json!("monthly"), Value::Null)
    );
    let status = app.get_json(&teacher, "/api/v1/connect/status").await;
    assert_eq!(status["payout_schedule"], "monthly");
    assert_eq!(status["statement_descriptor_prefix"], Value::Null);

    // A teacher without a payout account is told to make one first.
    let without_account = app.new_teacher_without_payouts().await;
    let response = save_settings(
        &app,
        &without_account,
        json!({"schedule_interval": "daily", "statement_descriptor_prefix": "MOON"}),
    )
    .await;
    assert_eq!(response.status(), 409);
}

async fn dashboard_link(app: &TestApp, teacher: &reqwest::Client) -> reqwest::Response {
    app.post(teacher, "/api/v1/studio/payouts/dashboard-link")
        .await
}

async fn the_dashboard_link_needs_a_finished_payout_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, account) = onboarded_teacher(&app).await;
    let response = dashboard_link(&app, &teacher).await;
    assert_eq!(response.status(), 200);
    let url = json(response).await["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert!(url.contains(&format!("/express/{account}/")), "{url}");
    let page = app.bare_client().get(&url).send().await.expect("request");
    assert_eq!(page.status(), 200);

    // No payout account, or one whose onboarding is unfinished: refused.
    let without_account = app.new_teacher_without_payouts().await;
    let unfinished = app.new_teacher_without_payouts().await;
    app.start_onboarding(&unfinished).await;
    for client in [&without_account, &unfinished] {
        let response = dashboard_link(&app, client).await;
        assert_eq!(response.status(), 409);
        let error = json(response).await;
        assert_eq!(error["error"]["code"], "payments_not_enabled");
        assert!(error["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let student = app.new_user().await;
    assert_eq!(dashboard_link(&app, &student).await.status(), 403);
}

/// The demo seed gives the demo teacher a failed payout and the paid one
/// after it, both holding the demo attendees' paid bookings; seeding again
/// adds none.
async fn the_demo_teacher_has_payouts_offline(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app::backend::demo::TEACHER;
    app::backend::demo::seed(&app.db, app.state.clock.now())
        .await
        .expect("seed");
    app::backend::demo::seed(&app.db, app.state.clock.now())
        .await
        .expect("seed again");
    let teacher = crate::helpers::client_builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let login = teacher
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": demo.email, "password": demo.password }))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200);
    let payouts = app.get_json(&teacher, PAYOUTS).await;
    let payouts = payouts.as_array().expect("a list");
    assert_eq!(payouts.len(), 2, "{payouts:?}");
    assert_eq!(payouts[0]["status"], "paid");
    assert_eq!(payouts[1]["status"], "failed");
    assert!(payouts[1]["failure_message"].as_str().is_some());
    let sales = payouts[0]["sales"].as_array().expect("sales");
    assert!(!sales.is_empty());
    assert_eq!(payouts[1]["sales"], payouts[0]["sales"]);
    let kept: i64 = sales
        .iter()
        .map(|sale| {
            let share = sale["teacher_share_cents"].as_i64().expect("share");
            let amount = sale["amount_cents"].as_i64().expect("amount");
            let refunded = sale["refunded_cents"].as_i64().expect("refunded");
            share - refunded * share / amount
        })
        .sum();
    assert_eq!(payouts[0]["amount_cents"], kept);
    assert!(
        sales.iter().any(|sale| sale["refunded_cents"] != 0),
        "the console's demo refunds show on the payout"
    );
}
