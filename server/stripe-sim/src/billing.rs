//! Products, prices (lookup keys), subscriptions with their first invoice, invoices.

use chrono::{Duration, Months, TimeZone, Utc};
use serde_json::{json, Map, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::events::{emit, ReqInfo};
use crate::form::Params;
use crate::ids::{new_id, now};
use crate::payment_intents::{build_intent, NewIntent};
use crate::state::State;
use crate::Inner;

// ---------------------------------------------------------------- products

pub fn create_product(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let name = p.req_str("name")?;
    let id = match p.str_of("id") {
        Some(id) if st.products.contains_key(id) => {
            return Err(ApiError::invalid_param(
                "resource_already_exists",
                &format!("Product already exists: {id}"),
                "id",
            ))
        }
        Some(id) => id.to_string(),
        None => new_id("prod"),
    };
    let product = new_product(
        &id,
        name,
        p.str_of("description"),
        Value::Object(p.metadata()?.unwrap_or_default()),
    );
    st.products.insert(id, product.clone());
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "product.created",
        &product,
        None,
        None,
    );
    Ok(product)
}

fn new_product(id: &str, name: &str, description: Option<&str>, metadata: Value) -> Value {
    let t = now();
    json!({
        "id": id,
        "object": "product",
        "active": true,
        "created": t,
        "default_price": null,
        "description": description,
        "images": [],
        "livemode": false,
        "marketing_features": [],
        "metadata": metadata,
        "name": name,
        "package_dimensions": null,
        "shippable": null,
        "statement_descriptor": null,
        "tax_code": null,
        "type": "service",
        "unit_label": null,
        "updated": t,
        "url": null,
    })
}

pub fn retrieve_product(st: &State, id: &str) -> Result<Value, ApiError> {
    st.products
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("product", id))
}

// ---------------------------------------------------------------- prices

pub fn create_price(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let currency = p.req_str("currency")?.to_ascii_lowercase();
    let unit_amount = p
        .i64_of("unit_amount")?
        .ok_or_else(|| ApiError::missing_param("unit_amount"))?;
    if unit_amount < 0 {
        return Err(ApiError::invalid_param(
            "parameter_invalid_integer",
            "This value must be greater than or equal to 0.",
            "unit_amount",
        ));
    }
    let recurring = match p.str_of("recurring.interval") {
        None => Value::Null,
        Some(interval) => {
            if !matches!(interval, "day" | "week" | "month" | "year") {
                return Err(ApiError::invalid_param(
                    "parameter_invalid_string",
                    &format!("Invalid recurring[interval]: must be one of day, week, month, or year (got {interval})"),
                    "recurring[interval]",
                ));
            }
            let count = p.i64_of("recurring.interval_count")?.unwrap_or(1).max(1);
            json!({
                "interval": interval,
                "interval_count": count,
                "meter": null,
                "trial_period_days": null,
                "usage_type": "licensed",
            })
        }
    };
    let lookup_key = p.str_of("lookup_key").map(str::to_string);
    let transfer = p.bool_of("transfer_lookup_key")?.unwrap_or(false);
    let metadata = Value::Object(p.metadata()?.unwrap_or_default());
    let product_id = match (p.str_of("product"), p.str_of("product_data.name")) {
        (Some(prod), _) => {
            if !st.products.contains_key(prod) {
                return Err(ApiError::missing_ref("product", prod, "product"));
            }
            prod.to_string()
        }
        (None, Some(name)) => {
            let id = new_id("prod");
            let product = new_product(&id, name, None, json!({}));
            st.products.insert(id.clone(), product.clone());
            emit(
                ctx.inner,
                st,
                &ctx.req,
                "product.created",
                &product,
                None,
                None,
            );
            id
        }
        (None, None) => return Err(ApiError::missing_param("product")),
    };
    if let Some(key) = &lookup_key {
        let holder = st
            .prices
            .iter()
            .find(|(_, pr)| pr["lookup_key"] == key.as_str())
            .map(|(id, _)| id.clone());
        if let Some(old) = holder {
            if !transfer {
                return Err(ApiError::invalid_param(
                    "lookup_key_already_exists",
                    &format!("A price ({old}) already uses that lookup key. Pass transfer_lookup_key=true to move it to this price."),
                    "lookup_key",
                ));
            }
            if let Some(pr) = st.prices.get_mut(&old) {
                pr["lookup_key"] = Value::Null;
            }
        }
    }
    let id = new_id("price");
    let price = json!({
        "id": id,
        "object": "price",
        "active": p.bool_of("active")?.unwrap_or(true),
        "billing_scheme": "per_unit",
        "created": now(),
        "currency": currency,
        "custom_unit_amount": null,
        "livemode": false,
        "lookup_key": lookup_key,
        "metadata": metadata,
        "nickname": p.str_of("nickname"),
        "product": product_id,
        "recurring": recurring.clone(),
        "tax_behavior": "unspecified",
        "tiers_mode": null,
        "transform_quantity": null,
        "type": if recurring.is_null() { "one_time" } else { "recurring" },
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount.to_string(),
    });
    st.prices.insert(id, price.clone());
    emit(ctx.inner, st, &ctx.req, "price.created", &price, None, None);
    Ok(price)
}

