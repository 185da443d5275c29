//! Products, prices (lookup keys), subscriptions with their first invoice, invoices.

use chrono::{Duration, Months, TimeZone, Utc};
use serde_json::{json, Map, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::events::{emit, ReqInfo};
use crate::form::Params;
use crate::ids::new_id;
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
        st.clock.now(),
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

fn new_product(
    now: i64,
    id: &str,
    name: &str,
    description: Option<&str>,
    metadata: Value,
) -> Value {
    let t = now;
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
            let product = new_product(st.clock.now(), &id, name, None, json!({}));
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
        "created": st.clock.now(),
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

/// The end of a billing period of `count` × `interval` starting at `start`.
pub fn period_end(start: i64, interval: &str, count: i64) -> i64 {
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

/// The next period of a subscription item's price after `start`.
pub fn item_period_end(item: &Value, start: i64) -> i64 {
    let recurring = &item["price"]["recurring"];
    period_end(
        start,
        recurring["interval"].as_str().unwrap_or("month"),
        recurring["interval_count"].as_i64().unwrap_or(1),
    )
}

fn wants(expand: &[String], field: &str) -> bool {
    expand
        .iter()
        .any(|e| e == field || e.starts_with(&format!("{field}.")))
}

/// The invoice as the API shows it: the includable `confirmation_secret` and `payments` only
/// when expanded.
pub fn invoice_view(invoice: &Value, with_secret: bool, with_payments: bool) -> Value {
    let mut inv = invoice.clone();
    if let Some(m) = inv.as_object_mut() {
        if !with_secret {
            m.remove("confirmation_secret");
        }
        if !with_payments {
            m.remove("payments");
        }
    }
    inv
}

/// The invoice as webhook events carry it.
pub fn invoice_event_view(invoice: &Value) -> Value {
    invoice_view(invoice, false, false)
}

pub fn subscription_view(st: &State, sub: &Value, expand: &[String]) -> Value {
    let mut out = sub.clone();
    if wants(expand, "latest_invoice") {
        if let Some(inv) = sub["latest_invoice"]
            .as_str()
            .and_then(|id| st.invoices.get(id))
        {
            let with_secret = expand
                .iter()
                .any(|e| e == "latest_invoice.confirmation_secret");
            let with_payments = wants(expand, "latest_invoice.payments");
            out["latest_invoice"] = invoice_view(inv, with_secret, with_payments);
        }
    }
    if wants(expand, "pending_setup_intent") {
        if let Some(si) = sub["pending_setup_intent"]
            .as_str()
            .and_then(|id| st.setup_intents.get(id))
        {
            out["pending_setup_intent"] = si.clone();
        }
    }
    if wants(expand, "customer") {
        if let Some(c) = sub["customer"].as_str().and_then(|id| st.customers.get(id)) {
            out["customer"] = c.clone();
        }
    }
    out
}

/// One invoice line for a subscription item over `period`; a trial line costs nothing.
pub fn invoice_line(
    st: &State,
    invoice_id: &str,
    sub_id: &str,
    item: &Value,
    period: (i64, i64),
    trial: bool,
) -> Value {
    let price = &item["price"];
    let quantity = item["quantity"].as_i64().unwrap_or(1);
    let unit = price["unit_amount"].as_i64().unwrap_or(0);
    let amount = if trial { 0 } else { unit * quantity };
    let cur = price["currency"].as_str().unwrap_or("sek");
    let interval = price["recurring"]["interval"].as_str().unwrap_or("month");
    let product_id = price["product"].as_str().unwrap_or_default();
    let product_name = st
        .products
        .get(product_id)
        .and_then(|pr| pr["name"].as_str())
        .unwrap_or("Subscription");
    let description = if trial {
        format!("Trial period for {product_name}")
    } else {
        format!(
            "{quantity} × {product_name} (at {}.{:02} {} / {interval})",
            unit / 100,
            unit % 100,
            cur.to_uppercase()
        )
    };
    json!({
        "id": new_id("il"),
        "object": "line_item",
        "amount": amount,
        "currency": cur,
        "description": description,
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
                "subscription_item": item["id"].clone(),
            },
            "type": "subscription_item_details",
        },
        "period": {"end": period.1, "start": period.0},
        "pretax_credit_amounts": [],
        "pricing": {
            "price_details": {"price": price["id"].clone(), "product": product_id},
            "type": "price_details",
            "unit_amount_decimal": if trial { "0".to_string() } else { unit.to_string() },
        },
        "quantity": quantity,
        "subtotal": amount,
        "taxes": [],
    })
}

/// What a new subscription invoice looks like.
pub struct NewInvoice<'a> {
    pub id: &'a str,
    pub sub_id: &'a str,
    pub sub_metadata: &'a Value,
    pub customer_id: &'a str,
    pub currency: &'a str,
    pub lines: Vec<Value>,
    pub billing_reason: &'a str,
    /// Creation (and finalization) time: the test clock's time for renewals.
    pub created: i64,
    /// `period_start`/`period_end` of the invoice.
    pub period: (i64, i64),
    /// The PaymentIntent behind `confirmation_secret` and `payments` (none for 0 invoices).
    pub pi: Option<&'a Value>,
}

