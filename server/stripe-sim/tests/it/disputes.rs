//! Disputes: opened by the test helper, evidence, submission, closing.

use stripe_core::dispute::{ListDispute, RetrieveDispute, UpdateDispute, UpdateDisputeEvidence};
use stripe_shared::DisputeStatus;
use stripe_webhook::EventObject;

use crate::common::{start, Harness};

async fn disputed(h: &Harness) -> (String, String, String) {
    let acct = h.onboarded_account().await;
    let (pi, charge) = h.destination_charge(&acct, 30_000, Some(3_000)).await;
    let ch = charge["id"].as_str().unwrap().to_string();
    let (s, _, dp) = h
        .post(&format!("/v1/test_helpers/charges/{ch}/dispute"), "")
        .await;
    assert_eq!(s, 200, "{dp}");
    (pi, ch, dp["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn dispute_is_opened_like_the_0259_card() {
    let h = start(None).await;
    let (pi, ch, dp) = disputed(&h).await;
    let now = chrono::Utc::now().timestamp();
    let d = RetrieveDispute::new(dp.as_str())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(d.status, DisputeStatus::NeedsResponse);
    assert_eq!(d.reason, "fraudulent");
    assert_eq!(d.amount, 30_000);
    assert_eq!(d.charge.id().as_str(), ch);
    assert_eq!(d.payment_intent.unwrap().id().as_str(), pi);
    assert!(!d.is_charge_refundable);
    assert!(!d.evidence_details.has_evidence);
    assert_eq!(d.evidence_details.submission_count, 0);
    let due = d.evidence_details.due_by.unwrap();
    assert!((due - now - 7 * 86_400).abs() <= 5);
    assert_eq!(d.balance_transactions.len(), 1);
    assert_eq!(d.balance_transactions[0].amount, -30_000);
    assert!(d.evidence.receipt.is_none() && d.evidence.customer_name.is_none());
    assert_eq!(
        d.payment_method_details.unwrap().card.unwrap().brand,
        "visa"
    );

    let (_, charge) = h.get(&format!("/v1/charges/{ch}")).await;
    assert_eq!(charge["disputed"], true);

    let types = h.event_types();
    let n = types.len();
    assert_eq!(
        &types[n - 2..],
        ["charge.dispute.created", "charge.dispute.funds_withdrawn"]
    );
    let parsed = h.parsed_events();
    match &parsed[n - 2].data.object {
        EventObject::ChargeDisputeCreated(d) => assert_eq!(d.id.as_str(), dp),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        &parsed[n - 1].data.object,
        EventObject::ChargeDisputeFundsWithdrawn(_)
    ));

    // A disputed charge is neither refundable nor disputable again.
    let (s, _, err) = h.post("/v1/refunds", &format!("charge={ch}")).await;
    assert_eq!(s, 400);
    assert_eq!(err["error"]["code"], "charge_disputed");
    let (s, _, _) = h
        .post(&format!("/v1/test_helpers/charges/{ch}/dispute"), "")
        .await;
    assert_eq!(s, 400);
    let (s, _, _) = h
        .post("/v1/test_helpers/charges/ch_missing/dispute", "")
        .await;
    assert_eq!(s, 404);

    // List: newest first, filterable by charge.
    let (_, _, dp2) = disputed(&h).await;
    let list = ListDispute::new().send(&h.client).await.unwrap();
    assert_eq!(list.data.len(), 2);
    assert_eq!(list.data[0].id.as_str(), dp2);
    let (s, list) = h.get(&format!("/v1/disputes?charge={ch}")).await;
    assert_eq!(s, 200);
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["id"], dp.as_str());
}

