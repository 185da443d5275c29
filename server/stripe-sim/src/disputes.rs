//! Disputes: opened by a test helper as Stripe's `4000 0000 0000 0259` card would open one,
//! evidence updates and submission, closed by a test helper.

use serde_json::{json, Map, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::events::emit;
use crate::form::Params;
use crate::ids::new_id;
use crate::lists;
use crate::state::State;

/// How long the merchant has to respond (Stripe: `evidence_details.due_by`).
const RESPONSE_WINDOW_SECS: i64 = 7 * 86_400;

/// Evidence fields that take free text.
const TEXT_EVIDENCE: [&str; 18] = [
    "access_activity_log",
    "billing_address",
    "cancellation_policy_disclosure",
    "cancellation_rebuttal",
    "customer_email_address",
    "customer_name",
    "customer_purchase_ip",
    "duplicate_charge_explanation",
    "duplicate_charge_id",
    "product_description",
    "refund_policy_disclosure",
    "refund_refusal_explanation",
    "service_date",
    "shipping_address",
    "shipping_carrier",
    "shipping_date",
    "shipping_tracking_number",
    "uncategorized_text",
];

/// Evidence fields that take a file upload id (`file_…`).
const FILE_EVIDENCE: [&str; 9] = [
    "cancellation_policy",
    "customer_communication",
    "customer_signature",
    "duplicate_charge_documentation",
    "receipt",
    "refund_policy",
    "service_documentation",
    "shipping_documentation",
    "uncategorized_file",
];

const REASONS: [&str; 15] = [
    "bank_cannot_process",
    "check_returned",
    "credit_not_processed",
    "customer_initiated",
    "debit_not_authorized",
    "duplicate",
    "fraudulent",
    "general",
    "incorrect_account_details",
    "insufficient_funds",
    "noncompliant",
    "product_not_received",
    "product_unacceptable",
    "subscription_canceled",
    "unrecognized",
];

fn is_closed(dispute: &Value) -> bool {
    matches!(
        dispute["status"].as_str(),
        Some("won" | "lost" | "warning_closed")
    )
}

fn empty_evidence() -> Value {
    let mut m = Map::new();
    for k in TEXT_EVIDENCE.iter().chain(FILE_EVIDENCE.iter()) {
        m.insert((*k).to_string(), Value::Null);
    }
    m.insert("enhanced_evidence".into(), json!({}));
    Value::Object(m)
}

/// A balance transaction of the platform for a dispute (`-amount` withdrawn, or reinstated).
fn dispute_txn(now: i64, dispute_id: &str, charge: &Value, amount: i64, reinstated: bool) -> Value {
    let charge_id = charge["id"].as_str().unwrap_or_default();
    json!({
        "id": new_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": now,
        "balance_type": "payments",
        "created": now,
        "currency": charge["currency"].clone(),
        "description": if reinstated {
            format!("Chargeback reversal for {charge_id}")
        } else {
            format!("Chargeback withdrawal for {charge_id}")
        },
        "exchange_rate": null,
        "fee": 0,
        "fee_details": [],
        "net": amount,
        "reporting_category": if reinstated { "dispute_reversal" } else { "dispute" },
        "source": dispute_id,
        "status": "available",
        "type": "adjustment",
    })
}

fn payment_method_details(charge: &Value) -> Value {
    let details = &charge["payment_method_details"];
    match details["type"].as_str() {
        Some("card") | None => {
            let brand = details["card"]["brand"].as_str().unwrap_or("visa");
            json!({
                "type": "card",
                "card": {
                    "brand": brand,
                    "case_type": "chargeback",
                    "network": brand,
                    "network_reason_code": "10.4",
                },
            })
        }
        Some("klarna") => json!({
            "type": "klarna",
            "klarna": {"chargeback_loss_reason_code": null, "reason_code": null},
        }),
        Some("paypal") => json!({
            "type": "paypal",
            "paypal": {"case_id": null, "reason_code": null},
        }),
        Some(other) => json!({ "type": other }),
    }
}

/// `evidence_details.past_due` follows the clock.
fn view(st: &State, dispute: &Value) -> Value {
    let mut d = dispute.clone();
    let due = d["evidence_details"]["due_by"].as_i64().unwrap_or(i64::MAX);
    let open = d["status"] == "needs_response" || d["status"] == "warning_needs_response";
    d["evidence_details"]["past_due"] = json!(open && st.clock.now() > due);
    d
}

/// `POST /v1/test_helpers/charges/{id}/dispute` (`reason`, default `fraudulent`).
pub fn create(ctx: &Ctx<'_>, st: &mut State, charge_id: &str) -> Result<Value, ApiError> {
    let reason = ctx.params.str_of("reason").unwrap_or("fraudulent");
    if !REASONS.contains(&reason) {
        return Err(ApiError::invalid_param(
            "parameter_invalid_string",
            &format!(
                "Invalid reason: must be one of {} (got {reason})",
                REASONS.join(", ")
            ),
            "reason",
        ));
    }
    let Some(charge) = st.charges.get_mut(charge_id) else {
        return Err(ApiError::not_found("charge", charge_id));
    };
    if charge["status"] != "succeeded" {
        return Err(ApiError::invalid(&format!(
            "Charge {charge_id} has not succeeded and cannot be disputed."
        ))
        .with_code("charge_not_disputable"));
    }
    if charge["disputed"] == true {
        return Err(
            ApiError::invalid(&format!("Charge {charge_id} is already disputed."))
                .with_code("charge_already_disputed"),
        );
    }
    charge["disputed"] = json!(true);
    let charge = charge.clone();
    let now = st.clock.now();
    let id = new_id("dp");
    let amount = charge["amount"].as_i64().unwrap_or(0);
    let dispute = json!({
        "id": id,
        "object": "dispute",
        "amount": amount,
        "balance_transactions": [dispute_txn(now, &id, &charge, -amount, false)],
        "charge": charge_id,
        "created": now,
        "currency": charge["currency"].clone(),
        "enhanced_eligibility_types": [],
        "evidence": empty_evidence(),
        "evidence_details": {
            "due_by": now + RESPONSE_WINDOW_SECS,
            "enhanced_eligibility": {},
            "has_evidence": false,
            "past_due": false,
            "submission_count": 0,
        },
        "is_charge_refundable": false,
        "livemode": false,
        "metadata": {},
        "network_reason_code": "10.4",
        "payment_intent": charge["payment_intent"].clone(),
        "payment_method_details": payment_method_details(&charge),
        "reason": reason,
        "status": "needs_response",
    });
    st.remember(&id);
    st.disputes.insert(id, dispute.clone());
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "charge.dispute.created",
        &dispute,
        None,
        None,
    );
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "charge.dispute.funds_withdrawn",
        &dispute,
        None,
        None,
    );
    Ok(dispute)
}