fn expand_price_product(st: &State, mut price: Value) -> Value {
    if let Some(pid) = price["product"].as_str() {
        if let Some(prod) = st.products.get(pid) {
            price["product"] = prod.clone();
        }
    }
    price
}

pub fn retrieve_price(st: &State, id: &str) -> Result<Value, ApiError> {
    st.prices
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("price", id))
}

/// `GET /v1/prices` with `lookup_keys[]`, `active`, `product`, `limit`, `expand[]=data.product`.
pub fn list_prices(ctx: &Ctx<'_>, st: &State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let keys = p.string_list("lookup_keys");
    let active = p.bool_of("active")?;
    let product = p.str_of("product");
    let limit = usize::try_from(p.i64_of("limit")?.unwrap_or(10).clamp(1, 100)).unwrap_or(10);
    let expand_product = p.string_list("expand").iter().any(|e| e == "data.product");
    let mut prices: Vec<&Value> = st
        .prices
        .values()
        .filter(|pr| {
            keys.is_empty()
                || pr["lookup_key"]
                    .as_str()
                    .is_some_and(|k| keys.iter().any(|x| x == k))
        })
        .filter(|pr| active.is_none_or(|a| pr["active"] == a))
        .filter(|pr| product.is_none_or(|prod| pr["product"] == prod))
        .collect();
    prices.sort_by(|a, b| b["created"].as_i64().cmp(&a["created"].as_i64()));
    let has_more = prices.len() > limit;
    let data: Vec<Value> = prices
        .into_iter()
        .take(limit)
        .map(|pr| {
            if expand_product {
                expand_price_product(st, pr.clone())
            } else {
                pr.clone()
            }
        })
        .collect();
    Ok(json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/prices"}))
}

// ---------------------------------------------------------------- subscriptions

fn plan_of(price: &Value) -> Value {
    json!({
        "id": price["id"].clone(),
        "object": "plan",
        "active": price["active"].clone(),
        "amount": price["unit_amount"].clone(),
        "amount_decimal": price["unit_amount_decimal"].clone(),
        "billing_scheme": "per_unit",
        "created": price["created"].clone(),
        "currency": price["currency"].clone(),
        "interval": price["recurring"]["interval"].clone(),
        "interval_count": price["recurring"]["interval_count"].clone(),
        "livemode": false,
        "metadata": price["metadata"].clone(),
        "meter": null,
        "nickname": price["nickname"].clone(),
        "product": price["product"].clone(),
        "tiers_mode": null,
        "transform_usage": null,
        "trial_period_days": null,
        "usage_type": "licensed",
    })
}

fn period_end(start: i64, interval: &str, count: i64) -> i64 {
    let Some(s) = Utc.timestamp_opt(start, 0).single() else {
        return start;
    };
    let count = u32::try_from(count.max(1)).unwrap_or(1);
    let end = match interval {
        "day" => s.checked_add_signed(Duration::days(i64::from(count))),
        "week" => s.checked_add_signed(Duration::weeks(i64::from(count))),
        "year" => s.checked_add_months(Months::new(12 * count)),
        _ => s.checked_add_months(Months::new(count)),
    };
    end.map_or(start, |e| e.timestamp())
}

fn wants(expand: &[String], field: &str) -> bool {
    expand
        .iter()
        .any(|e| e == field || e.starts_with(&format!("{field}.")))
}

/// The invoice as the API shows it: `confirmation_secret` only when expanded.
fn invoice_view(invoice: &Value, with_secret: bool) -> Value {
    let mut inv = invoice.clone();
    if !with_secret {
        if let Some(m) = inv.as_object_mut() {
            m.remove("confirmation_secret");
        }
    }
    inv
}

fn subscription_view(st: &State, sub: &Value, expand: &[String]) -> Value {
    let mut out = sub.clone();
    if wants(expand, "latest_invoice") {
        if let Some(inv) = sub["latest_invoice"]
            .as_str()
            .and_then(|id| st.invoices.get(id))
        {
            let with_secret = expand
                .iter()
                .any(|e| e == "latest_invoice.confirmation_secret");
            out["latest_invoice"] = invoice_view(inv, with_secret);
        }
    }
    if wants(expand, "customer") {
        if let Some(c) = sub["customer"].as_str().and_then(|id| st.customers.get(id)) {
            out["customer"] = c.clone();
        }
    }
    out
}

pub fn create_subscription(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let customer_id = p.req_str("customer")?.to_string();
    let Some(customer) = st.customers.get(&customer_id).cloned() else {
        return Err(ApiError::missing_ref("customer", &customer_id, "customer"));
    };
    let items_param: Vec<Value> = match p.get("items") {
        Some(Value::Array(a)) if !a.is_empty() => a.clone(),
        _ => return Err(ApiError::missing_param("items")),
    };
    if let Some(b) = p.str_of("payment_behavior") {
        if !matches!(
            b,
            "default_incomplete"
                | "allow_incomplete"
                | "error_if_incomplete"
                | "pending_if_incomplete"
        ) {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid payment_behavior: {b}"),
                "payment_behavior",
            ));
        }
    }
    let metadata = Value::Object(p.metadata()?.unwrap_or_default());
    let expand = p.string_list("expand");
    let sub_id = new_id("sub");
    let invoice_id = new_id("in");
    let start = now();
    let mut items = Vec::new();
    let mut lines = Vec::new();
    let mut currency: Option<String> = None;
    let mut total = 0i64;
    let mut end = start;
    for (i, item) in items_param.iter().enumerate() {
        let price_id = item
            .str_of("price")
            .ok_or_else(|| ApiError::missing_param(&format!("items[{i}][price]")))?;
        let price = st.prices.get(price_id).cloned().ok_or_else(|| {
            ApiError::missing_ref("price", price_id, &format!("items[{i}][price]"))
        })?;
        if price["type"] != "recurring" {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("The price specified ({price_id}) is a one-time price; subscriptions need recurring prices."),
                &format!("items[{i}][price]"),
            ));
        }
        let cur = price["currency"].as_str().unwrap_or("sek").to_string();
        if currency.as_ref().is_some_and(|c| *c != cur) {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                "All prices on a subscription must have the same currency.",
                &format!("items[{i}][price]"),
            ));
        }
        currency = Some(cur.clone());
        let quantity = item.i64_of("quantity")?.unwrap_or(1).max(1);
        let unit = price["unit_amount"].as_i64().unwrap_or(0);
        let amount = unit * quantity;
        total += amount;
        let interval = price["recurring"]["interval"]
            .as_str()
            .unwrap_or("month")
            .to_string();
        let count = price["recurring"]["interval_count"].as_i64().unwrap_or(1);
        end = period_end(start, &interval, count);
        let si = new_id("si");
        let product_id = price["product"].as_str().unwrap_or_default().to_string();
        let product_name = st
            .products
            .get(&product_id)
            .and_then(|pr| pr["name"].as_str())
            .unwrap_or("Subscription")
            .to_string();
        items.push(json!({
            "id": si,
            "object": "subscription_item",
            "billing_thresholds": null,
            "created": start,
            "current_period_end": end,
            "current_period_start": start,
            "discounts": [],
            "metadata": {},
            "plan": plan_of(&price),
            "price": price,
            "quantity": quantity,
            "subscription": sub_id,
            "tax_rates": [],
        }));
        lines.push(json!({
            "id": new_id("il"),
            "object": "line_item",
            "amount": amount,
            "currency": cur,
            "description": format!("{quantity} × {product_name} (at {}.{:02} {} / {interval})", unit / 100, unit % 100, cur.to_uppercase()),
            "discount_amounts": [],
            "discountable": true,
            "discounts": [],
            "invoice": invoice_id,
            "livemode": false,
            "metadata": {},
            "parent": {
                "invoice_item_details": null,
                "subscription_item_details": {
                    "invoice_item": null,
                    "proration": false,
                    "proration_details": {"credited_items": null},
                    "subscription": sub_id,
                    "subscription_item": si,
                },
                "type": "subscription_item_details",
            },
            "period": {"end": end, "start": start},
            "pretax_credit_amounts": [],
            "pricing": {
                "price_details": {"price": price_id, "product": product_id},
                "type": "price_details",
                "unit_amount_decimal": unit.to_string(),
            },
            "quantity": quantity,
            "subtotal": amount,
            "taxes": [],
        }));
    }
    let currency = currency.unwrap_or_else(|| "sek".to_string());
    let save_pm = p
        .str_of("payment_settings.save_default_payment_method")
        .unwrap_or("off")
        .to_string();

    // The payment behind the first invoice.
    let pi = build_intent(NewIntent {
        amount: total,
        currency: currency.clone(),
        customer: Some(customer_id.clone()),
        description: Some("Subscription creation".to_string()),
        metadata: json!({}),
        destination: None,
        transfer_amount: None,
        application_fee_amount: None,
        receipt_email: None,
        statement_descriptor_suffix: None,
        payment_method_types: vec!["card".to_string()],
        automatic: false,
    });
    let pi_id = pi["id"].as_str().unwrap_or_default().to_string();
    let client_secret = pi["client_secret"].clone();
    let n_lines = lines.len();
    let prefix = customer["invoice_prefix"]
        .as_str()
        .unwrap_or("SIM")
        .to_string();
    let seq = customer["next_invoice_sequence"].as_i64().unwrap_or(1);
    let invoice = json!({
        "id": invoice_id,
        "object": "invoice",
        "account_country": "SE",
        "account_name": "Aveli",
        "account_tax_ids": null,
        "amount_due": total,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_remaining": total,
        "amount_shipping": 0,
        "application": null,
        "attempt_count": 0,
        "attempted": false,
        "auto_advance": true,
        "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null, "provider": null, "status": null},
        "automatically_finalizes_at": null,
        "billing_reason": "subscription_create",
        "collection_method": "charge_automatically",
        "confirmation_secret": {"client_secret": client_secret, "type": "payment_intent"},
        "created": start,
        "currency": currency,
        "custom_fields": null,
        "customer": customer_id,
        "customer_address": null,
        "customer_email": customer["email"].clone(),
        "customer_name": customer["name"].clone(),
        "customer_phone": null,
        "customer_shipping": null,
        "customer_tax_exempt": "none",
        "customer_tax_ids": [],
        "default_payment_method": null,
        "default_source": null,
        "default_tax_rates": [],
        "description": null,
        "discounts": [],
        "due_date": null,
        "effective_at": start,
        "ending_balance": 0,
        "footer": null,
        "from_invoice": null,
        "hosted_invoice_url": null,
        "invoice_pdf": null,
        "issuer": {"type": "self"},
        "last_finalization_error": null,
        "latest_revision": null,
        "lines": {"object": "list", "data": lines, "has_more": false, "total_count": n_lines, "url": format!("/v1/invoices/{invoice_id}/lines")},
        "livemode": false,
        "metadata": {},
        "next_payment_attempt": null,
        "number": format!("{prefix}-{seq:04}"),
        "on_behalf_of": null,
        "parent": {
            "quote_details": null,
            "subscription_details": {"metadata": metadata.clone(), "subscription": sub_id},
            "type": "subscription_details",
        },
        "payment_settings": {"default_mandate": null, "payment_method_options": null, "payment_method_types": null},
        "period_end": start,
        "period_start": start,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": null,
        "rendering": null,
        "shipping_cost": null,
        "shipping_details": null,
        "starting_balance": 0,
        "statement_descriptor": null,
        "status": "open",
        "status_transitions": {"finalized_at": start, "marked_uncollectible_at": null, "paid_at": null, "voided_at": null},
        "subtotal": total,
        "subtotal_excluding_tax": total,
        "test_clock": null,
        "total": total,
        "total_discount_amounts": [],
        "total_excluding_tax": total,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": null,
    });
    let n_items = items.len();
    let sub = json!({
        "id": sub_id,
        "object": "subscription",
        "application": null,
        "application_fee_percent": null,
        "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null},
        "billing_cycle_anchor": start,
        "billing_cycle_anchor_config": null,
        "billing_mode": {"type": "classic"},
        "billing_schedules": [],
        "billing_thresholds": null,
        "cancel_at": null,
        "cancel_at_period_end": false,
        "canceled_at": null,
        "cancellation_details": {"comment": null, "feedback": null, "reason": null},
        "collection_method": "charge_automatically",
        "created": start,
        "currency": currency,
        "customer": customer_id,
        "days_until_due": null,
        "default_payment_method": null,
        "default_source": null,
        "default_tax_rates": [],
        "description": p.str_of("description"),
        "discounts": [],
        "ended_at": null,
        "invoice_settings": {"account_tax_ids": null, "issuer": {"type": "self"}},
        "items": {"object": "list", "data": items, "has_more": false, "total_count": n_items, "url": format!("/v1/subscription_items?subscription={sub_id}")},
        "latest_invoice": invoice_id,
        "livemode": false,
        "metadata": metadata,
        "next_pending_invoice_item_invoice": null,
        "on_behalf_of": null,
        "pause_collection": null,
        "payment_settings": {"payment_method_options": null, "payment_method_types": null, "save_default_payment_method": save_pm},
        "pending_invoice_item_interval": null,
        "pending_setup_intent": null,
        "pending_update": null,
        "schedule": null,
        "start_date": start,
        "status": "incomplete",
        "test_clock": null,
        "transfer_data": null,
        "trial_end": null,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": null,
    });
    let _ = end;
    if let Some(c) = st.customers.get_mut(&customer_id) {
        c["next_invoice_sequence"] = json!(seq + 1);
        if c["currency"].is_null() {
            c["currency"] = json!(currency);
        }
    }
    st.payment_intents.insert(pi_id.clone(), pi.clone());
    st.pi_invoice.insert(pi_id, invoice_id.clone());
    st.invoices.insert(invoice_id.clone(), invoice.clone());
    st.subscriptions.insert(sub_id.clone(), sub.clone());
    let inv_event = invoice_view(&invoice, false);
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "customer.subscription.created",
        &sub,
        None,
        None,
    );
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "invoice.created",
        &inv_event,
        None,
        None,
    );
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "invoice.finalized",
        &inv_event,
        None,
        None,
    );
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "payment_intent.created",
        &pi,
        None,
        None,
    );
    Ok(subscription_view(st, &sub, &expand))
}

