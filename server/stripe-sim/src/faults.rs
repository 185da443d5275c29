//! Injected API faults (`POST /v1/test_helpers/faults`).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::form::Params;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    ServerError,
    RateLimit,
    Timeout,
}

impl FaultKind {
    fn as_str(self) -> &'static str {
        match self {
            FaultKind::ServerError => "500",
            FaultKind::RateLimit => "429",
            FaultKind::Timeout => "timeout",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub kind: FaultKind,
    pub remaining: u32,
    pub path: Option<String>,
    pub delay_ms: u64,
    /// The share of matching calls that fail (1.0: each until `remaining` is spent).
    pub rate: f64,
}

impl Fault {
    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind.as_str(),
            "remaining": self.remaining,
            "path": self.path,
            "delay_ms": if self.kind == FaultKind::Timeout { Some(self.delay_ms) } else { None },
            "rate": self.rate,
        })
    }

    fn matches(&self, path: &str) -> bool {
        self.remaining > 0 && self.path.as_deref().is_none_or(|p| path.starts_with(p))
    }
}

pub fn parse(params: &Value) -> Result<Fault, ApiError> {
    let kind = match params.req_str("kind")? {
        "500" => FaultKind::ServerError,
        "429" => FaultKind::RateLimit,
        "timeout" => FaultKind::Timeout,
        other => {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid kind: {other} (expected 500, 429 or timeout)"),
                "kind",
            ))
        }
    };
    let count = params.i64_of("count")?.unwrap_or(1).clamp(0, 10_000);
    let rate = match params.str_of("rate") {
        None => 1.0,
        Some(text) => text
            .parse::<f64>()
            .ok()
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or_else(|| {
                ApiError::invalid_param(
                    "parameter_invalid_decimal",
                    &format!("Invalid rate: {text} (expected a number from 0 to 1)"),
                    "rate",
                )
            })?,
    };
    let delay_ms = params
        .i64_of("delay_ms")?
        .unwrap_or(15_000)
        .clamp(0, 600_000);
    Ok(Fault {
        kind,
        remaining: u32::try_from(count).unwrap_or(0),
        path: params.str_of("path").map(str::to_string),
        delay_ms: u64::try_from(delay_ms).unwrap_or(0),
        rate,
    })
}

/// Consumes one matching fault for an API path, if any (test helpers are never
/// faulted). A fault with a `rate` below 1 lets the other calls through.
/// Each fault throws its own dice, so rates of several faults add up about
/// as independent causes would.
pub fn take(faults: &mut Vec<Fault>, path: &str) -> Option<(FaultKind, u64)> {
    take_with(faults, path, rand::random::<f64>)
}

fn take_with(
    faults: &mut Vec<Fault>,
    path: &str,
    mut dice: impl FnMut() -> f64,
) -> Option<(FaultKind, u64)> {
    if path.starts_with("/v1/test_helpers") {
        return None;
    }
    let f = faults
        .iter_mut()
        .find(|f| f.matches(path) && dice() < f.rate)?;
    f.remaining -= 1;
    let out = (f.kind, f.delay_ms);
    faults.retain(|f| f.remaining > 0);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_matching_and_counts() {
        let mut faults = vec![Fault {
            kind: FaultKind::ServerError,
            remaining: 2,
            path: Some("/v1/payment_intents".into()),
            delay_ms: 0,
            rate: 1.0,
        }];
        assert!(take(&mut faults, "/v1/customers").is_none());
        assert!(take(&mut faults, "/v1/test_helpers/faults").is_none());
        assert_eq!(
            take(&mut faults, "/v1/payment_intents/pi_1/confirm").map(|f| f.0),
            Some(FaultKind::ServerError)
        );
        assert!(take(&mut faults, "/v1/payment_intents").is_some());
        assert!(take(&mut faults, "/v1/payment_intents").is_none());
        assert!(faults.is_empty());
    }

    #[test]
    fn a_rate_fails_only_that_share_of_calls() {
        let mut faults = vec![Fault {
            kind: FaultKind::RateLimit,
            remaining: 100,
            path: None,
            delay_ms: 0,
            rate: 0.3,
        }];
        assert!(take_with(&mut faults, "/v1/refunds", || 0.5).is_none());
        assert_eq!(
            faults[0].remaining, 100,
            "a call let through spends nothing"
        );
        assert!(take_with(&mut faults, "/v1/refunds", || 0.1).is_some());
        assert_eq!(faults[0].remaining, 99);
        let failed = (0..10_000)
            .filter(|_| take(&mut faults, "/v1/refunds").is_some())
            .count();
        assert_eq!(failed, 99, "never more than `count`");
        assert!(faults.is_empty());
    }
}