pub fn retrieve(st: &State, id: &str) -> Result<Value, ApiError> {
    st.disputes
        .get(id)
        .map(|d| view(st, d))
        .ok_or_else(|| ApiError::not_found("dispute", id))
}

/// `GET /v1/disputes`: newest first; `charge`, `payment_intent`, `limit`, `starting_after`.
pub fn list(ctx: &Ctx<'_>, st: &State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let charge = p.str_of("charge");
    let intent = p.str_of("payment_intent");
    let views: Vec<Value> = st
        .disputes
        .values()
        .filter(|d| charge.is_none_or(|c| d["charge"] == c))
        .filter(|d| intent.is_none_or(|pi| d["payment_intent"] == pi))
        .map(|d| view(st, d))
        .collect();
    lists::page(
        st.oldest_first(views.iter().collect()),
        p,
        "/v1/disputes",
        "dispute",
    )
}

/// The `evidence[...]` params, checked: known keys only, file fields take `file_…` ids.
fn evidence_params(params: &Value) -> Result<Map<String, Value>, ApiError> {
    let given = match params.get("evidence") {
        None => return Ok(Map::new()),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                "Invalid evidence: must be a hash.",
                "evidence",
            ))
        }
    };
    let mut out = Map::new();
    for (k, v) in given {
        if k == "enhanced_evidence" {
            // Card-network programmes the simulator does not model: accepted, not kept.
            continue;
        }
        let param = format!("evidence[{k}]");
        let Some(text) = v.as_str() else {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid {param}: must be a string."),
                &param,
            ));
        };
        if FILE_EVIDENCE.contains(&k.as_str()) {
            if !text.is_empty() && !text.starts_with("file_") {
                return Err(ApiError::missing_ref("file upload", text, &param));
            }
        } else if !TEXT_EVIDENCE.contains(&k.as_str()) {
            return Err(ApiError::invalid_param(
                "parameter_unknown",
                &format!("Received unknown parameter: {param}"),
                &param,
            ));
        }
        let value = if text.is_empty() {
            Value::Null
        } else {
            json!(text)
        };
        out.insert(k.clone(), value);
    }
    Ok(out)
}

