//! Payouts of connected accounts: a test helper pays out an account's whole available
//! balance (see `ledger`), the way an automatic payout would; list and retrieve with the
//! `Stripe-Account` header.
//!
//! Which transfers a payout contains: `GET /v1/balance_transactions?payout={po_id}` with the
//! same `Stripe-Account` header lists them (type `payment`, `source` = the transfer's
//! `destination_payment`; reversals as `payment_refund`), plus the payout's own transaction.

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::events::emit;
use crate::form::Params;
use crate::ids::new_id;
use crate::ledger;
use crate::lists;
use crate::state::{LedgerEntry, PayoutRecord, State};

/// Standard payouts arrive about two days after they are created.
const ARRIVAL_SECS: i64 = 2 * 86_400;

/// The bank account (external account) a connected account is paid out to.
pub fn bank_account(account: &str) -> String {
    format!("ba_{}", account.strip_prefix("acct_").unwrap_or(account))
}

fn payout_json(id: &str, now: i64, account: &str, amount: i64, currency: &str, txn: &str) -> Value {
    json!({
        "id": id,
        "object": "payout",
        "amount": amount,
        "application_fee": null,
        "application_fee_amount": null,
        "arrival_date": now + ARRIVAL_SECS,
        "automatic": true,
        "balance_transaction": txn,
        "created": now,
        "currency": currency,
        "description": "STRIPE PAYOUT",
        "destination": bank_account(account),
        "failure_balance_transaction": null,
        "failure_code": null,
        "failure_message": null,
        "livemode": false,
        "metadata": {},
        "method": "standard",
        "original_payout": null,
        "payout_method": null,
        "reconciliation_status": "in_progress",
        "reversed_by": null,
        "source_type": "card",
        "statement_descriptor": null,
        "status": "pending",
        "trace_id": {"status": "pending", "value": null},
        "type": "bank_account",
    })
}

/// `POST /v1/test_helpers/accounts/{id}/payout`: `outcome=paid|failed` (default `paid`),
/// `currency` (default the account's `default_currency`). Pays out the whole available
/// balance; emits `payout.created`, then `payout.paid` or `payout.failed` (Connect events).
pub fn create(ctx: &Ctx<'_>, st: &mut State, account: &str) -> Result<Value, ApiError> {
    let p = ctx.params;
    let outcome = p.str_of("outcome").unwrap_or("paid");
    if outcome != "paid" && outcome != "failed" {
        return Err(ApiError::invalid_param(
            "parameter_invalid_string",
            &format!("Invalid outcome: must be one of paid or failed (got {outcome})"),
            "outcome",
        ));
    }
    let Some(acct) = st.accounts.get(account) else {
        return Err(ApiError::not_found("account", account));
    };
    if acct["payouts_enabled"] != true {
        return Err(ApiError::invalid(&format!(
            "Payouts are not enabled for account {account}: it has not finished onboarding."
        ))
        .with_code("payouts_not_allowed"));
    }
    let currency = p
        .str_of("currency")
        .or_else(|| acct["default_currency"].as_str())
        .unwrap_or("sek")
        .to_ascii_lowercase();
    ledger::sync(st, account);
    let amount = ledger::available(st, account, &currency);
    if amount <= 0 {
        return Err(ApiError::invalid(&format!(
            "Account {account} has no available {currency} balance to pay out (available: {amount})."
        ))
        .with_code("balance_insufficient"));
    }
    let now = st.clock.now();
    let id = new_id("po");
    let cur = json!(currency);
    let src = json!(id);
    let payout_txn = ledger::txn(
        now,
        -amount,
        &cur,
        "payout",
        "payout",
        &src,
        Some("STRIPE PAYOUT"),
    );
    let mut payout = payout_json(
        &id,
        now,
        account,
        amount,
        &currency,
        payout_txn["id"].as_str().unwrap_or_default(),
    );
    let entries = st.ledgers.entry(account.to_string()).or_default();
    for e in entries.iter_mut() {
        if e.payout.is_none() && e.txn["currency"] == currency {
            e.payout = Some(id.clone());
        }
    }
    entries.push(LedgerEntry {
        txn: payout_txn,
        payout: Some(id.clone()),
    });
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "payout.created",
        &payout,
        None,
        Some(account),
    );
    if outcome == "paid" {
        payout["status"] = json!("paid");
        payout["reconciliation_status"] = json!("completed");
        payout["trace_id"] = json!({"status": "unsupported", "value": null});
        emit(
            ctx.inner,
            st,
            &ctx.req,
            "payout.paid",
            &payout,
            None,
            Some(account),
        );
    } else {
        let failure = ledger::txn(
            now,
            amount,
            &cur,
            "payout_failure",
            "payout_reversal",
            &src,
            Some("STRIPE PAYOUT FAILURE"),
        );
        payout["status"] = json!("failed");
        payout["reconciliation_status"] = json!("not_applicable");
        payout["trace_id"] = json!({"status": "unsupported", "value": null});
        payout["failure_code"] = json!("account_closed");
        payout["failure_message"] = json!("The bank account has been closed.");
        payout["failure_balance_transaction"] = failure["id"].clone();
        let entries = st.ledgers.entry(account.to_string()).or_default();
        // The money goes back to the balance: the contents are paid out next time.
        for e in entries.iter_mut() {
            if e.payout.as_deref() == Some(id.as_str()) && e.txn["type"] != "payout" {
                e.payout = None;
            }
        }
        entries.push(LedgerEntry {
            txn: failure,
            payout: Some(id.clone()),
        });
        emit(
            ctx.inner,
            st,
            &ctx.req,
            "payout.failed",
            &payout,
            None,
            Some(account),
        );
    }
    st.remember(&id);
    st.payouts.insert(
        id,
        PayoutRecord {
            account: account.to_string(),
            payout: payout.clone(),
        },
    );
    Ok(payout)
}

/// `GET /v1/payouts/{id}` with `Stripe-Account` naming the payout's account.
pub fn retrieve(ctx: &Ctx<'_>, st: &State, id: &str) -> Result<Value, ApiError> {
    let acct = ledger::connected(ctx, st)?;
    st.payouts
        .get(id)
        .filter(|r| Some(r.account.as_str()) == acct)
        .map(|r| r.payout.clone())
        .ok_or_else(|| ApiError::not_found("payout", id))
}

/// `GET /v1/payouts` with `Stripe-Account`: that account's payouts, newest first; `status`,
/// `limit`, `starting_after`. Without it (the platform's payouts): empty.
pub fn list(ctx: &Ctx<'_>, st: &State) -> Result<Value, ApiError> {
    let acct = ledger::connected(ctx, st)?;
    let status = ctx.params.str_of("status");
    let payouts: Vec<&Value> = st
        .payouts
        .values()
        .filter(|r| Some(r.account.as_str()) == acct)
        .map(|r| &r.payout)
        .filter(|po| status.is_none_or(|s| po["status"] == s))
        .collect();
    lists::page(
        st.oldest_first(payouts),
        ctx.params,
        "/v1/payouts",
        "payout",
    )
}