pub fn retrieve_subscription(ctx: &Ctx<'_>, st: &State, id: &str) -> Result<Value, ApiError> {
    let sub = st
        .subscriptions
        .get(id)
        .ok_or_else(|| ApiError::not_found("subscription", id))?;
    Ok(subscription_view(
        st,
        sub,
        &ctx.params.string_list("expand"),
    ))
}

/// `POST /v1/subscriptions/{id}`: `cancel_at_period_end`, `metadata`.
pub fn update_subscription(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let p = ctx.params;
    let cape = p.bool_of("cancel_at_period_end")?;
    let metadata = p.metadata()?;
    let mut sub = st
        .subscriptions
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("subscription", id))?;
    if sub["status"] == "canceled" && cape.is_some() {
        return Err(ApiError::invalid(
            "A canceled subscription can only update its cancellation_details and metadata.",
        )
        .with_code("subscription_canceled"));
    }
    let mut previous = Map::new();
    if let Some(flag) = cape {
        if sub["cancel_at_period_end"] != flag {
            for k in [
                "cancel_at_period_end",
                "cancel_at",
                "canceled_at",
                "cancellation_details",
            ] {
                previous.insert(k.into(), sub[k].clone());
            }
            let period_end = sub["items"]["data"][0]["current_period_end"].clone();
            sub["cancel_at_period_end"] = json!(flag);
            if flag {
                sub["cancel_at"] = period_end;
                sub["canceled_at"] = json!(now());
                sub["cancellation_details"]["reason"] = json!("cancellation_requested");
            } else {
                sub["cancel_at"] = Value::Null;
                sub["canceled_at"] = Value::Null;
                sub["cancellation_details"]["reason"] = Value::Null;
            }
        }
    }
    if let Some(m) = metadata {
        previous.insert("metadata".into(), sub["metadata"].clone());
        if let Some(existing) = sub["metadata"].as_object_mut() {
            if m.is_empty() {
                existing.clear();
            }
            for (k, v) in m {
                existing.insert(k, v);
            }
        }
    }
    st.subscriptions.insert(id.to_string(), sub.clone());
    if !previous.is_empty() {
        emit(
            ctx.inner,
            st,
            &ctx.req,
            "customer.subscription.updated",
            &sub,
            Some(Value::Object(previous)),
            None,
        );
    }
    Ok(subscription_view(st, &sub, &p.string_list("expand")))
}