/// `POST /v1/disputes/{id}`: `evidence[...]`, `metadata`, `submit` (default true).
pub fn update(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let p = ctx.params;
    let evidence = evidence_params(p)?;
    let submit = p.bool_of("submit")?.unwrap_or(true);
    let metadata = p.metadata()?;
    let now = st.clock.now();
    let Some(dispute) = st.disputes.get_mut(id) else {
        return Err(ApiError::not_found("dispute", id));
    };
    if is_closed(dispute) {
        return Err(ApiError::invalid(&format!(
            "This dispute is already closed ({}); it cannot be updated.",
            dispute["status"].as_str().unwrap_or_default()
        ))
        .with_code("dispute_already_closed"));
    }
    let due = dispute["evidence_details"]["due_by"]
        .as_i64()
        .unwrap_or(i64::MAX);
    if submit && now > due {
        return Err(ApiError::invalid(&format!(
            "The evidence for dispute {id} was due by {due}; it can no longer be submitted."
        ))
        .with_code("dispute_evidence_past_due"));
    }
    let mut previous = Map::new();
    if !evidence.is_empty() {
        previous.insert("evidence".into(), dispute["evidence"].clone());
        for (k, v) in evidence {
            dispute["evidence"][k] = v;
        }
    }
    if let Some(m) = metadata {
        previous.insert("metadata".into(), dispute["metadata"].clone());
        if let Some(existing) = dispute["metadata"].as_object_mut() {
            if m.is_empty() {
                existing.clear();
            }
            for (k, v) in m {
                existing.insert(k, v);
            }
        }
    }
    let has_evidence = dispute["evidence"].as_object().is_some_and(|e| {
        e.iter()
            .any(|(k, v)| k != "enhanced_evidence" && !v.is_null())
    });
    let old_details = dispute["evidence_details"].clone();
    dispute["evidence_details"]["has_evidence"] = json!(has_evidence);
    if submit {
        let n = old_details["submission_count"].as_i64().unwrap_or(0);
        dispute["evidence_details"]["submission_count"] = json!(n + 1);
        if dispute["status"] != "under_review" {
            previous.insert("status".into(), dispute["status"].clone());
            dispute["status"] = json!("under_review");
        }
    }
    if dispute["evidence_details"] != old_details {
        previous.insert("evidence_details".into(), old_details);
    }
    let snapshot = dispute.clone();
    let snapshot = view(st, &snapshot);
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "charge.dispute.updated",
        &snapshot,
        Some(Value::Object(previous)),
        None,
    );
    Ok(snapshot)
}

/// `POST /v1/test_helpers/disputes/{id}/close` with `outcome=won|lost`.
pub fn close(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let outcome = ctx.params.req_str("outcome")?;
    if outcome != "won" && outcome != "lost" {
        return Err(ApiError::invalid_param(
            "parameter_invalid_string",
            &format!("Invalid outcome: must be one of won or lost (got {outcome})"),
            "outcome",
        ));
    }
    finish(ctx, st, id, outcome)
}

/// `POST /v1/disputes/{id}/close`: the merchant accepts the dispute, which is lost.
pub fn accept(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    finish(ctx, st, id, "lost")
}

/// Closes a dispute as `won` or `lost`: `charge.dispute.closed` (and
/// `charge.dispute.funds_reinstated` when won).
fn finish(ctx: &Ctx<'_>, st: &mut State, id: &str, outcome: &str) -> Result<Value, ApiError> {
    let now = st.clock.now();
    let Some(dispute) = st.disputes.get(id).cloned() else {
        return Err(ApiError::not_found("dispute", id));
    };
    if is_closed(&dispute) {
        return Err(ApiError::invalid(&format!(
            "This dispute is already closed ({}).",
            dispute["status"].as_str().unwrap_or_default()
        ))
        .with_code("dispute_already_closed"));
    }
    let mut dispute = dispute;
    let previous = json!({"status": dispute["status"].clone()});
    dispute["status"] = json!(outcome);
    if outcome == "won" {
        let charge = dispute["charge"]
            .as_str()
            .and_then(|c| st.charges.get(c))
            .cloned()
            .unwrap_or(Value::Null);
        let amount = dispute["amount"].as_i64().unwrap_or(0);
        let txn = dispute_txn(now, id, &charge, amount, true);
        if let Some(txns) = dispute["balance_transactions"].as_array_mut() {
            txns.push(txn);
        }
    }
    let snapshot = view(st, &dispute);
    st.disputes.insert(id.to_string(), dispute);
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "charge.dispute.closed",
        &snapshot,
        Some(previous),
        None,
    );
    if outcome == "won" {
        emit(
            ctx.inner,
            st,
            &ctx.req,
            "charge.dispute.funds_reinstated",
            &snapshot,
            None,
            None,
        );
    }
    Ok(snapshot)
}
