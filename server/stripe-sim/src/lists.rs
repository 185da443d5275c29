//! Stripe list objects: newest first, paged by `limit` (default 10, 1–100) and `starting_after`.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::form::Params;

/// Pages `items`, given oldest first, newest first like Stripe's list endpoints (by
/// `created`; creation order among equal ones). `kind` names the object in the 404 for an
/// unknown `starting_after`.
pub fn page(
    mut items: Vec<&Value>,
    params: &Value,
    url: &str,
    kind: &str,
) -> Result<Value, ApiError> {
    let limit = usize::try_from(params.i64_of("limit")?.unwrap_or(10).clamp(1, 100)).unwrap_or(10);
    items.reverse();
    items.sort_by_key(|v| std::cmp::Reverse(v["created"].as_i64()));
    if let Some(after) = params.str_of("starting_after") {
        let Some(at) = items.iter().position(|v| v["id"] == after) else {
            return Err(ApiError::not_found(kind, after));
        };
        items.drain(..=at);
    }
    let has_more = items.len() > limit;
    let data: Vec<Value> = items.into_iter().take(limit).cloned().collect();
    Ok(json!({"object": "list", "data": data, "has_more": has_more, "url": url}))
}
