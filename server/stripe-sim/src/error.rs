//! Stripe-shaped errors and JSON responses.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// An error in Stripe's shape: `{"error": {...}}` with an HTTP status.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, type_: &str, message: &str) -> Self {
        let mut error = Map::new();
        error.insert("type".into(), json!(type_));
        error.insert("message".into(), json!(message));
        Self { status, error }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.error.insert(key.into(), value.into());
        self
    }

    pub fn with_code(self, code: &str) -> Self {
        let doc = format!(
            "https://stripe.com/docs/error-codes/{}",
            code.replace('_', "-")
        );
        self.with("code", code).with("doc_url", doc)
    }

    pub fn invalid(message: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
    }

    pub fn invalid_param(code: &str, message: &str, param: &str) -> Self {
        Self::invalid(message).with_code(code).with("param", param)
    }

    pub fn missing_param(param: &str) -> Self {
        Self::invalid_param(
            "parameter_missing",
            &format!("Missing required param: {param}."),
            param,
        )
    }

    /// 404 for a path id that does not exist.
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such {kind}: '{id}'"),
        )
        .with_code("resource_missing")
        .with("param", "id")
    }

    /// 400 for a parameter that names an object that does not exist.
    pub fn missing_ref(kind: &str, id: &str, param: &str) -> Self {
        Self::invalid(&format!("No such {kind}: '{id}'"))
            .with_code("resource_missing")
            .with("param", param)
    }

    pub fn unexpected_state(code: &str, message: &str) -> Self {
        Self::invalid(message).with_code(code)
    }

    pub fn card(code: &str, decline_code: Option<&str>, message: &str) -> Self {
        let mut e = Self::new(StatusCode::PAYMENT_REQUIRED, "card_error", message).with_code(code);
        if let Some(d) = decline_code {
            e = e.with("decline_code", d);
        }
        e
    }

    pub fn server_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "An unknown error occurred while processing your request. (Simulated fault.)",
        )
    }

    pub fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "invalid_request_error",
            "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.",
        )
        .with_code("rate_limit")
    }

    pub fn unauthorized(message: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_request_error", message)
    }

    pub fn unknown_route(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("Unrecognized request URL ({method}: {path}). The Stripe simulator implements only the subset of the API that Aveli uses."),
        )
    }

    pub fn body(&self) -> Value {
        json!({ "error": Value::Object(self.error.clone()) })
    }
}

/// Whether a client should retry a response with this status.
pub fn should_retry(status: StatusCode) -> Option<&'static str> {
    match status.as_u16() {
        409 | 429 | 500..=599 => Some("true"),
        400..=499 => Some("false"),
        _ => None,
    }
}

/// A JSON response with Stripe's headers.
pub fn json_response(status: StatusCode, body: &str, request_id: &str, replayed: bool) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("request-id", v);
    }
    if replayed {
        h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    if let Some(r) = should_retry(status) {
        h.insert("stripe-should-retry", HeaderValue::from_static(r));
    }
    h.insert(
        "stripe-version",
        HeaderValue::from_static(crate::API_VERSION),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let e = ApiError::not_found("payment_intent", "pi_x");
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!(
            e.body()["error"]["message"],
            "No such payment_intent: 'pi_x'"
        );
        assert_eq!(e.body()["error"]["code"], "resource_missing");
        assert_eq!(
            should_retry(StatusCode::INTERNAL_SERVER_ERROR),
            Some("true")
        );
        assert_eq!(should_retry(StatusCode::PAYMENT_REQUIRED), Some("false"));
        assert_eq!(should_retry(StatusCode::OK), None);
    }
}