/// An `invoice_payment` (the includable `payments` list of an invoice).
fn invoice_payment(invoice_id: &str, pi: &Value, created: i64) -> Value {
    json!({
        "id": new_id("inpay"),
        "object": "invoice_payment",
        "amount_paid": null,
        "amount_requested": pi["amount"].clone(),
        "created": created,
        "currency": pi["currency"].clone(),
        "invoice": invoice_id,
        "is_default": true,
        "livemode": false,
        "payment": {"type": "payment_intent", "payment_intent": pi["id"].clone()},
        "status": "open",
        "status_transitions": {"canceled_at": null, "paid_at": null},
    })
}

/// Builds a finalized (`open`) subscription invoice and takes the customer's next invoice
/// number. Not stored, no events.
pub fn build_invoice(st: &mut State, n: NewInvoice<'_>) -> Value {
    let customer = st.customers.get(n.customer_id).cloned().unwrap_or_default();
    let prefix = customer["invoice_prefix"].as_str().unwrap_or("SIM");
    let seq = customer["next_invoice_sequence"].as_i64().unwrap_or(1);
    if let Some(c) = st.customers.get_mut(n.customer_id) {
        c["next_invoice_sequence"] = json!(seq + 1);
        if c["currency"].is_null() {
            c["currency"] = json!(n.currency);
        }
    }
    let total: i64 = n.lines.iter().filter_map(|l| l["amount"].as_i64()).sum();
    let n_lines = n.lines.len();
    let invoice_id = n.id;
    let (confirmation_secret, payments) = match n.pi {
        Some(pi) => (
            json!({"client_secret": pi["client_secret"].clone(), "type": "payment_intent"}),
            vec![invoice_payment(invoice_id, pi, n.created)],
        ),
        None => (Value::Null, Vec::new()),
    };
    let n_payments = payments.len();
    json!({
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
        "billing_reason": n.billing_reason,
        "collection_method": "charge_automatically",
        "confirmation_secret": confirmation_secret,
        "created": n.created,
        "currency": n.currency,
        "custom_fields": null,
        "customer": n.customer_id,
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
        "effective_at": n.created,
        "ending_balance": 0,
        "footer": null,
        "from_invoice": null,
        "hosted_invoice_url": null,
        "invoice_pdf": null,
        "issuer": {"type": "self"},
        "last_finalization_error": null,
        "latest_revision": null,
        "lines": {"object": "list", "data": n.lines, "has_more": false, "total_count": n_lines, "url": format!("/v1/invoices/{invoice_id}/lines")},
        "livemode": false,
        "metadata": {},
        "next_payment_attempt": null,
        "number": format!("{prefix}-{seq:04}"),
        "on_behalf_of": null,
        "parent": {
            "quote_details": null,
            "subscription_details": {"metadata": n.sub_metadata.clone(), "subscription": n.sub_id},
            "type": "subscription_details",
        },
        "payment_settings": {"default_mandate": null, "payment_method_options": null, "payment_method_types": null},
        "payments": {"object": "list", "data": payments, "has_more": false, "total_count": n_payments, "url": format!("/v1/invoice_payments?invoice={invoice_id}")},
        "period_end": n.period.1,
        "period_start": n.period.0,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": null,
        "rendering": null,
        "shipping_cost": null,
        "shipping_details": null,
        "starting_balance": 0,
        "statement_descriptor": null,
        "status": "open",
        "status_transitions": {"finalized_at": n.created, "marked_uncollectible_at": null, "paid_at": null, "voided_at": null},
        "subtotal": total,
        "subtotal_excluding_tax": total,
        "test_clock": null,
        "total": total,
        "total_discount_amounts": [],
        "total_excluding_tax": total,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": null,
    })
}

