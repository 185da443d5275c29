//! `POST /webhooks/stripe`: the signature is checked before anything else,
//! every refusal is a 400 that changes nothing, and an event id is stored and
//! applied once, by the inbox's worker; one it cannot read is parked.

use serde_json::json;
use stripe_webhook::Webhook;

use crate::helpers::{spawn_app, Backend, TestApp, CONNECT_WEBHOOK_SECRET, WEBHOOK_SECRET};
use crate::on_both_databases;

on_both_databases!(
    a_signed_account_update_is_applied_once,
    bad_signatures_are_refused_and_change_nothing,
    unknown_event_types_and_accounts_are_acknowledged,
    a_signed_event_that_cannot_be_read_is_parked_not_lost,
);

fn account_updated(event_id: &str, account: &str, charges_enabled: bool) -> String {
    json!({
        "id": event_id,
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": chrono::Utc::now().timestamp(),
        "account": account,
        "data": { "object": {
            "id": account,
            "object": "account",
            "type": "express",
            "charges_enabled": charges_enabled,
            "payouts_enabled": charges_enabled,
            "details_submitted": charges_enabled,
        }},
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": "account.updated",
    })
    .to_string()
}

async fn deliver(app: &TestApp, payload: &str, signature: Option<String>) -> reqwest::Response {
    let mut request = app
        .bare_client()
        .post(app.url("/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(payload.to_owned());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    let response = request.send().await.expect("request");
    if response.status() == 200 {
        app.webhooks_settled().await;
    }
    response
}

async fn charges_enabled(app: &TestApp, account: &str) -> i64 {
    sqlx::query_scalar("SELECT charges_enabled FROM teachers WHERE stripe_connect_account_id = $1")
        .bind(account)
        .fetch_one(app.db.pool())
        .await
        .expect("teacher row")
}

async fn events_recorded(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM stripe_events")
        .fetch_one(app.db.pool())
        .await
        .expect("count")
}

/// A teacher with a Connect account that is not enabled yet.
async fn teacher_with_account(app: &TestApp) -> String {
    let teacher = app.new_teacher_without_payouts().await;
    let (account, _) = app.start_onboarding(&teacher).await;
    account
}

async fn a_signed_account_update_is_applied_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let account = teacher_with_account(&app).await;
    let now = chrono::Utc::now().timestamp();

    // Connected accounts' events come signed with the Connect endpoint's secret.
    let payload = account_updated("evt_test_once", &account, true);
    let signature = Webhook::generate_test_header(&payload, CONNECT_WEBHOOK_SECRET, Some(now));
    let response = deliver(&app, &payload, Some(signature)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(charges_enabled(&app, &account).await, 1);
    let recorded = events_recorded(&app).await;

    // The same event id again, even with other content, changes nothing.
    let replay = account_updated("evt_test_once", &account, false);
    let signature = Webhook::generate_test_header(&replay, WEBHOOK_SECRET, Some(now));
    let response = deliver(&app, &replay, Some(signature)).await;
    assert_eq!(response.status(), 200, "a duplicate is acknowledged");
    assert_eq!(charges_enabled(&app, &account).await, 1, "and ignored");
    assert_eq!(events_recorded(&app).await, recorded);
}

async fn bad_signatures_are_refused_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let account = teacher_with_account(&app).await;
    let now = chrono::Utc::now().timestamp();
    let payload = account_updated("evt_test_refused", &account, true);
    let valid = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, Some(now));
    let tampered = payload.replace("\"charges_enabled\":true", "\"charges_enabled\":false ");
    assert_ne!(tampered, payload);
    let recorded = events_recorded(&app).await;

    let cases: Vec<(&str, String, Option<String>)> = vec![
        (
            "wrong secret",
            payload.clone(),
            Some(Webhook::generate_test_header(
                &payload,
                "whsec_wrong",
                Some(now),
            )),
        ),
        ("tampered body", tampered, Some(valid.clone())),
        (
            "stale timestamp",
            payload.clone(),
            Some(Webhook::generate_test_header(
                &payload,
                WEBHOOK_SECRET,
                Some(now - 301),
            )),
        ),
        ("missing header", payload.clone(), None),
        (
            "garbage header",
            payload.clone(),
            Some("t=soon,v1=zz".into()),
        ),
        ("no v1", payload.clone(), Some(format!("t={now}"))),
    ];
    for (case, body, signature) in cases {
        let response = deliver(&app, &body, signature).await;
        assert_eq!(response.status(), 400, "{case}");
        assert_eq!(
            charges_enabled(&app, &account).await,
            0,
            "{case} changed nothing"
        );
        assert_eq!(
            events_recorded(&app).await,
            recorded,
            "{case} recorded nothing"
        );
    }

    // The untouched delivery is still good.
    let response = deliver(&app, &payload, Some(valid)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(charges_enabled(&app, &account).await, 1);
}

async fn unknown_event_types_and_accounts_are_acknowledged(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = chrono::Utc::now().timestamp();
    let stranger = account_updated("evt_test_stranger", "acct_1NotOneOfOurs0000000000", true);
    let signature = Webhook::generate_test_header(&stranger, WEBHOOK_SECRET, Some(now));
    assert_eq!(
        deliver(&app, &stranger, Some(signature)).await.status(),
        200
    );

    let payout = json!({
        "id": "evt_test_payout",
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": now,
        "data": { "object": { "id": "po_1", "object": "payout", "amount": 100, "currency": "sek" } },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": "balance.available.unknown_to_us",
    })
    .to_string();
    let signature = Webhook::generate_test_header(&payout, WEBHOOK_SECRET, Some(now));
    assert_eq!(deliver(&app, &payout, Some(signature)).await.status(), 200);
}

/// Signed by Stripe but not readable as the event its type names: stored,
/// answered 200 (Stripe would retry a refusal for days), and parked with its
/// error where an admin can see it; a redelivery stays a no-op.
async fn a_signed_event_that_cannot_be_read_is_parked_not_lost(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = app.state.clock.now();
    let payload = json!({
        "id": "evt_test_unreadable",
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": now,
        "data": { "object": { "id": "pi_1", "object": "payment_intent" } },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": "payment_intent.succeeded",
    })
    .to_string();
    for _ in 0..2 {
        let signature = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, Some(now));
        assert_eq!(deliver(&app, &payload, Some(signature)).await.status(), 200);
    }
    let (parked, error, processed): (Option<i64>, Option<String>, Option<i64>) = {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT parked_at, last_error, processed_at FROM stripe_events WHERE id = $1",
        )
        .bind("evt_test_unreadable")
        .fetch_one(app.db.pool())
        .await
        .expect("stored once");
        (row.get(0), row.get(1), row.get(2))
    };
    assert!(parked.is_some(), "parked");
    assert!(error.is_some_and(|e| e.contains("unreadable")));
    assert_eq!(processed, None);
    assert_eq!(events_recorded(&app).await, 1);
}
