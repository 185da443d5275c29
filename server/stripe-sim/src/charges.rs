//! Charges, transfers (destination charges) and refunds (with transfer reversals and
//! application-fee refunds).

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::application_fees;
use crate::error::ApiError;
use crate::events::emit;
use crate::form::Params;
use crate::ids::{new_id, random_string};
use crate::payment_intents::Decline;
use crate::state::{Method, State};

fn payment_method_details(method: &Method) -> Value {
    match method {
        Method::Card(card) => {
            let brand = card.brand();
            json!({
                "card": {
                    "amount_authorized": null,
                    "brand": brand,
                    "checks": {"address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass"},
                    "country": "SE",
                    "exp_month": card.exp_month,
                    "exp_year": card.exp_year,
                    "fingerprint": random_string(16),
                    "funding": "credit",
                    "installments": null,
                    "last4": card.last4(),
                    "mandate": null,
                    "network": brand,
                    "network_token": {"used": false},
                    "three_d_secure": null,
                    "wallet": null,
                },
                "type": "card",
            })
        }
        Method::Paypal => json!({
            "paypal": {
                "country": "SE",
                "payer_email": "buyer@example.com",
                "payer_id": random_string(13).to_ascii_uppercase(),
                "payer_name": "Test Buyer",
                "seller_protection": {"dispute_categories": null, "status": "eligible"},
                "transaction_id": random_string(17).to_ascii_uppercase(),
            },
            "type": "paypal",
        }),
        Method::Klarna => json!({
            "klarna": {"payment_method_category": "pay_later", "preferred_locale": "sv-SE"},
            "type": "klarna",
        }),
    }
}

/// A Charge for a PaymentIntent; `failure` makes it a failed charge.
pub fn build_charge(
    now: i64,
    pi: &Value,
    pm_id: &str,
    method: &Method,
    failure: Option<&Decline>,
) -> Value {
    let id = new_id("ch");
    let amount = pi["amount"].as_i64().unwrap_or(0);
    let ok = failure.is_none();
    let outcome = match failure {
        None => json!({
            "advice_code": null,
            "network_advice_code": null,
            "network_decline_code": null,
            "network_status": "approved_by_network",
            "reason": null,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }),
        Some(d) => json!({
            "advice_code": null,
            "network_advice_code": null,
            "network_decline_code": null,
            "network_status": "declined_by_network",
            "reason": d.decline_code,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined",
        }),
    };
    let fee = pi["application_fee_amount"].as_i64();
    let has_destination = pi["transfer_data"]["destination"].is_string();
    json!({
        "id": id,
        "object": "charge",
        "amount": amount,
        "amount_captured": if ok { amount } else { 0 },
        "amount_refunded": 0,
        "application": null,
        "application_fee": if ok && has_destination && fee.is_some() { json!(new_id("fee")) } else { Value::Null },
        "application_fee_amount": fee,
        "balance_transaction": if ok { json!(new_id("txn")) } else { Value::Null },
        "billing_details": {
            "address": {"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null},
            "email": null,
            "name": null,
            "phone": null,
            "tax_id": null,
        },
        "calculated_statement_descriptor": "AVELI",
        "captured": ok,
        "created": now,
        "currency": pi["currency"].clone(),
        "customer": pi["customer"].clone(),
        "description": pi["description"].clone(),
        "disputed": false,
        "failure_balance_transaction": null,
        "failure_code": failure.map(|d| d.code),
        "failure_message": failure.map(|d| d.message),
        "fraud_details": {},
        "livemode": false,
        "metadata": pi["metadata"].clone(),
        "on_behalf_of": null,
        "outcome": outcome,
        "paid": ok,
        "payment_intent": pi["id"].clone(),
        "payment_method": pm_id,
        "payment_method_details": payment_method_details(method),
        "receipt_email": pi["receipt_email"].clone(),
        "receipt_number": null,
        "receipt_url": null,
        "refunded": false,
        "refunds": {"object": "list", "data": [], "has_more": false, "total_count": 0, "url": format!("/v1/charges/{id}/refunds")},
        "review": null,
        "shipping": null,
        "source": null,
        "source_transfer": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": pi["statement_descriptor_suffix"].clone(),
        "status": if ok { "succeeded" } else { "failed" },
        "transfer": null,
        "transfer_data": if has_destination { json!({"amount": pi["transfer_data"]["amount"].clone(), "destination": pi["transfer_data"]["destination"].clone()}) } else { Value::Null },
        "transfer_group": pi["transfer_group"].clone(),
    })
}

pub fn build_transfer(
    now: i64,
    pi: &Value,
    charge_id: &str,
    destination: &str,
    amount: i64,
) -> Value {
    let id = new_id("tr");
    json!({
        "id": id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": new_id("txn"),
        "created": now,
        "currency": pi["currency"].clone(),
        "description": null,
        "destination": destination,
        "destination_payment": new_id("py"),
        "livemode": false,
        "metadata": {},
        "reversals": {"object": "list", "data": [], "has_more": false, "total_count": 0, "url": format!("/v1/transfers/{id}/reversals")},
        "reversed": false,
        "source_transaction": charge_id,
        "source_type": "card",
        "transfer_group": pi["transfer_group"].clone(),
    })
}

pub fn retrieve_charge(st: &State, id: &str) -> Result<Value, ApiError> {
    st.charges
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("charge", id))
}