/// The PaymentIntent behind a subscription invoice (no transfer, cards only).
pub fn invoice_intent(
    now: i64,
    customer_id: &str,
    currency: &str,
    amount: i64,
    description: &str,
) -> Value {
    build_intent(
        NewIntent {
            amount,
            currency: currency.to_string(),
            customer: Some(customer_id.to_string()),
            description: Some(description.to_string()),
            metadata: json!({}),
            destination: None,
            transfer_amount: None,
            application_fee_amount: None,
            receipt_email: None,
            statement_descriptor_suffix: None,
            payment_method_types: vec!["card".to_string()],
            automatic: false,
        },
        now,
    )
}

/// `trial_period_days` or `trial_end` (unix seconds or `now`) → the trial's end, if any.
fn trial_end_of(p: &Value, start: i64) -> Result<Option<i64>, ApiError> {
    if let Some(days) = p.i64_of("trial_period_days")? {
        if !(0..=730).contains(&days) {
            return Err(ApiError::invalid_param(
                "parameter_invalid_integer",
                "trial_period_days must be between 0 and 730.",
                "trial_period_days",
            ));
        }
        return Ok((days > 0).then(|| start + days * 86_400));
    }
    match p.str_of("trial_end") {
        None | Some("now") => Ok(None),
        Some(raw) => {
            let t = raw.trim().parse::<i64>().map_err(|_| {
                ApiError::invalid_param(
                    "parameter_invalid_integer",
                    &format!("Invalid trial_end: {raw} (a unix timestamp or `now`)"),
                    "trial_end",
                )
            })?;
            if t <= start {
                return Err(ApiError::invalid_param(
                    "parameter_invalid_integer",
                    "Invalid timestamp: must be an integer Unix timestamp in the future.",
                    "trial_end",
                ));
            }
            if t > start + 730 * 86_400 {
                return Err(ApiError::invalid_param(
                    "parameter_invalid_integer",
                    "Invalid timestamp: can be no more than two years in the future.",
                    "trial_end",
                ));
            }
            Ok(Some(t))
        }
    }
}

