//! SetupIntents: a trialing subscription's `pending_setup_intent` (saves a card for later,
//! `usage: off_session`). Retrieve and confirm work with the secret key or, like the
//! PaymentIntent browser endpoints, with the publishable key + the SetupIntent's client_secret;
//! `authenticate` stands in for the 3-D Secure page.

use serde_json::{json, Map, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::events::{emit, ReqInfo};
use crate::form::Params;
use crate::ids::{new_id, random_string};
use crate::payment_intents::{
    authentication_failure, card_outcome, parse_pmd, resolve_pm, CardOutcome,
};
use crate::state::{Method, PendingAction, State};
use crate::Inner;

/// A new SetupIntent in `requires_payment_method` (not stored, no event).
pub fn build(now: i64, customer: &str) -> Value {
    let id = new_id("seti");
    let client_secret = format!("{id}_secret_{}", random_string(24));
    json!({
        "id": id,
        "object": "setup_intent",
        "application": null,
        "automatic_payment_methods": null,
        "cancellation_reason": null,
        "client_secret": client_secret,
        "created": now,
        "customer": customer,
        "description": null,
        "excluded_payment_method_types": null,
        "flow_directions": null,
        "last_setup_error": null,
        "latest_attempt": null,
        "livemode": false,
        "mandate": null,
        "metadata": {},
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": null,
        "payment_method_configuration_details": null,
        "payment_method_options": {
            "card": {"mandate_options": null, "network": null, "request_three_d_secure": "automatic"},
        },
        "payment_method_types": ["card"],
        "single_use_mandate": null,
        "status": "requires_payment_method",
        "usage": "off_session",
    })
}

pub fn retrieve(st: &State, id: &str) -> Result<Value, ApiError> {
    st.setup_intents
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("setup_intent", id))
}

fn state_error(si: &Value, action: &str) -> ApiError {
    let status = si["status"].as_str().unwrap_or_default();
    let message = match (action, status) {
        ("confirm", "succeeded") => "You cannot confirm this SetupIntent because it has already succeeded after being previously confirmed.".to_string(),
        _ => format!("You cannot {action} this SetupIntent because it has a status of {status}."),
    };
    ApiError::unexpected_state("setup_intent_unexpected_state", &message)
        .with("setup_intent", si.clone())
}

/// `POST /v1/setup_intents/{id}/confirm` with `payment_method` (`pm_card_*`) or
/// `payment_method_data[type]=card` + `payment_method_data[card][…]`.
pub fn confirm(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let p = ctx.params;
    let mut si = retrieve(st, id)?;
    let status = si["status"].as_str().unwrap_or_default();
    if !matches!(
        status,
        "requires_payment_method" | "requires_confirmation" | "requires_action"
    ) {
        return Err(state_error(&si, "confirm"));
    }
    let (pm_id, method) = if let Some(pm) = p.str_of("payment_method") {
        (pm.to_string(), resolve_pm(st, pm)?)
    } else if p.get("payment_method_data").is_some() {
        let method = parse_pmd(p, "setup_intent", &si, st.clock.now_utc())?;
        let pm_id = new_id("pm");
        st.payment_methods.insert(pm_id.clone(), method.clone());
        (pm_id, method)
    } else if let Some(pm) = si["payment_method"].as_str() {
        (pm.to_string(), resolve_pm(st, pm)?)
    } else {
        return Err(ApiError::invalid_param(
            "setup_intent_unexpected_state",
            "You cannot confirm this SetupIntent because it's missing a payment method. To confirm the SetupIntent with a payment method, provide `payment_method` or `payment_method_data`.",
            "payment_method",
        )
        .with("setup_intent", si));
    };
    let Method::Card(card) = &method else {
        return Err(ApiError::invalid_param(
            "payment_method_unactivated",
            &format!(
                "The payment method type \"{}\" cannot be used with this SetupIntent (accepted: [\"card\"]).",
                method.type_name()
            ),
            "payment_method_data[type]",
        )
        .with("setup_intent", si));
    };
    st.pending_actions.remove(id);
    match card_outcome(&card.number) {
        CardOutcome::Succeed => Ok(succeed(ctx.inner, st, &ctx.req, id, &pm_id)),
        CardOutcome::Decline(d) => {
            let mut err = ApiError::card(d.code, d.decline_code, d.message);
            err.error
                .insert("payment_method_type".into(), json!("card"));
            let last = Value::Object(err.error.clone());
            let si = setup_failed(ctx.inner, st, &ctx.req, id, last);
            Err(err.with("setup_intent", si))
        }
        CardOutcome::ThreeDs => {
            si["status"] = json!("requires_action");
            si["payment_method"] = json!(pm_id);
            si["last_setup_error"] = Value::Null;
            si["next_action"] = json!({
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {
                    "type": "three_d_secure_redirect",
                    "stripe_js": format!("{}/3ds/{id}", ctx.public_base()),
                    "source": pm_id,
                },
            });
            st.pending_actions.insert(
                id.to_string(),
                PendingAction {
                    pm_id,
                    method,
                    return_url: p.str_of("return_url").map(str::to_string),
                },
            );
            st.setup_intents.insert(id.to_string(), si.clone());
            emit(
                ctx.inner,
                st,
                &ctx.req,
                "setup_intent.requires_action",
                &si,
                None,
                None,
            );
            Ok(si)
        }
    }
}

