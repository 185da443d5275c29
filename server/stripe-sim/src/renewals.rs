//! What happens to a subscription over time: the test-clock stand-in
//! (`POST /v1/test_helpers/subscriptions/{id}/advance`) that moves a subscription to its next
//! period (renewal invoice and its payment, the end of a trial, cancellation at period end),
//! and `POST /v1/invoices/{id}/pay` for paying an open invoice again.

use serde_json::{json, Map, Value};

use crate::api::Ctx;
use crate::billing::{
    build_invoice, expanded_invoice, invoice_event_view, invoice_intent, invoice_line,
    invoice_payment_failed, item_period_end, mark_invoice_paid, subscription_view, NewInvoice,
};
use crate::error::ApiError;
use crate::events::emit;
use crate::form::Params;
use crate::ids::new_id;
use crate::payment_intents::{self, card_outcome, resolve_pm, CardOutcome, Decline};
use crate::state::{Method, State};

/// The card to charge off-session: the subscription's default payment method, else the
/// customer's `invoice_settings.default_payment_method`.
fn default_payment_method(st: &State, sub: &Value) -> Option<String> {
    sub["default_payment_method"]
        .as_str()
        .map(str::to_string)
        .or_else(|| {
            sub["customer"]
                .as_str()
                .and_then(|c| st.customers.get(c))
                .and_then(|c| c["invoice_settings"]["default_payment_method"].as_str())
                .map(str::to_string)
        })
}

const GENERIC_DECLINE: Decline = Decline {
    code: "card_declined",
    decline_code: Some("generic_decline"),
    message: "Your card was declined.",
};

const AUTHENTICATION_REQUIRED: Decline = Decline {
    code: "authentication_required",
    decline_code: Some("authentication_required"),
    message: "Your card was declined. This transaction requires authentication.",
};

/// `POST /v1/test_helpers/subscriptions/{id}/advance` with `outcome=succeed|fail`
/// (default `succeed`). See the module docs of `test_helpers`.
pub fn advance(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let p = ctx.params;
    let want_success = match p.str_of("outcome").unwrap_or("succeed") {
        "succeed" | "success" | "succeeded" => true,
        "fail" | "failed" | "failure" => false,
        other => {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid outcome: {other} (expected succeed or fail)"),
                "outcome",
            ))
        }
    };
    let mut sub = st
        .subscriptions
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("subscription", id))?;
    let status = sub["status"].as_str().unwrap_or_default().to_string();
    match status.as_str() {
        "canceled" | "incomplete_expired" => {
            return Err(ApiError::unexpected_state(
                "subscription_canceled",
                &format!("The subscription {id} has ended ({status}); it has no next period."),
            ))
        }
        "incomplete" => {
            return Err(ApiError::unexpected_state(
                "subscription_unexpected_state",
                &format!("The subscription {id} is incomplete: its first invoice is unpaid, so it has not started. Pay its first invoice or cancel it."),
            ))
        }
        _ => {}
    }
    let inner = ctx.inner;
    let req = &ctx.req;
    let expand = p.string_list("expand");
    let first = &sub["items"]["data"][0];
    let old_start = first["current_period_start"].as_i64().unwrap_or(0);
    // The test clock moves to the end of the current period.
    let clock = first["current_period_end"].as_i64().unwrap_or(old_start);

    // Cancellation at period end: the subscription ends instead of renewing.
    let cancel_at = sub["cancel_at"].as_i64();
    if sub["cancel_at_period_end"] == true || cancel_at.is_some_and(|c| c <= clock) {
        let ended = cancel_at.unwrap_or(clock).min(clock);
        sub["status"] = json!("canceled");
        sub["ended_at"] = json!(ended);
        if sub["canceled_at"].is_null() {
            sub["canceled_at"] = json!(ended);
        }
        if sub["cancellation_details"]["reason"].is_null() {
            sub["cancellation_details"]["reason"] = json!("cancellation_requested");
        }
        st.subscriptions.insert(id.to_string(), sub.clone());
        emit(
            inner,
            st,
            req,
            "customer.subscription.deleted",
            &sub,
            None,
            None,
        );
        return Ok(subscription_view(st, &sub, &expand));
    }

    // The next period on every item.
    let mut previous = Map::new();
    previous.insert("items".into(), sub["items"].clone());
    previous.insert("latest_invoice".into(), sub["latest_invoice"].clone());
    if let Some(items) = sub["items"]["data"].as_array_mut() {
        for item in items {
            let end = item_period_end(item, clock);
            item["current_period_start"] = json!(clock);
            item["current_period_end"] = json!(end);
        }
    }

    // The renewal (or first post-trial) invoice.
    let customer_id = sub["customer"].as_str().unwrap_or_default().to_string();
    let currency = sub["currency"].as_str().unwrap_or("sek").to_string();
    let invoice_id = new_id("in");
    let lines: Vec<Value> = sub["items"]["data"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    let end = item["current_period_end"].as_i64().unwrap_or(clock);
                    invoice_line(st, &invoice_id, id, item, (clock, end), false)
                })
                .collect()
        })
        .unwrap_or_default();
    let total: i64 = lines.iter().filter_map(|l| l["amount"].as_i64()).sum();
    let pi = (total > 0).then(|| {
        invoice_intent(
            st.clock.now(),
            &customer_id,
            &currency,
            total,
            "Subscription update",
        )
    });
    let sub_metadata = sub["metadata"].clone();
    let invoice = build_invoice(
        st,
        NewInvoice {
            id: &invoice_id,
            sub_id: id,
            sub_metadata: &sub_metadata,
            customer_id: &customer_id,
            currency: &currency,
            lines,
            billing_reason: "subscription_cycle",
            created: clock,
            period: (old_start, clock),
            pi: pi.as_ref(),
        },
    );
    st.invoices.insert(invoice_id.clone(), invoice.clone());
    let view = invoice_event_view(&invoice);
    emit(inner, st, req, "invoice.created", &view, None, None);
    emit(inner, st, req, "invoice.finalized", &view, None, None);

    // Its payment, off-session with the card on file.
    let paid = match &pi {
        None => {
            mark_invoice_paid(inner, st, req, &invoice_id, None, clock);
            true
        }
        Some(pi) => {
            let pi_id = pi["id"].as_str().unwrap_or_default().to_string();
            st.payment_intents.insert(pi_id.clone(), pi.clone());
            emit(inner, st, req, "payment_intent.created", pi, None, None);
            let card = default_payment_method(st, &sub)
                .and_then(|pm| resolve_pm(st, &pm).ok().map(|m| (pm, m)));
            let paid = match card {
                Some((pm, method)) => {
                    let outcome = match &method {
                        Method::Card(c) => card_outcome(&c.number),
                        Method::Paypal | Method::Klarna => CardOutcome::Succeed,
                    };
                    let decline = match (want_success, outcome) {
                        (true, CardOutcome::Succeed) => None,
                        (true, CardOutcome::Decline(d)) => Some(d),
                        (true, CardOutcome::ThreeDs) => Some(AUTHENTICATION_REQUIRED),
                        (false, _) => Some(GENERIC_DECLINE),
                    };
                    match decline {
                        None => {
                            payment_intents::succeed(inner, st, req, &pi_id, &pm, &method);
                            mark_invoice_paid(inner, st, req, &invoice_id, Some(&pi_id), clock);
                            true
                        }
                        Some(d) => {
                            let _ =
                                payment_intents::decline(inner, st, req, &pi_id, &pm, &method, &d);
                            invoice_payment_failed(inner, st, req, &invoice_id);
                            false
                        }
                    }
                }
                // No card on file: nothing to charge, the attempt fails.
                None => {
                    invoice_payment_failed(inner, st, req, &invoice_id);
                    false
                }
            };
            // From now on, paying this intent (e.g. through the invoice's confirmation_secret)
            // pays the invoice.
            st.pi_invoice.insert(pi_id, invoice_id.clone());
            paid
        }
    };

    let new_status = if paid { "active" } else { "past_due" };
    if status != new_status {
        previous.insert("status".into(), json!(status));
        sub["status"] = json!(new_status);
    }
    sub["latest_invoice"] = json!(invoice_id);
    st.subscriptions.insert(id.to_string(), sub.clone());
    emit(
        inner,
        st,
        req,
        "customer.subscription.updated",
        &sub,
        Some(Value::Object(previous)),
        None,
    );
    Ok(subscription_view(st, &sub, &expand))
}

