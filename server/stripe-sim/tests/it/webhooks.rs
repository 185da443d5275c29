//! Signed webhook delivery, retries and webhook faults.

use serde_json::Value;
use stripe_webhook::Webhook;

use crate::common::{receiver, start, Harness, WHSEC, WHSEC_CONNECT};

fn ids(bodies: &[crate::common::Received]) -> Vec<String> {
    bodies
        .iter()
        .map(|r| {
            serde_json::from_str::<Value>(&r.body).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

async fn product(h: &Harness, name: &str) -> String {
    let (s, _, _) = h.post("/v1/products", &format!("name={name}")).await;
    assert_eq!(s, 200);
    h.sim.events().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn events_are_signed_and_verify_with_async_stripe() {
    let rx = receiver().await;
    let h = start(Some(rx.url.clone())).await;
    let acct = h.onboarded_account().await;
    let (s, _, pi) = h
        .post(
            "/v1/payment_intents",
            &format!("amount=20000&currency=sek&transfer_data[destination]={acct}&application_fee_amount=4000&metadata[order_id]=o9"),
        )
        .await;
    assert_eq!(s, 200);
    let pi_id = pi["id"].as_str().unwrap();
    let (s, _, _) = h
        .post(
            &format!("/v1/payment_intents/{pi_id}/confirm"),
            "payment_method=pm_card_visa",
        )
        .await;
    assert_eq!(s, 200);
    h.wait_idle().await;

    let got = rx.received();
    let events = h.sim.events();
    assert_eq!(
        ids(&got),
        events
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    );
    let mut saw_connect = false;
    for r in &got {
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["api_version"], "2026-09-30.endive");
        let (right, wrong) = if v["account"].is_string() {
            saw_connect = true;
            (WHSEC_CONNECT, WHSEC)
        } else {
            (WHSEC, WHSEC_CONNECT)
        };
        let ev = Webhook::construct_event(&r.body, &r.signature, right)
            .unwrap_or_else(|e| panic!("{} did not verify/parse: {e:?}", v["type"]));
        assert_eq!(ev.id.as_str(), v["id"].as_str().unwrap());
        assert!(Webhook::construct_event(&r.body, &r.signature, wrong).is_err());
    }
    assert!(saw_connect, "account.updated should be a connect event");
    let types = rx.types();
    for t in [
        "account.updated",
        "charge.succeeded",
        "payment_intent.succeeded",
        "transfer.created",
    ] {
        assert!(types.contains(&t.to_string()), "missing {t}");
    }

    let (s, d) = h.get("/v1/test_helpers/webhooks/deliveries").await;
    assert_eq!(s, 200);
    let data = d["data"].as_array().unwrap();
    assert_eq!(data.len(), got.len());
    assert!(data
        .iter()
        .all(|x| x["status"] == 200 && x["attempt"] == 1 && x["error"].is_null()));
    assert_eq!(h.sim.deliveries().len(), got.len());
}

#[tokio::test]
async fn retries_after_failures() {
    let rx = receiver().await;
    let h = start(Some(rx.url.clone())).await;
    rx.script.lock().unwrap().extend([500, 503]);
    let id = product(&h, "a").await;
    h.wait_idle().await;
    let attempts: Vec<_> = h
        .sim
        .deliveries()
        .into_iter()
        .filter(|d| d.event_id == id)
        .collect();
    assert_eq!(
        attempts
            .iter()
            .map(|d| (d.attempt, d.status))
            .collect::<Vec<_>>(),
        vec![(1, Some(500)), (2, Some(503)), (3, Some(200))]
    );
    assert_eq!(rx.received().len(), 3);

    // fail: attempts not sent, recorded as failed, then delivered.
    let (s, _, _) = h
        .post("/v1/test_helpers/webhooks/faults", "mode=fail&count=2")
        .await;
    assert_eq!(s, 200);
    let id = product(&h, "b").await;
    h.wait_idle().await;
    let attempts: Vec<_> = h
        .sim
        .deliveries()
        .into_iter()
        .filter(|d| d.event_id == id)
        .collect();
    assert_eq!(attempts.len(), 3);
    assert!(attempts[0].status.is_none() && attempts[0].error.is_some());
    assert!(attempts[1].status.is_none());
    assert_eq!(attempts[2].status, Some(200));
    assert_eq!(ids(&rx.received()).iter().filter(|x| **x == id).count(), 1);

    // A receiver that never answers 2xx: 5 attempts, then given up.
    rx.script.lock().unwrap().extend([500; 5]);
    let id = product(&h, "c").await;
    h.wait_idle().await;
    assert_eq!(
        h.sim
            .deliveries()
            .iter()
            .filter(|d| d.event_id == id)
            .count(),
        5
    );
}

#[tokio::test]
async fn duplicate_reorder_and_delay_faults() {
    let rx = receiver().await;
    let h = start(Some(rx.url.clone())).await;

    h.post("/v1/test_helpers/webhooks/faults", "mode=duplicate&count=1")
        .await;
    let a = product(&h, "a").await;
    let b = product(&h, "b").await;
    h.wait_idle().await;
    assert_eq!(ids(&rx.received()), vec![a.clone(), a, b]);

    h.post("/v1/test_helpers/webhooks/faults", "mode=reorder&count=3")
        .await;
    let c = product(&h, "c").await;
    let d = product(&h, "d").await;
    let (_, idle) = h.get("/v1/test_helpers/webhooks/idle").await;
    assert_eq!(idle["idle"], false);
    let e = product(&h, "e").await;
    let f = product(&h, "f").await;
    h.wait_idle().await;
    assert_eq!(ids(&rx.received())[3..].to_vec(), vec![e, d, c, f]);

    h.post(
        "/v1/test_helpers/webhooks/faults",
        "mode=delay&count=1&delay_ms=300",
    )
    .await;
    let started = std::time::Instant::now();
    product(&h, "g").await;
    h.wait_idle().await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));

    let (s, _, _) = h
        .post("/v1/test_helpers/webhooks/faults", "mode=bogus")
        .await;
    assert_eq!(s, 400);
}