/// The card is saved: SetupIntent `succeeded`, `setup_intent.succeeded`; the subscription it
/// belongs to gets the card as `default_payment_method` and loses its `pending_setup_intent`
/// (`customer.subscription.updated`).
fn succeed(inner: &Inner, st: &mut State, req: &ReqInfo, id: &str, pm_id: &str) -> Value {
    st.pending_actions.remove(id);
    let Some(mut si) = st.setup_intents.get(id).cloned() else {
        return Value::Null;
    };
    si["status"] = json!("succeeded");
    si["payment_method"] = json!(pm_id);
    si["next_action"] = Value::Null;
    si["last_setup_error"] = Value::Null;
    st.setup_intents.insert(id.to_string(), si.clone());
    emit(inner, st, req, "setup_intent.succeeded", &si, None, None);
    let Some(sub_id) = st.seti_subscription.get(id).cloned() else {
        return si;
    };
    let Some(mut sub) = st.subscriptions.get(&sub_id).cloned() else {
        return si;
    };
    if sub["status"] == "canceled" || sub["pending_setup_intent"] != id {
        return si;
    }
    let mut previous = Map::new();
    previous.insert(
        "default_payment_method".into(),
        sub["default_payment_method"].clone(),
    );
    previous.insert(
        "pending_setup_intent".into(),
        sub["pending_setup_intent"].clone(),
    );
    sub["default_payment_method"] = json!(pm_id);
    sub["pending_setup_intent"] = Value::Null;
    st.subscriptions.insert(sub_id, sub.clone());
    emit(
        inner,
        st,
        req,
        "customer.subscription.updated",
        &sub,
        Some(Value::Object(previous)),
        None,
    );
    si
}

/// A decline or a failed authentication: back to `requires_payment_method` with
/// `last_setup_error`, `setup_intent.setup_failed`.
fn setup_failed(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    id: &str,
    last_setup_error: Value,
) -> Value {
    st.pending_actions.remove(id);
    let Some(mut si) = st.setup_intents.get(id).cloned() else {
        return Value::Null;
    };
    si["status"] = json!("requires_payment_method");
    si["last_setup_error"] = last_setup_error;
    si["payment_method"] = Value::Null;
    si["next_action"] = Value::Null;
    st.setup_intents.insert(id.to_string(), si.clone());
    emit(inner, st, req, "setup_intent.setup_failed", &si, None, None);
    si
}

/// Completes (or fails) a pending 3-D Secure challenge of a SetupIntent.
pub fn finish_three_ds(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    id: &str,
    complete: bool,
) -> Result<Value, ApiError> {
    let si = retrieve(st, id)?;
    let pending = match st.pending_actions.get(id) {
        Some(p) if si["status"] == "requires_action" => p.clone(),
        _ => return Err(state_error(&si, "authenticate")),
    };
    if complete {
        Ok(succeed(inner, st, req, id, &pending.pm_id))
    } else {
        let mut err = authentication_failure();
        err["code"] = json!("setup_intent_authentication_failure");
        err["doc_url"] =
            json!("https://stripe.com/docs/error-codes/setup-intent-authentication-failure");
        err["message"] = json!("We are unable to authenticate your payment method. Please choose a different payment method and try again.");
        Ok(setup_failed(inner, st, req, id, err))
    }
}

/// `POST /v1/setup_intents/{id}/authenticate` with `outcome=complete|fail` (the simulator's
/// stand-in for the 3-D Secure page, like the PaymentIntent one).
pub fn authenticate(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let complete = match ctx.params.req_str("outcome")? {
        "complete" | "succeeded" | "success" => true,
        "fail" | "failed" | "failure" => false,
        other => {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid outcome: {other} (expected complete or fail)"),
                "outcome",
            ))
        }
    };
    finish_three_ds(ctx.inner, st, &ctx.req, id, complete)
}
