//! Checks a webhook's `Stripe-Signature` on the raw body before anything is
//! parsed, against the platform endpoint's secret and the Connect endpoint's
//! (events of connected accounts, like `account.updated`, are signed with the
//! latter; both endpoints may point at the same URL).

use secrecy::{ExposeSecret, SecretString};
use stripe_webhook::{Event, Webhook, WebhookError};

/// Why a delivery was refused (all answered with 400).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("missing Stripe-Signature header")]
    Missing,
    #[error("malformed Stripe-Signature header")]
    Malformed,
    #[error("no signature matches")]
    Mismatch,
    #[error("signature timestamp outside the 300 s tolerance")]
    Stale,
    #[error("signed payload is not a Stripe event: {0}")]
    Unreadable(String),
}

/// The secrets a delivery may be signed with.
#[derive(Clone)]
pub struct WebhookSecrets {
    pub platform: SecretString,
    pub connect: Option<SecretString>,
}

impl std::fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecrets(..)")
    }
}

/// Verifies and parses one delivery. `now` is unix seconds (a parameter so
/// tests can check the tolerance).
pub fn verify(
    payload: &str,
    header: Option<&str>,
    secrets: &WebhookSecrets,
    now: i64,
) -> Result<Event, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut last = SignatureError::Mismatch;
    let candidates = std::iter::once(&secrets.platform).chain(secrets.connect.as_ref());
    for secret in candidates {
        match Webhook::construct_event_with_timestamp(payload, header, secret.expose_secret(), now)
        {
            Ok(event) => return Ok(event),
            Err(WebhookError::BadSignature) | Err(WebhookError::BadKey) => {
                last = SignatureError::Mismatch
            }
            Err(WebhookError::BadHeader(_)) => return Err(SignatureError::Malformed),
            Err(WebhookError::BadTimestamp(_)) => return Err(SignatureError::Stale),
            Err(WebhookError::BadParse(msg)) => return Err(SignatureError::Unreadable(msg)),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"id":"evt_1","object":"event","api_version":"2026-09-30.endive","created":1700000000,"data":{"object":{"id":"cus_1","object":"customer","created":1700000000,"livemode":false}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"customer.created"}"#;

    fn secrets() -> WebhookSecrets {
        WebhookSecrets {
            platform: SecretString::from("whsec_platform"),
            connect: Some(SecretString::from("whsec_connect")),
        }
    }

    #[test]
    fn either_secret_is_accepted_and_others_are_not() {
        let now = 1_700_000_000;
        for secret in ["whsec_platform", "whsec_connect"] {
            let header = Webhook::generate_test_header(EVENT, secret, Some(now));
            let event = verify(EVENT, Some(&header), &secrets(), now).expect("valid");
            assert_eq!(event.id.as_str(), "evt_1");
        }
        let header = Webhook::generate_test_header(EVENT, "whsec_other", Some(now));
        assert_eq!(
            verify(EVENT, Some(&header), &secrets(), now).err(),
            Some(SignatureError::Mismatch)
        );
    }

    #[test]
    fn stale_missing_garbage_and_tampered_are_refused() {
        let now = 1_700_000_000;
        let header = Webhook::generate_test_header(EVENT, "whsec_platform", Some(now - 301));
        assert_eq!(
            verify(EVENT, Some(&header), &secrets(), now).err(),
            Some(SignatureError::Stale)
        );
        assert_eq!(
            verify(EVENT, None, &secrets(), now).err(),
            Some(SignatureError::Missing)
        );
        assert!(verify(EVENT, Some("garbage"), &secrets(), now).is_err());
        let header = Webhook::generate_test_header(EVENT, "whsec_platform", Some(now));
        let tampered = EVENT.replace("cus_1", "cus_2");
        assert_eq!(
            verify(&tampered, Some(&header), &secrets(), now).err(),
            Some(SignatureError::Mismatch)
        );
    }
}
