//! The payments gateway: one client, one retry policy, one error type.
//!
//! Every POST carries an idempotency key: derived from our own id when the
//! caller has one (an order, a user), else a fresh UUID per logical call. A
//! retry reuses that key, so a request that reached Stripe but whose answer
//! was lost can never create a second object.

mod accounts;
mod billing;
mod disputes;
mod payments;
mod payouts;

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use stripe::{IdempotencyKey, RequestStrategy, StripeError, StripeRequest};

pub use accounts::ConnectAccount;
pub use billing::{period_end, CreatedSubscription, PriceSpec};
pub use payments::{
    DestinationCharge, PaymentIntentInfo, PaymentIntentState, RefundInfo, RefundOf,
};
pub use payouts::PayoutInterval;

/// What the gateway needs from the configuration.
#[derive(Clone)]
pub struct GatewayConfig {
    pub secret_key: SecretString,
    pub publishable_key: String,
    /// `None` talks to api.stripe.com; the simulator is `http://host/_sim/stripe/`.
    pub api_base: Option<String>,
    /// Shown on the card statement after the platform's descriptor.
    pub statement_descriptor_suffix: String,
    /// One attempt's time limit.
    pub timeout: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The pause before the first retry; doubled for each further one.
    pub backoff: Duration,
}

impl GatewayConfig {
    /// Production defaults: 10 s per attempt, three attempts, 250 ms backoff.
    pub fn new(
        secret_key: SecretString,
        publishable_key: String,
        api_base: Option<String>,
    ) -> Self {
        GatewayConfig {
            secret_key,
            publishable_key,
            api_base,
            statement_descriptor_suffix: "AVELI.APP".into(),
            timeout: Duration::from_secs(10),
            max_attempts: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

/// Why a call failed, in the terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Network trouble, timeouts, 429 or 5xx that outlived every retry.
    #[error("Stripe is unavailable: {0}")]
    Unavailable(String),
    /// The card or payment method was declined; `message` is Stripe's text for the payer.
    #[error("payment declined: {code:?}/{decline_code:?}")]
    Declined {
        code: Option<String>,
        decline_code: Option<String>,
        message: String,
    },
    /// The object does not exist (on Stripe's side).
    #[error("no such Stripe object: {0}")]
    NotFound(String),
    /// Stripe refused the request as invalid: a bug or a state conflict on our side.
    #[error("Stripe refused the request ({status}, {code:?}): {message}")]
    Rejected {
        status: u16,
        code: Option<String>,
        param: Option<String>,
        message: String,
    },
    /// The gateway is misconfigured (bad key format, bad base URL).
    #[error("Stripe configuration: {0}")]
    Config(String),
}

impl GatewayError {
    pub fn is_transient(&self) -> bool {
        matches!(self, GatewayError::Unavailable(_))
    }
}

/// Sorts async-stripe's errors into ours. 429, 409 (a concurrent request with
/// the same key) and 5xx are transient; so is anything that never got an answer.
fn classify(err: StripeError) -> GatewayError {
    match err {
        StripeError::Stripe(api, status) => {
            let code = api.code.as_ref().map(|c| c.as_str().to_owned());
            let message = api.message.clone().unwrap_or_default();
            if status == 429 || status == 409 || status >= 500 {
                GatewayError::Unavailable(format!("HTTP {status}: {message}"))
            } else if status == 402 || matches!(api.type_, stripe_shared::ApiErrorsType::CardError)
            {
                GatewayError::Declined {
                    code,
                    decline_code: api.decline_code.clone(),
                    message,
                }
            } else if status == 404 {
                GatewayError::NotFound(message)
            } else {
                GatewayError::Rejected {
                    status,
                    code,
                    param: api.param.clone(),
                    message,
                }
            }
        }
        StripeError::ClientError(msg) => GatewayError::Unavailable(msg),
        StripeError::Timeout => GatewayError::Unavailable("timed out".into()),
        StripeError::JSONDeserialize(msg) => GatewayError::Rejected {
            status: 200,
            code: None,
            param: None,
            message: format!("unreadable answer: {msg}"),
        },
        StripeError::ConfigError(msg) => GatewayError::Config(msg),
    }
}

/// The one client for Stripe (or its simulator). Cheap to clone.
#[derive(Clone)]
pub struct StripeGateway {
    client: stripe::Client,
    publishable_key: String,
    statement_descriptor_suffix: String,
    max_attempts: u32,
    backoff: Duration,
}

impl std::fmt::Debug for StripeGateway {
    // Never print the client: it holds the secret key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeGateway")
            .field("publishable_key", &self.publishable_key)
            .finish_non_exhaustive()
    }
}

impl StripeGateway {
    pub fn new(config: GatewayConfig) -> Result<StripeGateway, GatewayError> {
        let mut builder = stripe::ClientBuilder::new(config.secret_key.expose_secret())
            .timeout(config.timeout)
            .request_strategy(RequestStrategy::Once);
        if let Some(base) = &config.api_base {
            // async-stripe appends "v1/..." to the base verbatim.
            let base = if base.ends_with('/') {
                base.clone()
            } else {
                format!("{base}/")
            };
            builder = builder.url(base);
        }
        let client = builder.build().map_err(classify)?;
        Ok(StripeGateway {
            client,
            publishable_key: config.publishable_key,
            statement_descriptor_suffix: config.statement_descriptor_suffix,
            max_attempts: config.max_attempts.max(1),
            backoff: config.backoff,
        })
    }

    /// The key the browser's Stripe.js is initialised with.
    pub fn publishable_key(&self) -> &str {
        &self.publishable_key
    }

    /// Sends a request with bounded retries. `key` is the idempotency key for
    /// POSTs (`None` for reads, which are safe to repeat as they are).
    async fn send<R>(
        &self,
        what: &'static str,
        request: &R,
        key: Option<&str>,
    ) -> Result<R::Output, GatewayError>
    where
        R: StripeRequest,
        R::Output: miniserde::Deserialize,
    {
        let strategy = match key {
            Some(key) => RequestStrategy::Idempotent(
                IdempotencyKey::new(key).map_err(|e| GatewayError::Config(e.to_string()))?,
            ),
            None => RequestStrategy::Once,
        };
        let mut attempt = 1;
        loop {
            let started = std::time::Instant::now();
            let result = request
                .customize()
                .request_strategy(strategy.clone())
                .send(&self.client)
                .await
                .map_err(classify);
            match result {
                Ok(output) => {
                    tracing::debug!(
                        what,
                        attempt,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "stripe call"
                    );
                    return Ok(output);
                }
                Err(err) if err.is_transient() && attempt < self.max_attempts => {
                    let pause = self.backoff * 2u32.saturating_pow(attempt - 1);
                    tracing::warn!(what, attempt, error = %err, ?pause, "stripe call failed; retrying with the same key");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                Err(err) => {
                    tracing::warn!(what, attempt, error = %err, "stripe call failed");
                    return Err(err);
                }
            }
        }
    }
}

/// A key for a call that has no id of our own to derive one from.
fn fresh_key() -> String {
    uuid::Uuid::new_v4().to_string()
}
