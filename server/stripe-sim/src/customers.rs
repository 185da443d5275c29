//! Customers.

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::form::Params;
use crate::ids::{new_id, random_string};
use crate::state::State;

fn check_email(email: Option<&str>) -> Result<(), ApiError> {
    match email {
        Some(e) if !e.contains('@') => Err(ApiError::invalid_param(
            "email_invalid",
            &format!("Invalid email address: {e}"),
            "email",
        )),
        _ => Ok(()),
    }
}

pub fn create(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    check_email(p.str_of("email"))?;
    let id = new_id("cus");
    let customer = json!({
        "id": id,
        "object": "customer",
        "address": null,
        "balance": 0,
        "created": st.clock.now(),
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": p.str_of("description"),
        "discount": null,
        "email": p.str_of("email"),
        "invoice_prefix": random_string(8).to_ascii_uppercase(),
        "invoice_settings": {
            "custom_fields": null,
            "default_payment_method": null,
            "footer": null,
            "rendering_options": null,
        },
        "livemode": false,
        "metadata": Value::Object(p.metadata()?.unwrap_or_default()),
        "name": p.str_of("name"),
        "next_invoice_sequence": 1,
        "phone": p.str_of("phone"),
        "preferred_locales": p.string_list("preferred_locales"),
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": null,
    });
    st.customers.insert(id, customer.clone());
    Ok(customer)
}

pub fn retrieve(st: &State, id: &str) -> Result<Value, ApiError> {
    st.customers
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("customer", id))
}

/// `POST /v1/customers/{id}`: email, name, phone, description, metadata (merged).
pub fn update(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let p = ctx.params;
    check_email(p.str_of("email"))?;
    let metadata = p.metadata()?;
    let customer = st
        .customers
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("customer", id))?;
    for key in ["email", "name", "phone", "description"] {
        if let Some(v) = p.get(key).and_then(Value::as_str) {
            customer[key] = if v.is_empty() { Value::Null } else { json!(v) };
        }
    }
    if let Some(m) = metadata {
        if let Some(existing) = customer["metadata"].as_object_mut() {
            if m.is_empty() {
                existing.clear();
            }
            for (k, v) in m {
                existing.insert(k, v);
            }
        }
    }
    Ok(customer.clone())
}
