//! Idempotency keys: (method + path + canonical params) → stored (status, body).

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::error::ApiError;
use crate::form::canonical;

#[derive(Debug, Clone)]
pub struct IdemEntry {
    pub fingerprint: String,
    pub status: StatusCode,
    pub body: String,
    pub request_id: String,
}

pub fn fingerprint(method: &Method, path: &str, params: &Value) -> String {
    format!("{method} {path} {}", canonical(params))
}

pub fn conflict(key: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "idempotency_error",
        &format!(
            "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
        ),
    )
}

/// What to do with an incoming request that carries an idempotency key.
pub enum Lookup {
    Run,
    Replay(IdemEntry),
    Conflict(ApiError),
}

pub fn lookup(stored: Option<&IdemEntry>, key: &str, fingerprint: &str) -> Lookup {
    match stored {
        None => Lookup::Run,
        Some(e) if e.fingerprint == fingerprint => Lookup::Replay(e.clone()),
        Some(_) => Lookup::Conflict(conflict(key)),
    }
}