pub fn retrieve_transfer(st: &State, id: &str) -> Result<Value, ApiError> {
    st.transfers
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("transfer", id))
}

pub fn retrieve_refund(st: &State, id: &str) -> Result<Value, ApiError> {
    st.refunds
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("refund", id))
}

/// `GET /v1/refunds`: newest first, optionally only those of one `charge`
/// or `payment_intent`, paged by `limit` and `starting_after`.
pub fn list_refunds(ctx: &Ctx<'_>, st: &State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let limit = usize::try_from(p.i64_of("limit")?.unwrap_or(10).clamp(1, 100)).unwrap_or(10);
    let charge = p.str_of("charge");
    let intent = p.str_of("payment_intent");
    let mut refunds: Vec<&Value> = st
        .refunds
        .values()
        .filter(|r| charge.is_none_or(|c| r["charge"] == c))
        .filter(|r| intent.is_none_or(|pi| r["payment_intent"] == pi))
        .collect();
    refunds.sort_by(|a, b| {
        (b["created"].as_i64(), b["id"].as_str()).cmp(&(a["created"].as_i64(), a["id"].as_str()))
    });
    if let Some(after) = p.str_of("starting_after") {
        let Some(at) = refunds.iter().position(|r| r["id"] == after) else {
            return Err(ApiError::not_found("refund", after));
        };
        refunds.drain(..=at);
    }
    let has_more = refunds.len() > limit;
    let data: Vec<Value> = refunds.into_iter().take(limit).cloned().collect();
    Ok(json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/refunds"}))
}

/// Where the money goes back to, by the charge's payment method, as Stripe
/// describes it (a card refund's reference arrives later: `pending`).
fn destination_details(charge: &Value) -> Value {
    match charge["payment_method_details"]["type"].as_str() {
        Some("card") | None => json!({
            "type": "card",
            "card": {
                "reference": null,
                "reference_status": "pending",
                "reference_type": null,
                "type": "refund",
            },
        }),
        Some(other) => json!({ "type": other, other: {} }),
    }
}

/// `POST /v1/refunds`.
pub fn create_refund(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let charge_id = match (p.str_of("charge"), p.str_of("payment_intent")) {
        (Some(ch), _) => {
            if !st.charges.contains_key(ch) {
                return Err(ApiError::missing_ref("charge", ch, "charge"));
            }
            ch.to_string()
        }
        (None, Some(pi_id)) => {
            let pi = st
                .payment_intents
                .get(pi_id)
                .ok_or_else(|| ApiError::missing_ref("payment_intent", pi_id, "payment_intent"))?;
            match (pi["status"].as_str(), pi["latest_charge"].as_str()) {
                (Some("succeeded"), Some(ch)) => ch.to_string(),
                _ => {
                    return Err(ApiError::invalid_param(
                        "charge_not_refundable",
                        &format!("This PaymentIntent ({pi_id}) does not have a successful charge to refund."),
                        "payment_intent",
                    ))
                }
            }
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "One of the following params should be provided for this request: payment_intent or charge.",
            )
            .with_code("parameter_missing"))
        }
    };
    let mut charge = retrieve_charge(st, &charge_id)?;
    if charge["status"] != "succeeded" {
        return Err(ApiError::invalid_param(
            "charge_not_refundable",
            &format!("Charge {charge_id} has not succeeded and cannot be refunded."),
            "charge",
        ));
    }
    let charged_back = st
        .disputes
        .values()
        .any(|d| d["charge"] == charge_id.as_str() && d["status"] != "won");
    if charged_back {
        return Err(ApiError::invalid(&format!(
            "Charge {charge_id} has been charged back; cannot issue a refund."
        ))
        .with_code("charge_disputed"));
    }
    let total = charge["amount"].as_i64().unwrap_or(0);
    let refunded = charge["amount_refunded"].as_i64().unwrap_or(0);
    let remaining = total - refunded;
    if remaining <= 0 {
        return Err(
            ApiError::invalid(&format!("Charge {charge_id} has already been refunded."))
                .with_code("charge_already_refunded"),
        );
    }
    let amount = p.i64_of("amount")?.unwrap_or(remaining);
    if amount < 1 {
        return Err(ApiError::invalid_param(
            "parameter_invalid_integer",
            "Refund amount must be at least 1.",
            "amount",
        ));
    }
    if amount > remaining {
        return Err(ApiError::invalid_param(
            "amount_too_large",
            &format!("Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})"),
            "amount",
        ));
    }
    let reason = p.str_of("reason");
    if let Some(r) = reason {
        if !matches!(r, "duplicate" | "fraudulent" | "requested_by_customer") {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer (got {r})"),
                "reason",
            ));
        }
    }
    let reverse = p.bool_of("reverse_transfer")?.unwrap_or(false);
    let refund_fee = p.bool_of("refund_application_fee")?.unwrap_or(false);
    let fee_id = charge["application_fee"].as_str().map(str::to_string);
    if refund_fee && fee_id.is_none() {
        return Err(ApiError::invalid(&format!(
            "Charge {charge_id} has no application fee to refund: refund_application_fee can only be used on charges with an application fee."
        ))
        .with("param", "refund_application_fee"));
    }
    let metadata = Value::Object(p.metadata()?.unwrap_or_default());
    let transfer_id = charge["transfer"].as_str().map(str::to_string);
    if reverse && transfer_id.is_none() {
        return Err(ApiError::invalid_param(
            "parameter_invalid_boolean",
            "reverse_transfer can only be used on charges with a transfer (destination charges).",
            "reverse_transfer",
        ));
    }

    let refund_id = new_id("re");
    let mut reversal_snapshot = None;
    let mut reversal_id = Value::Null;
    if let (true, Some(tr_id)) = (reverse, &transfer_id) {
        if let Some(tr) = st.transfers.get_mut(tr_id) {
            let tr_amount = tr["amount"].as_i64().unwrap_or(0);
            let already = tr["amount_reversed"].as_i64().unwrap_or(0);
            // Proportional to the refunded share of the charge, like Stripe.
            let share = if total > 0 {
                (tr_amount * amount + total / 2) / total
            } else {
                0
            };
            let rev_amount = share.min(tr_amount - already).max(0);
            let rid = new_id("trr");
            let reversal = json!({
                "id": rid,
                "object": "transfer_reversal",
                "amount": rev_amount,
                "balance_transaction": new_id("txn"),
                "created": st.clock.now(),
                "currency": tr["currency"].clone(),
                "destination_payment_refund": new_id("pyr"),
                "metadata": {},
                "source_refund": refund_id,
                "transfer": tr_id,
            });
            let new_reversed = already + rev_amount;
            tr["amount_reversed"] = json!(new_reversed);
            tr["reversed"] = json!(new_reversed >= tr_amount);
            if let Some(data) = tr["reversals"]["data"].as_array_mut() {
                data.insert(0, reversal);
                let n = data.len();
                tr["reversals"]["total_count"] = json!(n);
            }
            reversal_id = json!(rid);
            reversal_snapshot = Some(tr.clone());
        }
    }
    let refund = json!({
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": new_id("txn"),
        "charge": charge_id,
        "created": st.clock.now(),
        "currency": charge["currency"].clone(),
        "customer": charge["customer"].clone(),
        "customer_account": null,
        "destination_details": destination_details(&charge),
        "metadata": metadata,
        "payment_intent": charge["payment_intent"].clone(),
        "payment_method": charge["payment_method"].clone(),
        "reason": reason,
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": "succeeded",
        "transfer_reversal": reversal_id,
    });
    let previous = json!({
        "amount_refunded": refunded,
        "refunded": charge["refunded"].clone(),
    });
    let new_refunded = refunded + amount;
    charge["amount_refunded"] = json!(new_refunded);
    charge["refunded"] = json!(new_refunded >= total);
    if let Some(data) = charge["refunds"]["data"].as_array_mut() {
        data.insert(0, refund.clone());
        let n = data.len();
        charge["refunds"]["total_count"] = json!(n);
    }
    st.charges.insert(charge_id, charge.clone());
    st.refunds.insert(refund_id, refund.clone());
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "charge.refunded",
        &charge,
        Some(previous),
        None,
    );
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "refund.created",
        &refund,
        None,
        None,
    );
    if let Some(tr) = reversal_snapshot {
        emit(
            ctx.inner,
            st,
            &ctx.req,
            "transfer.reversed",
            &tr,
            None,
            None,
        );
    }
    if let (true, Some(fee)) = (refund_fee, &fee_id) {
        application_fees::refund_share(ctx, st, fee, amount, total, new_refunded >= total);
    }
    Ok(refund)
}
