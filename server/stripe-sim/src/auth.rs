//! API authentication: the secret key (Bearer or Basic), or on the browser endpoints the
//! publishable key plus the PaymentIntent's (or SetupIntent's) client_secret.

use axum::http::HeaderMap;
use base64::Engine;
use serde_json::Value;

use crate::error::ApiError;
use crate::form::Params;
use crate::SimConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Authenticated with the secret key.
    Secret,
    /// Publishable key + matching client_secret (browser endpoints only).
    Browser,
}

fn mask(key: &str) -> String {
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let head = if key.starts_with("sk_test_") {
        "sk_test_"
    } else if key.starts_with("pk_test_") {
        "pk_test_"
    } else {
        ""
    };
    format!("{head}****{tail}")
}

fn header_key(headers: &HeaderMap) -> Option<String> {
    let raw = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    if let Some(k) = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
    {
        return Some(k.trim().to_string());
    }
    if let Some(b) = raw
        .strip_prefix("Basic ")
        .or_else(|| raw.strip_prefix("basic "))
    {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b.trim())
            .ok()?;
        let s = String::from_utf8(bytes).ok()?;
        return Some(s.split(':').next().unwrap_or_default().to_string());
    }
    Some(raw.to_string())
}

fn invalid_key(key: &str) -> ApiError {
    ApiError::unauthorized(&format!("Invalid API Key provided: {}", mask(key)))
}

/// Checks a request. `browser_pi` is the PaymentIntent (`pi_…`) or SetupIntent (`seti_…`) id
/// when the endpoint is one of the browser endpoints; `client_secret_of` looks up that
/// intent's client_secret.
pub fn check(
    config: &SimConfig,
    headers: &HeaderMap,
    params: &Value,
    browser_pi: Option<&str>,
    client_secret_of: impl FnOnce(&str) -> Option<String>,
) -> Result<Caller, ApiError> {
    let key =
        header_key(headers).or_else(|| browser_pi.and(params.str_of("key")).map(str::to_string));
    let Some(key) = key else {
        return Err(ApiError::unauthorized(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ));
    };
    if key == config.secret_key {
        return Ok(Caller::Secret);
    }
    match browser_pi {
        Some(pi) if key == config.publishable_key => {
            let given = params.str_of("client_secret");
            let actual = client_secret_of(pi);
            match (given, actual) {
                (Some(g), Some(a)) if g == a => Ok(Caller::Browser),
                _ if pi.starts_with("seti_") => Err(ApiError::not_found("setup_intent", pi)),
                _ => Err(ApiError::not_found("payment_intent", pi)),
            }
        }
        _ if key == config.publishable_key => Err(ApiError::unauthorized(
            "This API call cannot be made with a publishable API key. Please use a secret API key.",
        )),
        _ => Err(invalid_key(&key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keys() {
        assert_eq!(mask("sk_test_abcdef1234"), "sk_test_****1234");
        assert_eq!(mask("xy"), "****xy");
    }
}