pub fn create_subscription(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let customer_id = p.req_str("customer")?.to_string();
    if !st.customers.contains_key(&customer_id) {
        return Err(ApiError::missing_ref("customer", &customer_id, "customer"));
    }
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
    let default_pm = match p.str_of("default_payment_method") {
        Some(pm) => {
            crate::payment_intents::resolve_pm(st, pm)
                .map_err(|e| e.with("param", "default_payment_method"))?;
            Some(pm.to_string())
        }
        None => None,
    };
    let sub_id = new_id("sub");
    let invoice_id = new_id("in");
    let start = st.clock.now();
    let trial_end = trial_end_of(p, start)?;
    let mut items = Vec::new();
    let mut currency: Option<String> = None;
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
        currency = Some(cur);
        let quantity = item.i64_of("quantity")?.unwrap_or(1).max(1);
        let mut si = json!({
            "id": new_id("si"),
            "object": "subscription_item",
            "billing_thresholds": null,
            "created": start,
            "current_period_end": start,
            "current_period_start": start,
            "discounts": [],
            "metadata": {},
            "plan": plan_of(&price),
            "price": price,
            "quantity": quantity,
            "subscription": sub_id,
            "tax_rates": [],
        });
        // During a trial the current period is the trial.
        si["current_period_end"] = json!(trial_end.unwrap_or_else(|| item_period_end(&si, start)));
        items.push(si);
    }
    let currency = currency.unwrap_or_else(|| "sek".to_string());
    let lines: Vec<Value> = items
        .iter()
        .map(|item| {
            let end = item["current_period_end"].as_i64().unwrap_or(start);
            invoice_line(
                st,
                &invoice_id,
                &sub_id,
                item,
                (start, end),
                trial_end.is_some(),
            )
        })
        .collect();
    let total: i64 = lines.iter().filter_map(|l| l["amount"].as_i64()).sum();
    let save_pm = p
        .str_of("payment_settings.save_default_payment_method")
        .unwrap_or("off")
        .to_string();

    // The payment behind the first invoice (none when there is nothing to pay).
    let pi = (total > 0).then(|| {
        invoice_intent(
            start,
            &customer_id,
            &currency,
            total,
            "Subscription creation",
        )
    });
    let invoice = build_invoice(
        st,
        NewInvoice {
            id: &invoice_id,
            sub_id: &sub_id,
            sub_metadata: &metadata,
            customer_id: &customer_id,
            currency: &currency,
            lines,
            billing_reason: "subscription_create",
            created: start,
            period: (start, start),
            pi: pi.as_ref(),
        },
    );
    // A trial without a card on file: a SetupIntent collects one for the first real invoice.
    let seti = (trial_end.is_some() && default_pm.is_none())
        .then(|| crate::setup_intents::build(start, &customer_id));
    let n_items = items.len();
    let status = match (trial_end, &pi) {
        (Some(_), _) => "trialing",
        (None, Some(_)) => "incomplete",
        (None, None) => "active",
    };
    let sub = json!({
        "id": sub_id,
        "object": "subscription",
        "application": null,
        "application_fee_percent": null,
        "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null},
        "billing_cycle_anchor": trial_end.unwrap_or(start),
        "billing_cycle_anchor_config": null,
        "billing_mode": {"flexible": null, "type": "classic"},
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
        "customer_account": null,
        "days_until_due": null,
        "default_payment_method": default_pm,
        "default_source": null,
        "default_tax_rates": [],
        "description": p.str_of("description"),
        "discounts": [],
        "ended_at": null,
        "invoice_settings": {"account_tax_ids": null, "custom_fields": null, "description": null, "footer": null, "issuer": {"type": "self"}},
        "items": {"object": "list", "data": items, "has_more": false, "total_count": n_items, "url": format!("/v1/subscription_items?subscription={sub_id}")},
        "latest_invoice": invoice_id,
        "livemode": false,
        "managed_payments": null,
        "metadata": metadata,
        "next_pending_invoice_item_invoice": null,
        "on_behalf_of": null,
        "pause_collection": null,
        "payment_settings": {"payment_method_options": null, "payment_method_types": null, "save_default_payment_method": save_pm},
        "pending_invoice_item_interval": null,
        "pending_setup_intent": seti.as_ref().map(|s| s["id"].clone()),
        "pending_update": null,
        "schedule": null,
        "start_date": start,
        "status": status,
        "test_clock": null,
        "transfer_data": null,
        "trial_end": trial_end,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": trial_end.map(|_| start),
    });
    if let Some(pi) = &pi {
        let pi_id = pi["id"].as_str().unwrap_or_default().to_string();
        st.payment_intents.insert(pi_id.clone(), pi.clone());
        st.pi_invoice.insert(pi_id, invoice_id.clone());
    }
    st.invoices.insert(invoice_id.clone(), invoice.clone());
    st.subscriptions.insert(sub_id.clone(), sub.clone());
    if let Some(si) = &seti {
        let si_id = si["id"].as_str().unwrap_or_default().to_string();
        st.setup_intents.insert(si_id.clone(), si.clone());
        st.seti_subscription.insert(si_id, sub_id.clone());
        emit(
            ctx.inner,
            st,
            &ctx.req,
            "setup_intent.created",
            si,
            None,
            None,
        );
    }
    let inv_event = invoice_event_view(&invoice);
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
    match &pi {
        Some(pi) => emit(
            ctx.inner,
            st,
            &ctx.req,
            "payment_intent.created",
            pi,
            None,
            None,
        ),
        // Nothing to pay (a trial): the invoice is paid at once.
        None => {
            mark_invoice_paid(ctx.inner, st, &ctx.req, &invoice_id, None, start);
        }
    }
    let sub = st.subscriptions.get(&sub_id).cloned().unwrap_or(sub);
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
    if matches!(
        sub["status"].as_str(),
        Some("canceled" | "incomplete_expired")
    ) && cape.is_some()
    {
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
                sub["canceled_at"] = json!(st.clock.now());
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
    let t = st.clock.now();
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

/// `GET /v1/invoices/{id}` with `expand[]=confirmation_secret` and/or `expand[]=payments`.
pub fn retrieve_invoice(ctx: &Ctx<'_>, st: &State, id: &str) -> Result<Value, ApiError> {
    let inv = st
        .invoices
        .get(id)
        .ok_or_else(|| ApiError::not_found("invoice", id))?;
    Ok(expanded_invoice(inv, &ctx.params.string_list("expand")))
}

pub fn expanded_invoice(inv: &Value, expand: &[String]) -> Value {
    invoice_view(
        inv,
        expand.iter().any(|e| e == "confirmation_secret"),
        wants(expand, "payments"),
    )
}

/// Marks an invoice paid (by `pi_id`, or nothing for a 0 invoice) and emits `invoice.paid`,
/// `invoice.payment_succeeded`. Returns the invoice.
pub fn mark_invoice_paid(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    invoice_id: &str,
    pi_id: Option<&str>,
    paid_at: i64,
) -> Value {
    let Some(mut inv) = st.invoices.get(invoice_id).cloned() else {
        return Value::Null;
    };
    inv["status"] = json!("paid");
    inv["amount_paid"] = inv["amount_due"].clone();
    inv["amount_remaining"] = json!(0);
    inv["attempted"] = json!(true);
    inv["attempt_count"] = json!(inv["attempt_count"].as_i64().unwrap_or(0) + 1);
    inv["next_payment_attempt"] = Value::Null;
    inv["status_transitions"]["paid_at"] = json!(paid_at);
    if let (Some(pi_id), Some(payments)) = (pi_id, inv["payments"]["data"].as_array_mut()) {
        for pay in payments
            .iter_mut()
            .filter(|x| x["payment"]["payment_intent"] == pi_id)
        {
            pay["status"] = json!("paid");
            pay["amount_paid"] = pay["amount_requested"].clone();
            pay["status_transitions"]["paid_at"] = json!(paid_at);
        }
    }
    st.invoices.insert(invoice_id.to_string(), inv.clone());
    let view = invoice_event_view(&inv);
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
    inv
}

/// The invoice's PaymentIntent succeeded (first invoice, or an unpaid renewal paid again):
/// invoice `paid`; the subscription becomes `active` (from `incomplete` or `past_due`) and,
/// with `save_default_payment_method=on_subscription`, keeps the card as its default;
/// `customer.subscription.updated` when anything changed.
pub fn invoice_paid(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    invoice_id: &str,
    pi_id: &str,
    pm_id: &str,
) {
    let created = st
        .invoices
        .get(invoice_id)
        .and_then(|i| i["created"].as_i64())
        .unwrap_or(0);
    let inv = mark_invoice_paid(
        inner,
        st,
        req,
        invoice_id,
        Some(pi_id),
        st.clock.now().max(created),
    );
    let Some(sub_id) = inv["parent"]["subscription_details"]["subscription"].as_str() else {
        return;
    };
    let Some(mut sub) = st.subscriptions.get(sub_id).cloned() else {
        return;
    };
    if matches!(
        sub["status"].as_str(),
        Some("canceled" | "incomplete_expired")
    ) {
        return;
    }
    let mut previous = Map::new();
    if matches!(
        sub["status"].as_str(),
        Some("incomplete" | "past_due" | "unpaid")
    ) {
        previous.insert("status".into(), sub["status"].clone());
        sub["status"] = json!("active");
    }
    if sub["payment_settings"]["save_default_payment_method"] == "on_subscription"
        && sub["default_payment_method"] != pm_id
    {
        previous.insert(
            "default_payment_method".into(),
            sub["default_payment_method"].clone(),
        );
        sub["default_payment_method"] = json!(pm_id);
    }
    if previous.is_empty() {
        return;
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

/// The invoice's payment failed: `invoice.payment_failed`.
pub fn invoice_payment_failed(inner: &Inner, st: &mut State, req: &ReqInfo, invoice_id: &str) {
    let Some(inv) = st.invoices.get_mut(invoice_id) else {
        return;
    };
    inv["attempted"] = json!(true);
    inv["attempt_count"] = json!(inv["attempt_count"].as_i64().unwrap_or(0) + 1);
    let view = invoice_event_view(inv);
    emit(inner, st, req, "invoice.payment_failed", &view, None, None);
}
