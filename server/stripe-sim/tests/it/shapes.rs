//! The new objects carry every field Stripe's own example objects carry.

use serde_json::Value;
use stripe::StripeRequest;
use stripe_core::balance::RetrieveForMyAccountBalance;
use stripe_shared::AccountId;

use crate::common::start;

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

const BALANCE_TRANSACTION: [&str; 16] = [
    "id",
    "object",
    "amount",
    "available_on",
    "balance_type",
    "created",
    "currency",
    "description",
    "exchange_rate",
    "fee",
    "fee_details",
    "net",
    "reporting_category",
    "source",
    "status",
    "type",
];

#[tokio::test]
async fn fees_disputes_payouts_and_login_links() {
    let h = start(None).await;
    let acct = h.onboarded_account().await;
    let (_, charge) = h.destination_charge(&acct, 20_000, Some(2_000)).await;
    let ch = charge["id"].as_str().unwrap();
    let (s, _, _) = h
        .post(
            "/v1/refunds",
            &format!("charge={ch}&amount=10000&refund_application_fee=true&reverse_transfer=true"),
        )
        .await;
    assert_eq!(s, 200);
    let (_, fee) = h
        .get(&format!(
            "/v1/application_fees/{}",
            charge["application_fee"].as_str().unwrap()
        ))
        .await;
    assert_keys(
        "application_fee",
        &fee,
        &[
            "id",
            "object",
            "account",
            "amount",
            "amount_refunded",
            "application",
            "balance_transaction",
            "charge",
            "created",
            "currency",
            "fee_source",
            "livemode",
            "originating_transaction",
            "refunded",
            "refunds",
        ],
    );
    assert_keys(
        "fee_refund",
        &fee["refunds"]["data"][0],
        &[
            "id",
            "object",
            "amount",
            "balance_transaction",
            "created",
            "currency",
            "fee",
            "metadata",
        ],
    );

    let (_, second) = h.destination_charge(&acct, 20_000, None).await;
    let (s, _, dispute) = h
        .post(
            &format!(
                "/v1/test_helpers/charges/{}/dispute",
                second["id"].as_str().unwrap()
            ),
            "",
        )
        .await;
    assert_eq!(s, 200);
    assert_keys(
        "dispute",
        &dispute,
        &[
            "id",
            "object",
            "amount",
            "balance_transactions",
            "charge",
            "created",
            "currency",
            "enhanced_eligibility_types",
            "evidence",
            "evidence_details",
            "is_charge_refundable",
            "livemode",
            "metadata",
            "payment_intent",
            "payment_method_details",
            "reason",
            "status",
        ],
    );
    assert_keys(
        "dispute.evidence_details",
        &dispute["evidence_details"],
        &[
            "due_by",
            "enhanced_eligibility",
            "has_evidence",
            "past_due",
            "submission_count",
        ],
    );
    let evidence = dispute["evidence"].as_object().unwrap();
    assert_eq!(evidence.len(), 28, "27 evidence fields + enhanced_evidence");
    assert!(evidence
        .iter()
        .all(|(k, v)| k == "enhanced_evidence" || v.is_null()));
    assert_keys(
        "dispute balance transaction",
        &dispute["balance_transactions"][0],
        &BALANCE_TRANSACTION,
    );

    let (s, _, payout) = h
        .post(&format!("/v1/test_helpers/accounts/{acct}/payout"), "")
        .await;
    assert_eq!(s, 200);
    assert_keys(
        "payout",
        &payout,
        &[
            "id",
            "object",
            "amount",
            "application_fee",
            "application_fee_amount",
            "arrival_date",
            "automatic",
            "balance_transaction",
            "created",
            "currency",
            "description",
            "destination",
            "failure_balance_transaction",
            "failure_code",
            "failure_message",
            "livemode",
            "metadata",
            "method",
            "original_payout",
            "payout_method",
            "reconciliation_status",
            "reversed_by",
            "source_type",
            "statement_descriptor",
            "status",
            "trace_id",
            "type",
        ],
    );
    let (_, txns) = h.get_as("/v1/balance_transactions", &acct).await;
    for t in txns["data"].as_array().unwrap() {
        assert_keys("balance_transaction", t, &BALANCE_TRANSACTION);
    }
    let txn_id = txns["data"][0]["id"].as_str().unwrap();
    let (s, one) = h
        .get_as(&format!("/v1/balance_transactions/{txn_id}"), &acct)
        .await;
    assert_eq!((s, &one["id"]), (200, &txns["data"][0]["id"]));

    let (s, _, link) = h
        .post(&format!("/v1/accounts/{acct}/login_links"), "")
        .await;
    assert_eq!(s, 200);
    assert_keys("login_link", &link, &["object", "created", "url"]);
    assert_eq!(link["object"], "login_link");

    let (_, account) = h.get(&format!("/v1/accounts/{acct}")).await;
    assert_keys(
        "account.settings.payments",
        &account["settings"]["payments"],
        &[
            "statement_descriptor",
            "statement_descriptor_kana",
            "statement_descriptor_kanji",
            "statement_descriptor_prefix_kana",
            "statement_descriptor_prefix_kanji",
        ],
    );

    // The connected account's balance through the client.
    let balance = RetrieveForMyAccountBalance::new()
        .customize()
        .account_id(AccountId::from(acct.as_str()))
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(balance.available[0].amount, 0);
    assert_eq!(balance.pending[0].amount, 0);
}