/// `POST /v1/invoices/{id}/pay` (`payment_method` optional: else the subscription's or the
/// customer's default): confirms the invoice's PaymentIntent off-session. Success pays the
/// invoice as confirming its `confirmation_secret` does; a decline answers 402 like a confirm.
pub fn pay_invoice(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let inv = st
        .invoices
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("invoice", id))?;
    match inv["status"].as_str().unwrap_or_default() {
        "open" => {}
        "paid" => return Err(ApiError::invalid("Invoice is already paid")),
        other => {
            return Err(ApiError::invalid(&format!(
                "You can only pay an open invoice; this invoice is {other}."
            )))
        }
    }
    let Some(pi_id) = inv["payments"]["data"][0]["payment"]["payment_intent"]
        .as_str()
        .map(str::to_string)
    else {
        return Err(ApiError::invalid("This invoice has no payment to attempt."));
    };
    if ctx.params.str_of("payment_method").is_none() {
        let sub = inv["parent"]["subscription_details"]["subscription"]
            .as_str()
            .and_then(|s| st.subscriptions.get(s))
            .cloned()
            .unwrap_or_else(|| json!({"customer": inv["customer"].clone()}));
        let Some(pm) = default_payment_method(st, &sub) else {
            return Err(ApiError::invalid_param(
                "parameter_missing",
                "There is no `default_payment_method` set on this Customer or Subscription. Pass `payment_method` to pay this invoice.",
                "payment_method",
            ));
        };
        if let Some(pi) = st.payment_intents.get_mut(&pi_id) {
            pi["payment_method"] = json!(pm);
        }
    }
    let pi = payment_intents::confirm(ctx, st, &pi_id)?;
    if pi["status"] == "requires_action" {
        return Err(ApiError::card(
            "invoice_payment_intent_requires_action",
            None,
            "Payment for this invoice requires a payment method with additional authentication. Complete the payment on-session with the invoice's confirmation_secret.",
        )
        .with("payment_intent", pi));
    }
    let inv = st.invoices.get(id).cloned().unwrap_or(inv);
    Ok(expanded_invoice(&inv, &ctx.params.string_list("expand")))
}
