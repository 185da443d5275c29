//! Application fees of destination charges and `refund_application_fee` on refunds.

use serde_json::Value;
use stripe_connect::application_fee::RetrieveApplicationFee;
use stripe_core::refund::CreateRefund;
use stripe_webhook::EventObject;

use crate::common::start;

#[tokio::test]
async fn fee_is_refunded_in_proportion_and_emits_application_fee_refunded() {
    let h = start(None).await;
    let acct = h.onboarded_account().await;
    let (pi, charge) = h.destination_charge(&acct, 25_000, Some(5_000)).await;
    let ch_id = charge["id"].as_str().unwrap();
    let fee_id = charge["application_fee"].as_str().unwrap().to_string();
    assert!(fee_id.starts_with("fee_"));

    let fee = RetrieveApplicationFee::new(fee_id.as_str())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(fee.amount, 5_000);
    assert_eq!(fee.amount_refunded, 0);
    assert!(!fee.refunded);
    assert_eq!(fee.account.id().as_str(), acct);
    assert_eq!(fee.charge.id().as_str(), ch_id);
    assert!(fee.refunds.data.is_empty());

    // 10 000 of 25 000 refunded: 2 000 of the 5 000 fee comes back, 8 000 of the transfer.
    let re = CreateRefund::new()
        .payment_intent(pi.as_str())
        .amount(10_000)
        .reverse_transfer(true)
        .refund_application_fee(true)
        .send(&h.client)
        .await
        .unwrap();
    assert!(re.transfer_reversal.is_some());
    let fee = RetrieveApplicationFee::new(fee_id.as_str())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(fee.amount_refunded, 2_000);
    assert!(!fee.refunded);
    assert_eq!(fee.refunds.data.len(), 1);
    assert_eq!(fee.refunds.data[0].amount, 2_000);
    assert_eq!(fee.refunds.data[0].fee.id().as_str(), fee_id);
    let (_, raw) = h.get(&format!("/v1/application_fees/{fee_id}")).await;
    assert_eq!(raw["refunds"]["data"][0]["object"], "fee_refund");
    assert_eq!(raw["refunds"]["total_count"], 1);

    // A refund without the flag leaves the fee alone.
    let (s, _, _) = h
        .post("/v1/refunds", &format!("charge={ch_id}&amount=5000"))
        .await;
    assert_eq!(s, 200);
    let (_, raw) = h.get(&format!("/v1/application_fees/{fee_id}")).await;
    assert_eq!(raw["amount_refunded"], 2_000);

    // The rest, with the flag: the fee's remainder (rounding included) comes back.
    let (s, _, _) = h
        .post(
            "/v1/refunds",
            &format!("charge={ch_id}&refund_application_fee=true"),
        )
        .await;
    assert_eq!(s, 200);
    let fee = RetrieveApplicationFee::new(fee_id.as_str())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(fee.amount_refunded, 5_000);
    assert!(fee.refunded);
    assert_eq!(fee.refunds.data.len(), 2);
    assert_eq!(fee.refunds.data[0].amount, 3_000);

    let types = h.event_types();
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "application_fee.created")
            .count(),
        1
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "application_fee.refunded")
            .count(),
        2
    );
    let refunded: Vec<_> = h
        .parsed_events()
        .into_iter()
        .filter_map(|e| match e.data.object {
            EventObject::ApplicationFeeRefunded(fee) => Some(fee),
            _ => None,
        })
        .collect();
    assert_eq!(refunded[0].amount_refunded, 2_000);
    assert_eq!(refunded[1].amount_refunded, 5_000);
    assert!(h
        .parsed_events()
        .iter()
        .any(|e| matches!(&e.data.object, EventObject::ApplicationFeeCreated(f) if f.id.as_str() == fee_id)));

    let (s, list) = h.get(&format!("/v1/application_fees?charge={ch_id}")).await;
    assert_eq!(s, 200);
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn refund_application_fee_needs_a_fee() {
    let h = start(None).await;
    let acct = h.onboarded_account().await;
    // A destination charge without application_fee_amount has no fee.
    let (_, charge) = h.destination_charge(&acct, 10_000, None).await;
    assert!(charge["application_fee"].is_null());
    let ch_id = charge["id"].as_str().unwrap();
    let (s, _, err) = h
        .post(
            "/v1/refunds",
            &format!("charge={ch_id}&refund_application_fee=true"),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(err["error"]["type"], "invalid_request_error");
    assert_eq!(err["error"]["param"], "refund_application_fee");
    // Nothing was refunded.
    let (_, ch) = h.get(&format!("/v1/charges/{ch_id}")).await;
    assert_eq!(ch["amount_refunded"], 0);
    let (s, _) = h.get("/v1/application_fees/fee_missing").await;
    assert_eq!(s, 404);
    let (s, list) = h.get("/v1/application_fees").await;
    assert_eq!(s, 200);
    assert_eq!(list["data"], Value::Array(Vec::new()));
}