#[tokio::test]
async fn evidence_submission_and_closing() {
    let h = start(None).await;
    let (_, _, dp) = disputed(&h).await;

    // Saved without submitting: has_evidence, still needs_response.
    let (s, _, d) = h
        .post(
            &format!("/v1/disputes/{dp}"),
            "evidence[customer_name]=Stu+Dent&evidence[customer_email_address]=stu%40example.com&submit=false",
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["status"], "needs_response");
    assert_eq!(d["evidence_details"]["has_evidence"], true);
    assert_eq!(d["evidence_details"]["submission_count"], 0);
    assert_eq!(d["evidence"]["customer_name"], "Stu Dent");
    assert!(d["evidence"]["receipt"].is_null());

    // Submitted through the client.
    let d = UpdateDispute::new(dp.as_str())
        .evidence(UpdateDisputeEvidence {
            service_date: Some("2026-01-15".into()),
            uncategorized_text: Some("The student attended the live class.".into()),
            access_activity_log: Some("Joined 18:02, left 19:01".into()),
            cancellation_policy_disclosure: Some("Free cancellation until 24h before.".into()),
            refund_policy_disclosure: Some("Refunds until the class starts.".into()),
            product_description: Some("Live yoga class".into()),
            billing_address: Some("Storgatan 1, Stockholm".into()),
            ..UpdateDisputeEvidence::new()
        })
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(d.status, DisputeStatus::UnderReview);
    assert_eq!(d.evidence_details.submission_count, 1);
    assert_eq!(d.evidence.customer_name.as_deref(), Some("Stu Dent"));
    assert_eq!(d.evidence.service_date.as_deref(), Some("2026-01-15"));

    let ev = h.sim.events().last().unwrap().clone();
    assert_eq!(ev["type"], "charge.dispute.updated");
    let prev = &ev["data"]["previous_attributes"];
    assert_eq!(prev["status"], "needs_response");
    assert_eq!(prev["evidence_details"]["submission_count"], 0);
    assert!(prev["evidence"]["service_date"].is_null());

    // Unknown evidence keys and text in file fields are refused.
    let (s, _, err) = h
        .post(
            &format!("/v1/disputes/{dp}"),
            "evidence[favourite_colour]=blue",
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(err["error"]["param"], "evidence[favourite_colour]");
    let (s, _, err) = h
        .post(&format!("/v1/disputes/{dp}"), "evidence[receipt]=a+receipt")
        .await;
    assert_eq!(s, 400);
    assert_eq!(err["error"]["param"], "evidence[receipt]");

    // Won: closed + funds_reinstated; no more updates.
    let (s, _, d) = h
        .post(
            &format!("/v1/test_helpers/disputes/{dp}/close"),
            "outcome=won",
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(d["status"], "won");
    assert_eq!(d["balance_transactions"].as_array().unwrap().len(), 2);
    assert_eq!(d["balance_transactions"][1]["amount"], 30_000);
    let types = h.event_types();
    let n = types.len();
    assert_eq!(
        &types[n - 2..],
        ["charge.dispute.closed", "charge.dispute.funds_reinstated"]
    );
    let (s, _, err) = h
        .post(
            &format!("/v1/disputes/{dp}"),
            "evidence[uncategorized_text]=late",
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(err["error"]["type"], "invalid_request_error");
    let (s, _, _) = h
        .post(
            &format!("/v1/test_helpers/disputes/{dp}/close"),
            "outcome=lost",
        )
        .await;
    assert_eq!(s, 400);

    // Lost: closed only.
    let (_, _, dp2) = disputed(&h).await;
    let (s, _, d) = h
        .post(
            &format!("/v1/test_helpers/disputes/{dp2}/close"),
            "outcome=lost",
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(d["status"], "lost");
    assert_eq!(h.event_types().last().unwrap(), "charge.dispute.closed");
    let (s, _, _) = h
        .post(
            &format!("/v1/test_helpers/disputes/{dp2}/close"),
            "outcome=maybe",
        )
        .await;
    assert_eq!(s, 400);

    // Every event parses into async-stripe's types.
    let parsed = h.parsed_events();
    assert!(parsed.iter().any(|e| matches!(
        &e.data.object,
        EventObject::ChargeDisputeClosed(d) if d.status == DisputeStatus::Lost
    )));
    assert!(parsed
        .iter()
        .any(|e| matches!(&e.data.object, EventObject::ChargeDisputeFundsReinstated(_))));
}

#[tokio::test]
async fn idempotent_dispute_creation() {
    let h = start(None).await;
    let acct = h.onboarded_account().await;
    let (_, charge) = h.destination_charge(&acct, 10_000, None).await;
    let ch = charge["id"].as_str().unwrap();
    let path = format!("/v1/test_helpers/charges/{ch}/dispute");
    let (s1, _, a) = h
        .post_with(&path, "", &[("idempotency-key", "dispute-1")])
        .await;
    let (s2, headers, b) = h
        .post_with(&path, "", &[("idempotency-key", "dispute-1")])
        .await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(a["id"], b["id"]);
    assert_eq!(headers["idempotent-replayed"], "true");
    let (_, list) = h.get("/v1/disputes").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}
