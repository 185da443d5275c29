//! Connected accounts' balances, kept as a ledger of balance transactions per account.
//!
//! The ledger is synced from the transfers of destination charges (and their reversals)
//! whenever it is read: each transfer to the account is a `payment` (+amount, `source` =
//! the transfer's `destination_payment`), each reversal a `payment_refund` (−amount, `source`
//! = the reversal's `destination_payment_refund`). Payouts add a `payout` (−amount) and, when
//! they fail, a `payout_failure` (+amount). Funds are available at once (no pending period).
//! A payout contains every transaction not yet paid out; a failed payout gives its contents
//! back to the balance, so the next payout contains them.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::form::Params;
use crate::ids::new_id;
use crate::lists;
use crate::state::{LedgerEntry, State};

/// A balance transaction of a connected account.
pub fn txn(
    created: i64,
    amount: i64,
    currency: &Value,
    type_: &str,
    reporting_category: &str,
    source: &Value,
    description: Option<&str>,
) -> Value {
    json!({
        "id": new_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created,
        "balance_type": "payments",
        "created": created,
        "currency": currency,
        "description": description,
        "exchange_rate": null,
        "fee": 0,
        "fee_details": [],
        "net": amount,
        "reporting_category": reporting_category,
        "source": source,
        "status": "available",
        "type": type_,
    })
}

/// Records the transfers into `account` (and their reversals) that the ledger lacks.
pub fn sync(st: &mut State, account: &str) {
    let known: HashSet<String> = st
        .ledgers
        .get(account)
        .map(|l| {
            l.iter()
                .filter_map(|e| e.txn["source"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut transfers: Vec<&Value> = st
        .transfers
        .values()
        .filter(|t| t["destination"] == account)
        .collect();
    transfers.sort_by(|a, b| {
        (a["created"].as_i64(), a["id"].as_str()).cmp(&(b["created"].as_i64(), b["id"].as_str()))
    });
    let mut new = Vec::new();
    for tr in transfers {
        let py = &tr["destination_payment"];
        if py.as_str().is_some_and(|s| !known.contains(s)) {
            new.push(txn(
                tr["created"].as_i64().unwrap_or(0),
                tr["amount"].as_i64().unwrap_or(0),
                &tr["currency"],
                "payment",
                "charge",
                py,
                None,
            ));
        }
        let reversals = tr["reversals"]["data"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for rev in reversals.iter().rev() {
            let pyr = &rev["destination_payment_refund"];
            if pyr.as_str().is_some_and(|s| !known.contains(s)) {
                new.push(txn(
                    rev["created"].as_i64().unwrap_or(0),
                    -rev["amount"].as_i64().unwrap_or(0),
                    &rev["currency"],
                    "payment_refund",
                    "refund",
                    pyr,
                    Some("REFUND FOR PAYMENT"),
                ));
            }
        }
    }
    if !new.is_empty() {
        st.ledgers
            .entry(account.to_string())
            .or_default()
            .extend(new.into_iter().map(|txn| LedgerEntry { txn, payout: None }));
    }
}

/// The available balance of `account` in `currency` (after [`sync`]).
pub fn available(st: &State, account: &str, currency: &str) -> i64 {
    st.ledgers.get(account).map_or(0, |l| {
        l.iter()
            .filter(|e| e.txn["currency"] == currency)
            .map(|e| e.txn["amount"].as_i64().unwrap_or(0))
            .sum()
    })
}

/// The connected account named by `Stripe-Account`, which must exist.
pub fn connected<'a>(ctx: &'a Ctx<'_>, st: &State) -> Result<Option<&'a str>, ApiError> {
    match ctx.account.as_deref() {
        None => Ok(None),
        Some(acct) if st.accounts.contains_key(acct) => Ok(Some(acct)),
        Some(acct) => Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "invalid_request_error",
            &format!("The provided key does not have access to account '{acct}' (or that account does not exist). Application access may have been revoked."),
        )
        .with_code("account_invalid")),
    }
}

/// `GET /v1/balance_transactions` with `Stripe-Account`: the connected account's ledger,
/// newest first; `payout` (the transactions paid out with it, the payout's own included),
/// `type`, `source`, `currency`, `limit`, `starting_after`. Without `Stripe-Account` (the
/// platform, whose balance the simulator does not keep) the list is empty.
pub fn list(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let url = "/v1/balance_transactions";
    let acct = connected(ctx, st)?.map(str::to_string);
    let payout = p.str_of("payout");
    if let Some(po) = payout {
        let mine = st
            .payouts
            .get(po)
            .is_some_and(|r| Some(&r.account) == acct.as_ref());
        if !mine {
            return Err(ApiError::missing_ref("payout", po, "payout"));
        }
    }
    let Some(acct) = acct else {
        return lists::page(Vec::new(), p, url, "balance transaction");
    };
    sync(st, &acct);
    let type_ = p.str_of("type");
    let source = p.str_of("source");
    let currency = p.str_of("currency");
    let entries: Vec<&Value> = st
        .ledgers
        .get(&acct)
        .map(|l| {
            l.iter()
                .filter(|e| payout.is_none_or(|po| e.payout.as_deref() == Some(po)))
                .map(|e| &e.txn)
                .filter(|t| type_.is_none_or(|ty| t["type"] == ty))
                .filter(|t| source.is_none_or(|s| t["source"] == s))
                .filter(|t| currency.is_none_or(|c| t["currency"] == c))
                .collect()
        })
        .unwrap_or_default();
    lists::page(entries, p, url, "balance transaction")
}

/// `GET /v1/balance_transactions/{id}` (with `Stripe-Account`).
pub fn retrieve(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let Some(acct) = connected(ctx, st)?.map(str::to_string) else {
        return Err(ApiError::not_found("balance transaction", id));
    };
    sync(st, &acct);
    st.ledgers
        .get(&acct)
        .and_then(|l| l.iter().find(|e| e.txn["id"] == id))
        .map(|e| e.txn.clone())
        .ok_or_else(|| ApiError::not_found("balance transaction", id))
}

/// `GET /v1/balance` with `Stripe-Account`: the connected account's available balance per
/// currency (nothing is ever pending). Without it: the platform's, which is not kept (empty).
pub fn balance(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let acct = connected(ctx, st)?.map(str::to_string);
    let mut amounts = Vec::new();
    if let Some(acct) = &acct {
        sync(st, acct);
        let mut currencies: Vec<String> = st
            .ledgers
            .get(acct)
            .map(|l| {
                l.iter()
                    .filter_map(|e| e.txn["currency"].as_str().map(str::to_string))
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default();
        if currencies.is_empty() {
            let default = st
                .accounts
                .get(acct.as_str())
                .and_then(|a| a["default_currency"].as_str())
                .unwrap_or("sek")
                .to_string();
            currencies.push(default);
        }
        currencies.sort();
        for c in currencies {
            let amount = available(st, acct, &c);
            amounts
                .push(json!({"amount": amount, "currency": c, "source_types": {"card": amount}}));
        }
    }
    let pending: Vec<Value> = amounts
        .iter()
        .map(|a| json!({"amount": 0, "currency": a["currency"].clone(), "source_types": {"card": 0}}))
        .collect();
    let reserved: Vec<Value> = amounts
        .iter()
        .map(|a| json!({"amount": 0, "currency": a["currency"].clone()}))
        .collect();
    Ok(json!({
        "object": "balance",
        "available": amounts,
        "connect_reserved": reserved,
        "livemode": false,
        "pending": pending,
    }))
}