/// `DELETE /v1/subscriptions/{id}`: cancels at once.
pub fn cancel_subscription(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let mut sub = st
        .subscriptions
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("subscription", id))?;
    if sub["status"] == "canceled" {
        return Err(ApiError::unexpected_state(
            "subscription_canceled",
            &format!("The subscription {id} has already been canceled."),
        ));
    }
    let t = now();
    sub["status"] = json!("canceled");
    sub["canceled_at"] = json!(t);
    sub["ended_at"] = json!(t);
    sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    st.subscriptions.insert(id.to_string(), sub.clone());
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "customer.subscription.deleted",
        &sub,
        None,
        None,
    );
    Ok(subscription_view(
        st,
        &sub,
        &ctx.params.string_list("expand"),
    ))
}

pub fn retrieve_invoice(ctx: &Ctx<'_>, st: &State, id: &str) -> Result<Value, ApiError> {
    let inv = st
        .invoices
        .get(id)
        .ok_or_else(|| ApiError::not_found("invoice", id))?;
    let with_secret = ctx
        .params
        .string_list("expand")
        .iter()
        .any(|e| e == "confirmation_secret");
    Ok(invoice_view(inv, with_secret))
}

/// The invoice's payment succeeded: invoice `paid`, subscription `active`.
pub fn invoice_paid(inner: &Inner, st: &mut State, req: &ReqInfo, invoice_id: &str, pm_id: &str) {
    let Some(mut inv) = st.invoices.get(invoice_id).cloned() else {
        return;
    };
    let t = now();
    inv["status"] = json!("paid");
    inv["amount_paid"] = inv["amount_due"].clone();
    inv["amount_remaining"] = json!(0);
    inv["attempted"] = json!(true);
    inv["attempt_count"] = json!(inv["attempt_count"].as_i64().unwrap_or(0) + 1);
    inv["status_transitions"]["paid_at"] = json!(t);
    st.invoices.insert(invoice_id.to_string(), inv.clone());
    let view = invoice_view(&inv, false);
    emit(inner, st, req, "invoice.paid", &view, None, None);
    emit(
        inner,
        st,
        req,
        "invoice.payment_succeeded",
        &view,
        None,
        None,
    );
    let Some(sub_id) = inv["parent"]["subscription_details"]["subscription"].as_str() else {
        return;
    };
    let Some(mut sub) = st.subscriptions.get(sub_id).cloned() else {
        return;
    };
    if sub["status"] == "canceled" {
        return;
    }
    let mut previous = Map::new();
    previous.insert("status".into(), sub["status"].clone());
    sub["status"] = json!("active");
    if sub["payment_settings"]["save_default_payment_method"] == "on_subscription" {
        previous.insert(
            "default_payment_method".into(),
            sub["default_payment_method"].clone(),
        );
        sub["default_payment_method"] = json!(pm_id);
    }
    st.subscriptions.insert(sub_id.to_string(), sub.clone());
    emit(
        inner,
        st,
        req,
        "customer.subscription.updated",
        &sub,
        Some(Value::Object(previous)),
        None,
    );
}

/// The invoice's payment failed.
pub fn invoice_payment_failed(inner: &Inner, st: &mut State, req: &ReqInfo, invoice_id: &str) {
    let Some(inv) = st.invoices.get_mut(invoice_id) else {
        return;
    };
    inv["attempted"] = json!(true);
    inv["attempt_count"] = json!(inv["attempt_count"].as_i64().unwrap_or(0) + 1);
    let view = invoice_view(inv, false);
    emit(inner, st, req, "invoice.payment_failed", &view, None, None);
}
