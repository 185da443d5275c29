//! Connected accounts' balances and payouts.

use stripe::StripeRequest;
use stripe_core::balance_transaction::ListBalanceTransaction;
use stripe_core::payout::{ListPayout, RetrievePayout};
use stripe_shared::{AccountId, PayoutType};
use stripe_webhook::EventObject;

use crate::common::{receiver, start, WHSEC_CONNECT};

#[tokio::test]
async fn payout_pays_out_transfers_minus_reversals() {
    let h = start(None).await;
    let acct = h.onboarded_account().await;
    let other = h.onboarded_account().await;

    // Nothing to pay out yet.
    let (s, _, err) = h
        .post(&format!("/v1/test_helpers/accounts/{acct}/payout"), "")
        .await;
    assert_eq!(s, 400);
    assert_eq!(err["error"]["code"], "balance_insufficient");

    let (_, c1) = h.destination_charge(&acct, 20_000, Some(4_000)).await; // 16 000
    let (_, c2) = h.destination_charge(&acct, 10_000, Some(2_000)).await; // 8 000
    let (_, _) = h.destination_charge(&other, 50_000, None).await;
    // Half of c2 refunded with its transfer: −4 000.
    let ch2 = c2["id"].as_str().unwrap();
    let (s, _, _) = h
        .post(
            "/v1/refunds",
            &format!("charge={ch2}&amount=5000&reverse_transfer=true"),
        )
        .await;
    assert_eq!(s, 200);

    let (s, bal) = h.get_as("/v1/balance", &acct).await;
    assert_eq!(s, 200);
    assert_eq!(bal["available"][0]["amount"], 20_000);

    let (s, _, po) = h
        .post(&format!("/v1/test_helpers/accounts/{acct}/payout"), "")
        .await;
    assert_eq!(s, 200, "{po}");
    assert_eq!(po["object"], "payout");
    assert_eq!(po["amount"], 20_000);
    assert_eq!(po["currency"], "sek");
    assert_eq!(po["status"], "paid");
    assert_eq!(po["method"], "standard");
    assert_eq!(po["type"], "bank_account");
    assert!(po["destination"].as_str().unwrap().starts_with("ba_"));
    assert!(po["arrival_date"].as_i64().unwrap() > po["created"].as_i64().unwrap());
    let po_id = po["id"].as_str().unwrap().to_string();

    // The balance is empty again; another payout is refused.
    let (_, bal) = h.get_as("/v1/balance", &acct).await;
    assert_eq!(bal["available"][0]["amount"], 0);
    let (s, _, _) = h
        .post(&format!("/v1/test_helpers/accounts/{acct}/payout"), "")
        .await;
    assert_eq!(s, 400);

    // Through the client, as the connected account.
    let acct_id = AccountId::from(acct.as_str());
    let got = RetrievePayout::new(po_id.as_str())
        .customize()
        .account_id(acct_id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(got.amount, 20_000);
    assert_eq!(got.type_, PayoutType::BankAccount);
    assert!(got.balance_transaction.is_some());
    let list = ListPayout::new()
        .customize()
        .account_id(acct_id.clone())
        .send(&h.client)
        .await
        .unwrap();
    assert_eq!(list.data.len(), 1);
    // Not visible to the platform or another account.
    let (s, _) = h.get(&format!("/v1/payouts/{po_id}")).await;
    assert_eq!(s, 404);
    let (s, _) = h.get_as(&format!("/v1/payouts/{po_id}"), &other).await;
    assert_eq!(s, 404);
    let (s, _) = h.get_as("/v1/payouts", "acct_unknown").await;
    assert_eq!(s, 403);

    // Which transfers the payout contains.
    let txns = ListBalanceTransaction::new()
        .payout(po_id.as_str())
        .customize()
        .account_id(acct_id.clone())
        .send(&h.client)
        .await
        .unwrap();
    let mut amounts: Vec<i64> = txns.data.iter().map(|t| t.amount).collect();
    amounts.sort_unstable();
    assert_eq!(amounts, vec![-20_000, -4_000, 8_000, 16_000]);
    let (_, raw) = h
        .get_as(
            &format!("/v1/balance_transactions?payout={po_id}&type=payment"),
            &acct,
        )
        .await;
    let sources: Vec<&str> = raw["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["source"].as_str().unwrap())
        .collect();
    let (_, tr1) = h
        .get(&format!(
            "/v1/transfers/{}",
            c1["transfer"].as_str().unwrap()
        ))
        .await;
    assert_eq!(sources.len(), 2);
    assert!(sources.contains(&tr1["destination_payment"].as_str().unwrap()));
    let (s, _) = h
        .get_as(&format!("/v1/balance_transactions?payout={po_id}"), &other)
        .await;
    assert_eq!(s, 400);

    // A later charge goes into the next payout only.
    h.destination_charge(&acct, 5_000, Some(1_000)).await;
    let (_, _, po2) = h
        .post(&format!("/v1/test_helpers/accounts/{acct}/payout"), "")
        .await;
    assert_eq!(po2["amount"], 4_000);
    let (_, raw) = h
        .get_as(
            &format!(
                "/v1/balance_transactions?payout={}&type=payment",
                po2["id"].as_str().unwrap()
            ),
            &acct,
        )
        .await;
    assert_eq!(raw["data"].as_array().unwrap().len(), 1);

    // Events: Connect events, parsed into async-stripe's Payout.
    let parsed = h.parsed_events();
    let payout_events: Vec<_> = parsed
        .iter()
        .filter(|e| e.type_.as_str().starts_with("payout."))
        .collect();
    assert_eq!(payout_events.len(), 4);
    assert!(payout_events
        .iter()
        .all(|e| e.account.as_deref() == Some(acct.as_str())));
    assert!(
        matches!(&payout_events[0].data.object, EventObject::PayoutCreated(p) if p.status == "pending")
    );
    assert!(
        matches!(&payout_events[1].data.object, EventObject::PayoutPaid(p) if p.status == "paid")
    );
}

#[tokio::test]
async fn failed_payout_returns_the_money() {
    let rx = receiver().await;
    let h = start(Some(rx.url.clone())).await;
    let acct = h.onboarded_account().await;
    h.destination_charge(&acct, 10_000, Some(1_000)).await;
    let (s, _, po) = h
        .post(
            &format!("/v1/test_helpers/accounts/{acct}/payout"),
            "outcome=failed",
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(po["status"], "failed");
    assert_eq!(po["failure_code"], "account_closed");
    assert!(po["failure_message"].is_string());
    assert!(po["failure_balance_transaction"]
        .as_str()
        .unwrap()
        .starts_with("txn_"));
    let (_, bal) = h.get_as("/v1/balance", &acct).await;
    assert_eq!(bal["available"][0]["amount"], 9_000);

    // The next payout contains the transfer again.
    let (s, _, po2) = h
        .post(
            &format!("/v1/test_helpers/accounts/{acct}/payout"),
            "outcome=paid",
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(po2["amount"], 9_000);
    let (_, raw) = h
        .get_as(
            &format!(
                "/v1/balance_transactions?payout={}&type=payment",
                po2["id"].as_str().unwrap()
            ),
            &acct,
        )
        .await;
    assert_eq!(raw["data"].as_array().unwrap().len(), 1);
    let (_, list) = h.get_as("/v1/payouts?status=failed", &acct).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);

    // Delivered signed with the Connect secret.
    h.wait_idle().await;
    let failed = rx
        .received()
        .into_iter()
        .find(|r| r.body.contains("\"payout.failed\""))
        .unwrap();
    let ev =
        stripe_webhook::Webhook::construct_event(&failed.body, &failed.signature, WHSEC_CONNECT)
            .unwrap();
    assert_eq!(ev.account.as_deref(), Some(acct.as_str()));
    match ev.data.object {
        EventObject::PayoutFailed(p) => {
            assert_eq!(p.failure_code.as_deref(), Some("account_closed"))
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn payout_needs_an_onboarded_account() {
    let h = start(None).await;
    let (_, _, acct) = h.post("/v1/accounts", "type=express").await;
    let id = acct["id"].as_str().unwrap();
    let (s, _, err) = h
        .post(&format!("/v1/test_helpers/accounts/{id}/payout"), "")
        .await;
    assert_eq!(s, 400);
    assert_eq!(err["error"]["code"], "payouts_not_allowed");
    let (s, _, _) = h
        .post("/v1/test_helpers/accounts/acct_nope/payout", "")
        .await;
    assert_eq!(s, 404);
    let (s, _, _) = h
        .post(
            &format!("/v1/test_helpers/accounts/{id}/payout"),
            "outcome=sideways",
        )
        .await;
    assert_eq!(s, 400);
}
