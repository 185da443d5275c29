//! Events: creation (snapshot of the object after the change), storage and the list/retrieve API.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::form::Params;
use crate::ids::new_id;
use crate::state::State;
use crate::{Inner, API_VERSION};

/// The API request that caused a change (`request` on events).
#[derive(Debug, Clone, Default)]
pub struct ReqInfo {
    pub id: Option<String>,
    pub idempotency_key: Option<String>,
}

/// Records an event and queues it for delivery. Call with the state lock held so that
/// delivery order equals emission order.
pub fn emit(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    type_: &str,
    object: &Value,
    previous_attributes: Option<Value>,
    account: Option<&str>,
) {
    let mut data = json!({ "object": object });
    if let Some(prev) = previous_attributes {
        data["previous_attributes"] = prev;
    }
    let mut event = json!({
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": st.clock.now(),
        "data": data,
        "livemode": false,
        "pending_webhooks": i64::from(inner.config.webhook_url.is_some()),
        "request": { "id": req.id, "idempotency_key": req.idempotency_key },
        "type": type_,
    });
    if let Some(acct) = account {
        event["account"] = json!(acct);
    }
    st.events.push(event.clone());
    inner.hub.enqueue(event);
}

pub fn retrieve(st: &State, id: &str) -> Result<Value, ApiError> {
    st.events
        .iter()
        .find(|e| e["id"] == id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("event", id))
}

/// `GET /v1/events`: newest first; `type`, `limit` (default 10, max 100), `starting_after`.
pub fn list(st: &State, params: &Value) -> Result<Value, ApiError> {
    let limit = params.i64_of("limit")?.unwrap_or(10).clamp(1, 100);
    let limit = usize::try_from(limit).unwrap_or(10);
    let type_filter = params.str_of("type");
    let mut iter: Box<dyn Iterator<Item = &Value>> = Box::new(st.events.iter().rev());
    if let Some(after) = params.str_of("starting_after") {
        iter = Box::new(iter.skip_while(move |e| e["id"] != after).skip(1));
    }
    let matching: Vec<Value> = iter
        .filter(|e| match type_filter {
            None => true,
            Some(t) if t.ends_with(".*") => e["type"]
                .as_str()
                .is_some_and(|et| et.starts_with(&t[..t.len() - 1])),
            Some(t) => e["type"] == t,
        })
        .take(limit + 1)
        .cloned()
        .collect();
    let has_more = matching.len() > limit;
    let data: Vec<Value> = matching.into_iter().take(limit).collect();
    Ok(json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/events"}))
}
